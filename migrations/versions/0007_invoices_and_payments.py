"""invoices, credit notes, lines, settlements, member credit, VAT rules and gateway events

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 11:38:34.805447
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_number_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_number_counter")),
    )
    op.create_table(
        "vat_rule",
        sa.Column(
            "category",
            sa.Enum(
                "contribution",
                "entry_fee",
                "exit_charge",
                "allocation",
                "settlement",
                "usage_fee",
                name="vat_rule_category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "vat_code",
            sa.Enum(
                "S",
                "Z",
                "E",
                "O",
                name="vat_rule_code",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("exemption_reason", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_vat_rule")),
    )
    op.create_table(
        "billing_account",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("purchase_order_reference", sa.String(length=100), nullable=True),
        sa.Column("gateway_customer_id", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_billing_account_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_billing_account")),
    )
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "invoice",
                "credit_note",
                name="invoice_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "issued",
                "partially_paid",
                "paid",
                "credited",
                name="invoice_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("period_until", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("net_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("gross_cents", sa.BigInteger(), nullable=False),
        sa.Column("prepaid_cents", sa.BigInteger(), nullable=False),
        sa.Column("due_cents", sa.BigInteger(), nullable=False),
        sa.Column("settled_cents", sa.BigInteger(), nullable=False),
        sa.Column("corrects_invoice_id", sa.Integer(), nullable=True),
        sa.Column(
            "credit_choice",
            sa.Enum(
                "carry",
                "refund",
                name="credit_choice",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("customer", sa.Text(), nullable=False),
        sa.Column("buyer_reference", sa.String(length=100), nullable=False),
        sa.Column("gateway_intent_id", sa.String(length=100), nullable=True),
        sa.Column("payment_pending", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_corrects_invoice_id_invoice"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_invoice_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("gateway_intent_id", name=op.f("uq_invoice_gateway_intent_id")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
        sa.UniqueConstraint("year", "sequence", name=op.f("uq_invoice_year_sequence")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_status"), ["status"], unique=False)

    op.create_table(
        "gateway_event",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("intent_id", sa.String(length=100), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f("fk_gateway_event_invoice_id_invoice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_event")),
    )
    with op.batch_alter_table("gateway_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_event_intent_id"), ["intent_id"], unique=False)

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "contribution",
                "entry_fee",
                "exit_charge",
                "allocation",
                "settlement",
                "usage_fee",
                name="invoice_line_category",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("item_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("billable_on", sa.Date(), nullable=False),
        sa.Column("net_cents", sa.BigInteger(), nullable=False),
        sa.Column(
            "vat_code",
            sa.Enum(
                "S",
                "Z",
                "E",
                "O",
                name="invoice_line_vat_code",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("vat_rate", sa.String(length=40), nullable=False),
        sa.Column("exemption_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_line_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_invoice_line_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
        sa.UniqueConstraint(
            "invoice_id", "line_no", name=op.f("uq_invoice_line_invoice_id_line_no")
        ),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoice_line_item_key"), ["item_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_line_member_id"), ["member_id"], unique=False)

    op.create_table(
        "invoice_settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "stripe",
                "bank_transfer",
                "credit_note",
                "carried",
                "refund",
                name="settlement_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_settlement_invoice_id_invoice"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_settlement")),
        sa.UniqueConstraint("kind", "reference", name=op.f("uq_invoice_settlement_kind_reference")),
    )
    with op.batch_alter_table("invoice_settlement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_settlement_invoice_id"), ["invoice_id"], unique=False
        )

    op.create_table(
        "member_credit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_member_credit_invoice_id_invoice"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_member_credit_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_credit")),
    )
    with op.batch_alter_table("member_credit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_credit_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("member_credit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_credit_member_id"))

    op.drop_table("member_credit")
    with op.batch_alter_table("invoice_settlement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_settlement_invoice_id"))

    op.drop_table("invoice_settlement")
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_member_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_item_key"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_invoice_id"))

    op.drop_table("invoice_line")
    with op.batch_alter_table("gateway_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_event_intent_id"))

    op.drop_table("gateway_event")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_status"))
        batch_op.drop_index(batch_op.f("ix_invoice_member_id"))

    op.drop_table("invoice")
    op.drop_table("billing_account")
    op.drop_table("vat_rule")
    op.drop_table("invoice_number_counter")
