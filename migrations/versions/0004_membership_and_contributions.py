"""membership: decisions, admission to exit, signatories, mergers; contribution rates and fee runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:04:19.720491
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "alv",
                "rvc",
                "directie",
                name="decision_body",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("document_url", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint("reference", name=op.f("uq_decision_reference")),
    )
    op.create_table(
        "fee_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=True),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_run_id"], ["fee_run.id"], name=op.f("fk_fee_run_previous_run_id_fee_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_run")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_fee_run_year_sequence")),
    )
    with op.batch_alter_table("fee_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_run_year"), ["year"], unique=False)

    op.create_table(
        "contribution_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column(
            "pro_rata",
            sa.Enum(
                "by_days",
                "full_year",
                name="pro_rata",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "population_policy",
            sa.Enum(
                "january_first",
                "latest_published",
                name="population_policy",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_contribution_rate_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_rate")),
        sa.UniqueConstraint("year", name=op.f("uq_contribution_rate_year")),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("approval_decision_id", sa.Integer(), nullable=True),
        sa.Column(
            "approval_outcome",
            sa.Enum(
                "approved",
                "rejected",
                name="approval_outcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("admission_decision_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("agreement_reference", sa.String(length=200), nullable=True),
        sa.Column("entry_fee_cents", sa.BigInteger(), nullable=True),
        sa.Column("entry_fee_decision_id", sa.Integer(), nullable=True),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum(
                "notice",
                "merger",
                name="end_reason",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("exit_charge_requested_cents", sa.BigInteger(), nullable=True),
        sa.Column("exit_charge_cap_cents", sa.BigInteger(), nullable=True),
        sa.Column("exit_charge_cents", sa.BigInteger(), nullable=True),
        sa.Column("exit_charge_rate", sa.String(length=40), nullable=True),
        sa.Column("exit_charge_inhabitants", sa.BigInteger(), nullable=True),
        sa.Column("exit_charge_reference_date", sa.Date(), nullable=True),
        sa.Column("successor_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["admission_decision_id"],
            ["decision.id"],
            name=op.f("fk_membership_admission_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["approval_decision_id"],
            ["decision.id"],
            name=op.f("fk_membership_approval_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["entry_fee_decision_id"],
            ["decision.id"],
            name=op.f("fk_membership_entry_fee_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_membership_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["successor_member_id"],
            ["member.id"],
            name=op.f("fk_membership_successor_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_member_id"), ["member_id"], unique=False)

    op.create_table(
        "municipality_succession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["municipality.id"],
            name=op.f("fk_municipality_succession_predecessor_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["municipality.id"],
            name=op.f("fk_municipality_succession_successor_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality_succession")),
        sa.UniqueConstraint(
            "predecessor_id",
            "successor_id",
            name=op.f("uq_municipality_succession_predecessor_id_successor_id"),
        ),
    )
    with op.batch_alter_table("municipality_succession", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipality_succession_predecessor_id"),
            ["predecessor_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_municipality_succession_successor_id"), ["successor_id"], unique=False
        )

    op.create_table(
        "fee_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=40), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("rate_id", sa.Integer(), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("decision_reference", sa.String(length=100), nullable=False),
        sa.Column("inhabitants", sa.BigInteger(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column(
            "population_basis",
            sa.Enum(
                "january_first",
                "latest_published",
                name="fee_population_basis",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column(
            "pro_rata",
            sa.Enum(
                "by_days",
                "full_year",
                name="fee_pro_rata",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("billable_from", sa.Date(), nullable=False),
        sa.Column("billable_to", sa.Date(), nullable=False),
        sa.Column("days_billable", sa.Integer(), nullable=False),
        sa.Column("days_in_year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_fee_line_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_fee_line_membership_id_membership"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["rate_id"],
            ["contribution_rate.id"],
            name=op.f("fk_fee_line_rate_id_contribution_rate"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["fee_run.id"], name=op.f("fk_fee_line_run_id_fee_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_line")),
        sa.UniqueConstraint(
            "run_id", "membership_id", name=op.f("uq_fee_line_run_id_membership_id")
        ),
    )
    with op.batch_alter_table("fee_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_line_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_fee_line_run_id"), ["run_id"], unique=False)

    op.create_table(
        "membership_signatory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("oin", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_membership_signatory_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_signatory")),
        sa.UniqueConstraint(
            "membership_id", "position", name=op.f("uq_membership_signatory_membership_id_position")
        ),
    )
    with op.batch_alter_table("membership_signatory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_signatory_membership_id"), ["membership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("membership_signatory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_signatory_membership_id"))

    op.drop_table("membership_signatory")
    with op.batch_alter_table("fee_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_line_run_id"))
        batch_op.drop_index(batch_op.f("ix_fee_line_member_id"))

    op.drop_table("fee_line")
    with op.batch_alter_table("municipality_succession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_succession_successor_id"))
        batch_op.drop_index(batch_op.f("ix_municipality_succession_predecessor_id"))

    op.drop_table("municipality_succession")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_member_id"))

    op.drop_table("membership")
    op.drop_table("contribution_rate")
    with op.batch_alter_table("fee_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_run_year"))

    op.drop_table("fee_run")
    op.drop_table("decision")
