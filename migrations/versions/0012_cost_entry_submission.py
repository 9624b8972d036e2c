"""a cost entry remembers the form submission that stored it, so a double submit stores once

Revision ID: 0012_cost_entry_submission
Revises: 0011_job_queue
Create Date: 2026-12-07 09:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_cost_entry_submission"
down_revision: str | None = "0011_job_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_cost_entry_pool_id_submission_key", ["pool_id", "submission_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cost_entry_pool_id_submission_key", type_="unique")
        batch_op.drop_column("submission_key")
