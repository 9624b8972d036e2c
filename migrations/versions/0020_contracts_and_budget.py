"""contracts register, reminders before a contract's notice date, cost entries pointing to
a contract, budgets in versions with their lines

Revision ID: 0020_contracts_and_budget
Revises: 0019_governance
Create Date: 2026-12-07 11:18:58.494328
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_contracts_and_budget"
down_revision: str | None = "0019_governance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "adopted",
                name="budget_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
            name=op.f("fk_budget_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_budget_decision_id")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_budget_year_version")),
    )
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_year"), ["year"], unique=False)

    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column(
            "item",
            sa.Enum(
                "contributions",
                "entry_fees",
                "usage_fees",
                "pool_costs",
                name="budget_item",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("pool_key", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["budget.id"],
            name=op.f("fk_budget_line_budget_id_budget"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["cost_pool.id"],
            name=op.f("fk_budget_line_pool_id_cost_pool"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint(
            "budget_id", "item", "pool_key", name=op.f("uq_budget_line_budget_id_item_pool_key")
        ),
    )
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_line_budget_id"), ["budget_id"], unique=False)

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("notice_period_months", sa.Integer(), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                "ended",
                name="contract_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("approval_decision_id", sa.Integer(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_contract_application_id_application"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["approval_decision_id"],
            ["decision.id"],
            name=op.f("fk_contract_approval_decision_id_decision"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["cost_pool.id"],
            name=op.f("fk_contract_pool_id_cost_pool"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("reference", name=op.f("uq_contract_reference")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contract_notice_date"), ["notice_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "contract_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
            name=op.f("fk_contract_reminder_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_contract_reminder_message_id_message"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_reminder")),
        sa.UniqueConstraint(
            "contract_id", "notice_date", name=op.f("uq_contract_reminder_contract_id_notice_date")
        ),
    )
    with op.batch_alter_table("contract_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_reminder_contract_id"), ["contract_id"], unique=False
        )

    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_cost_entry_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cost_entry_contract_id_contract"),
            "contract",
            ["contract_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cost_entry_contract_id_contract"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_cost_entry_contract_id"))
        batch_op.drop_column("contract_id")

    with op.batch_alter_table("contract_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_reminder_contract_id"))

    op.drop_table("contract_reminder")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_pool_id"))
        batch_op.drop_index(batch_op.f("ix_contract_notice_date"))
        batch_op.drop_index(batch_op.f("ix_contract_application_id"))

    op.drop_table("contract")
    with op.batch_alter_table("budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_line_budget_id"))

    op.drop_table("budget_line")
    with op.batch_alter_table("budget", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_year"))

    op.drop_table("budget")
