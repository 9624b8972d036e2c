"""a webhook attempt to a host name that does not resolve has its own reason, `unknown_host`
(such attempts were stored as `could_not_connect` and keep that)

Revision ID: 0024_webhook_unknown_host
Revises: 0023_webhook_attempt_reason
Create Date: 2026-12-07 21:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024_webhook_unknown_host"
down_revision: str | None = "0023_webhook_attempt_reason"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASONS = ("timed_out", "could_not_connect", "internal_address", "other")


def _reasons_check(reasons: Sequence[str]) -> None:
    """Replace the CHECK on webhook_attempt.reason (batch: SQLite rebuilds the table)."""
    listed = ", ".join(f"'{reason}'" for reason in reasons)
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_webhook_attempt_webhook_failure_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_webhook_attempt_webhook_failure_reason"), f"reason IN ({listed})"
        )


def upgrade() -> None:
    _reasons_check(("timed_out", "unknown_host", "could_not_connect", "internal_address", "other"))


def downgrade() -> None:
    op.execute(
        "UPDATE webhook_attempt SET reason = 'could_not_connect' WHERE reason = 'unknown_host'"
    )
    _reasons_check(REASONS)
