"""financial years: closed by a directie decision, reopened by a new one; a credit note says
which closed year it corrects; an invoice can be an opening balance of the previous bookkeeping

Revision ID: 0017_financial_years
Revises: 0016_bank_statements
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_financial_years"
down_revision: str | None = "0016_bank_statements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "financial_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="financial_year_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("closed_decision_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("reopened_decision_id", sa.Integer(), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_decision_id"],
            ["decision.id"],
            name=op.f("fk_financial_year_closed_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_decision_id"],
            ["decision.id"],
            name=op.f("fk_financial_year_reopened_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_financial_year")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "opening_balance", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("opening_balance")
        batch_op.drop_column("corrects_year")
    op.drop_table("financial_year")
