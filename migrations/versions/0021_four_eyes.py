"""four-eyes approval: requests one director prepares and a second decides on, and the
mark on a document issued without one

Revision ID: 0021_four_eyes
Revises: 0020_contracts_and_budget
Create Date: 2026-12-07 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_four_eyes"
down_revision: str | None = "0020_contracts_and_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approval_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "issue_invoice",
                "credit_note",
                "refund",
                name="approval_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("pending_key", sa.String(length=200), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                "withdrawn",
                name="approval_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("prepared_by_user_id", sa.Integer(), nullable=False),
        sa.Column("prepared_by", sa.String(length=200), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result_invoice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_approval_request_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["result_invoice_id"],
            ["invoice.id"],
            name=op.f("fk_approval_request_result_invoice_id_invoice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_request")),
        sa.UniqueConstraint("pending_key", name=op.f("uq_approval_request_pending_key")),
    )
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_request_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_approval_request_status"), ["status"], unique=False)
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("single_director", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("single_director")
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_request_status"))
        batch_op.drop_index(batch_op.f("ix_approval_request_member_id"))
    op.drop_table("approval_request")
