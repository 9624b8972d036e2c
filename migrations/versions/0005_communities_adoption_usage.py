"""communities, business cases, adoptions, usage rights, usage records and tariffs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 23:42:38.143797
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "adoption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "acquisition",
                "planned",
                "in_production",
                "phasing_out",
                "phased_out",
                name="adoption_stage",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("acquisition_on", sa.Date(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("in_production_on", sa.Date(), nullable=True),
        sa.Column("phasing_out_on", sa.Date(), nullable=True),
        sa.Column("phased_out_on", sa.Date(), nullable=True),
        sa.Column("module", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_adoption_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_adoption_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoption")),
    )
    with op.batch_alter_table("adoption", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adoption_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_adoption_member_id"), ["member_id"], unique=False)

    op.create_table(
        "business_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("development_cents", sa.BigInteger(), nullable=False),
        sa.Column("own_staff_cents", sa.BigInteger(), nullable=False),
        sa.Column("implementation_cents", sa.BigInteger(), nullable=False),
        sa.Column("operation_cents", sa.BigInteger(), nullable=False),
        sa.Column("maintenance_cents", sa.BigInteger(), nullable=False),
        sa.Column("hosting_cents", sa.BigInteger(), nullable=False),
        sa.Column("expected_usage_fees_cents", sa.BigInteger(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "positive",
                "negative",
                name="business_case_decision",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reference", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_business_case_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_case")),
        sa.UniqueConstraint(
            "application_id", "title", name=op.f("uq_business_case_application_id_title")
        ),
    )
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_case_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "community_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "idea",
                "development",
                "complete_package",
                name="join_stage",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_community_member_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_community_member_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_member")),
        sa.UniqueConstraint(
            "application_id", "member_id", name=op.f("uq_community_member_application_id_member_id")
        ),
    )
    with op.batch_alter_table("community_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_member_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_community_member_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "usage_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column(
            "metric",
            sa.Enum(
                "active_users",
                "cases_handled",
                "transactions",
                "documents",
                name="usage_metric",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_usage_record_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_usage_record_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_record")),
        sa.UniqueConstraint(
            "member_id",
            "application_id",
            "period",
            "metric",
            name=op.f("uq_usage_record_member_id_application_id_period_metric"),
        ),
    )
    with op.batch_alter_table("usage_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_record_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_usage_record_member_id"), ["member_id"], unique=False)

    op.create_table(
        "usage_tariff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column(
            "metric",
            sa.Enum(
                "active_users",
                "cases_handled",
                "transactions",
                "documents",
                name="tariff_metric",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("price", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_usage_tariff_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_usage_tariff_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_tariff")),
        sa.UniqueConstraint(
            "application_id",
            "metric",
            "valid_from",
            name=op.f("uq_usage_tariff_application_id_metric_valid_from"),
        ),
    )
    with op.batch_alter_table("usage_tariff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_tariff_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "business_case_participant",
        sa.Column("business_case_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_case_id"],
            ["business_case.id"],
            name=op.f("fk_business_case_participant_business_case_id_business_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_business_case_participant_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "business_case_id", "member_id", name=op.f("pk_business_case_participant")
        ),
    )
    with op.batch_alter_table("business_case_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_case_participant_business_case_id"),
            ["business_case_id"],
            unique=False,
        )

    op.create_table(
        "usage_right",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adoption_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("licence", sa.String(length=500), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["adoption_id"],
            ["adoption.id"],
            name=op.f("fk_usage_right_adoption_id_adoption"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_usage_right_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_usage_right_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_right")),
        sa.UniqueConstraint("adoption_id", name=op.f("uq_usage_right_adoption_id")),
    )
    with op.batch_alter_table("usage_right", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_right_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_usage_right_member_id"), ["member_id"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "late_joiners_equal_say", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("late_joiners_equal_say")

    with op.batch_alter_table("usage_right", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_right_member_id"))
        batch_op.drop_index(batch_op.f("ix_usage_right_application_id"))

    op.drop_table("usage_right")
    with op.batch_alter_table("business_case_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_case_participant_business_case_id"))

    op.drop_table("business_case_participant")
    with op.batch_alter_table("usage_tariff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_tariff_application_id"))

    op.drop_table("usage_tariff")
    with op.batch_alter_table("usage_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_record_member_id"))
        batch_op.drop_index(batch_op.f("ix_usage_record_application_id"))

    op.drop_table("usage_record")
    with op.batch_alter_table("community_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_member_member_id"))
        batch_op.drop_index(batch_op.f("ix_community_member_application_id"))

    op.drop_table("community_member")
    with op.batch_alter_table("business_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_case_application_id"))

    op.drop_table("business_case")
    with op.batch_alter_table("adoption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoption_member_id"))
        batch_op.drop_index(batch_op.f("ix_adoption_application_id"))

    op.drop_table("adoption")
