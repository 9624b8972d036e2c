"""four-eyes approval of closing a financial year: `close_year` joins the approval kinds

Revision ID: 0022_close_year_approval
Revises: 0021_four_eyes
Create Date: 2026-12-07 12:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_close_year_approval"
down_revision: str | None = "0021_four_eyes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("issue_invoice", "credit_note", "refund")


def _kinds_check(kinds: Sequence[str]) -> None:
    """Replace the CHECK on approval_request.kind (batch: SQLite rebuilds the table)."""
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("approval_request", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_approval_request_approval_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_approval_request_approval_kind"), f"kind IN ({listed})"
        )


def upgrade() -> None:
    _kinds_check((*KINDS, "close_year"))


def downgrade() -> None:
    op.execute("DELETE FROM approval_request WHERE kind = 'close_year'")
    _kinds_check(KINDS)
