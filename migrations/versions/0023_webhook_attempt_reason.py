"""why a webhook delivery attempt got no answer: `webhook_attempt.reason` (older attempts keep
none and read as "other", with their text as the detail)

Revision ID: 0023_webhook_attempt_reason
Revises: 0022_close_year_approval
Create Date: 2026-12-07 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_webhook_attempt_reason"
down_revision: str | None = "0022_close_year_approval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reason",
                sa.Enum(
                    "timed_out",
                    "could_not_connect",
                    "internal_address",
                    "other",
                    name="webhook_failure_reason",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        # the CHECK first: SQLite rebuilds the table, and a CHECK on a dropped column fails
        batch_op.drop_constraint(op.f("ck_webhook_attempt_webhook_failure_reason"), type_="check")
        batch_op.drop_column("reason")
