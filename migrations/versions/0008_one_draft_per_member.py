"""at most one open draft invoice per member

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DRAFT = sa.text("status = 'draft'")


def upgrade() -> None:
    # Drafts doubled by two concurrent runs before this rule: keep each member's newest.
    op.execute(
        "DELETE FROM invoice_line WHERE invoice_id IN ("
        " SELECT d.id FROM invoice d WHERE d.status = 'draft' AND EXISTS ("
        "  SELECT 1 FROM invoice n WHERE n.status = 'draft'"
        "  AND n.member_id = d.member_id AND n.id > d.id))"
    )
    op.execute(
        "DELETE FROM invoice WHERE status = 'draft' AND EXISTS ("
        " SELECT 1 FROM invoice n WHERE n.status = 'draft'"
        " AND n.member_id = invoice.member_id AND n.id > invoice.id)"
    )
    op.create_index(
        "uq_invoice_one_draft_per_member",
        "invoice",
        ["member_id"],
        unique=True,
        sqlite_where=_DRAFT,
        postgresql_where=_DRAFT,
    )


def downgrade() -> None:
    op.drop_index("uq_invoice_one_draft_per_member", table_name="invoice")
