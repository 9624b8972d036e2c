"""cost pools, entries, participants, immutable allocation runs and their lines

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 23:33:18.009570
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cost_pool",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "development",
                "maintenance",
                "hosting",
                "founding",
                "operating",
                name="pool_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column(
            "key",
            sa.Enum(
                "inhabitants",
                "fixed_percentages",
                "equal",
                "usage",
                "single_payer",
                name="allocation_key",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("reference_date", sa.Date(), nullable=True),
        sa.Column("usage_metric", sa.String(length=80), nullable=True),
        sa.Column("usage_from", sa.Date(), nullable=True),
        sa.Column("usage_to", sa.Date(), nullable=True),
        sa.Column("single_payer_member_id", sa.Integer(), nullable=True),
        sa.Column(
            "late_joiner_policy",
            sa.Enum(
                "full_cost",
                "depreciated",
                name="late_joiner_policy",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("depreciation_years", sa.Integer(), nullable=False),
        sa.Column("closed_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_cost_pool_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["single_payer_member_id"],
            ["member.id"],
            name=op.f("fk_cost_pool_single_payer_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_pool")),
        sa.UniqueConstraint("code", name=op.f("uq_cost_pool_code")),
    )
    with op.batch_alter_table("cost_pool", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cost_pool_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "allocation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "allocation",
                "settlement",
                "reversal",
                name="run_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("reverses_run_id", sa.Integer(), nullable=True),
        sa.Column("newcomer_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_member_id"],
            ["member.id"],
            name=op.f("fk_allocation_run_newcomer_member_id_member"),
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["cost_pool.id"],
            name=op.f("fk_allocation_run_pool_id_cost_pool"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_run_id"],
            ["allocation_run.id"],
            name=op.f("fk_allocation_run_reverses_run_id_allocation_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_run")),
        sa.UniqueConstraint("pool_id", "sequence", name=op.f("uq_allocation_run_pool_id_sequence")),
    )
    with op.batch_alter_table("allocation_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_allocation_run_inputs_sha256"), ["inputs_sha256"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_allocation_run_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "cost_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "development",
                "own_staff",
                "implementation",
                "operation",
                "maintenance",
                "hosting",
                "founding",
                "other",
                name="cost_category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("document_reference", sa.String(length=200), nullable=True),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["cost_pool.id"],
            name=op.f("fk_cost_entry_pool_id_cost_pool"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_entry")),
    )
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cost_entry_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "pool_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("percentage", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_pool_participant_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["cost_pool.id"],
            name=op.f("fk_pool_participant_pool_id_cost_pool"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_participant")),
        sa.UniqueConstraint(
            "pool_id", "member_id", name=op.f("uq_pool_participant_pool_id_member_id")
        ),
    )
    with op.batch_alter_table("pool_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_participant_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pool_participant_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "allocation_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("weight", sa.String(length=40), nullable=False),
        sa.Column("weight_total", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["cost_entry.id"],
            name=op.f("fk_allocation_line_entry_id_cost_entry"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_allocation_line_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["allocation_run.id"],
            name=op.f("fk_allocation_line_run_id_allocation_run"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_line")),
        sa.UniqueConstraint(
            "run_id",
            "entry_id",
            "member_id",
            name=op.f("uq_allocation_line_run_id_entry_id_member_id"),
        ),
    )
    with op.batch_alter_table("allocation_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_line_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_allocation_line_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_allocation_line_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocation_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_line_run_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_line_member_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_line_entry_id"))

    op.drop_table("allocation_line")
    with op.batch_alter_table("pool_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_participant_pool_id"))
        batch_op.drop_index(batch_op.f("ix_pool_participant_member_id"))

    op.drop_table("pool_participant")
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cost_entry_pool_id"))

    op.drop_table("cost_entry")
    with op.batch_alter_table("allocation_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_run_pool_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_run_inputs_sha256"))

    op.drop_table("allocation_run")
    with op.batch_alter_table("cost_pool", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cost_pool_application_id"))

    op.drop_table("cost_pool")
