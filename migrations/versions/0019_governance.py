"""governance: people in the ALV, RvC and directie, meetings with their agenda,
attendance, proxies and votes, and the register of conflicts of interest

Revision ID: 0019_governance
Revises: 0017_financial_years
Create Date: 2026-12-07 11:21:26.209117
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_governance"
down_revision: str | None = "0017_financial_years"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "alv",
                "rvc",
                "directie",
                name="meeting_body",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "form",
            sa.Enum(
                "meeting",
                "written",
                name="meeting_form",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("minutes_reference", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ordinary",
                "budget",
                "contribution_rate",
                "entry_fee",
                "admission",
                "contract_approval",
                "statutes_change",
                "dissolution",
                name="proposal_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "subject_kind",
            sa.Enum(
                "member",
                "application",
                "contract",
                "other",
                name="agenda_subject_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("subject_reference", sa.String(length=200), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("adopted", sa.Boolean(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("abstentions", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_agenda_item_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_meeting"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_agenda_item_decision_id")),
        sa.UniqueConstraint(
            "meeting_id", "position", name=op.f("uq_agenda_item_meeting_id_position")
        ),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "body_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "alv",
                "rvc",
                "directie",
                name="person_body",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "secretary",
                "member",
                "representative",
                "director",
                name="person_role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_body_person_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_body_person_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_person")),
    )
    with op.batch_alter_table("body_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_person_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_person_user_id"), ["user_id"], unique=False)

    op.create_table(
        "proxy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("grantor_member_id", sa.Integer(), nullable=False),
        sa.Column("holder_member_id", sa.Integer(), nullable=False),
        sa.Column("document_reference", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["grantor_member_id"],
            ["member.id"],
            name=op.f("fk_proxy_grantor_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["holder_member_id"],
            ["member.id"],
            name=op.f("fk_proxy_holder_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_proxy_meeting_id_meeting"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy")),
        sa.UniqueConstraint(
            "meeting_id", "grantor_member_id", name=op.f("uq_proxy_meeting_id_grantor_member_id")
        ),
    )
    with op.batch_alter_table("proxy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proxy_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_attendance_meeting_id_meeting"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_attendance_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["body_person.id"],
            name=op.f("fk_attendance_person_id_body_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "member_id", name=op.f("uq_attendance_meeting_id_member_id")
        ),
        sa.UniqueConstraint(
            "meeting_id", "person_id", name=op.f("uq_attendance_meeting_id_person_id")
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "conflict_of_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "subject_kind",
            sa.Enum(
                "member",
                "application",
                "contract",
                "other",
                name="conflict_subject_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("subject_reference", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["body_person.id"],
            name=op.f("fk_conflict_of_interest_person_id_body_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
    )
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_of_interest_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("cast_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "choice",
            sa.Enum(
                "for",
                "against",
                "abstain",
                name="vote_choice",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_vote_agenda_item_id_agenda_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cast_by_id"],
            ["body_person.id"],
            name=op.f("fk_vote_cast_by_id_body_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_vote_member_id_member"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["body_person.id"],
            name=op.f("fk_vote_person_id_body_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint(
            "agenda_item_id", "member_id", name=op.f("uq_vote_agenda_item_id_member_id")
        ),
        sa.UniqueConstraint(
            "agenda_item_id", "person_id", name=op.f("uq_vote_agenda_item_id_person_id")
        ),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vote_agenda_item_id"), ["agenda_item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_agenda_item_id"))

    op.drop_table("vote")
    with op.batch_alter_table("conflict_of_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_of_interest_person_id"))

    op.drop_table("conflict_of_interest")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_meeting_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("proxy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proxy_meeting_id"))

    op.drop_table("proxy")
    with op.batch_alter_table("body_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_person_user_id"))
        batch_op.drop_index(batch_op.f("ix_body_person_member_id"))

    op.drop_table("body_person")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))

    op.drop_table("agenda_item")
    op.drop_table("meeting")
