"""durable job queue: report exports as rows; procrastinate's schema on PostgreSQL

Revision ID: 0011_job_queue
Revises: 0010
Create Date: 2026-12-07 08:40:00

On PostgreSQL the job queue (procrastinate) keeps its jobs in the database itself, in a
schema of its own (`procrastinate`), so the registry's tables and theirs never mix. The
schema is the one of the pinned procrastinate version; a new version of procrastinate that
changes it comes with a migration of its own. SQLite (the demo) runs its jobs in the service
process and needs nothing here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.util import await_only

revision: str = "0011_job_queue"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_SCHEMA = "procrastinate"


def upgrade() -> None:
    op.create_table(
        "report_export",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="export_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=100), nullable=True),
        sa.Column("as_of_seq", sa.Integer(), nullable=False),
        sa.Column("as_of_hash", sa.String(length=64), nullable=False),
        sa.Column("formats", sa.String(length=100), nullable=False),
        sa.Column("decimal_comma", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("members_done", sa.Integer(), nullable=False),
        sa.Column("members_total", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=True),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["user_account.id"],
            name=op.f("fk_report_export_started_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_export")),
    )
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_export_started_by"), ["started_by"], unique=False
        )

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"CREATE SCHEMA {QUEUE_SCHEMA}")
        bind.exec_driver_sql(f"SET LOCAL search_path TO {QUEUE_SCHEMA}")
        # Many statements at once: asyncpg's simple query protocol, not a prepared statement.
        driver = bind.connection.dbapi_connection
        assert driver is not None
        await_only(driver.driver_connection.execute(SchemaManager.get_schema()))  # type: ignore[union-attr]
        bind.exec_driver_sql("RESET search_path")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(f"DROP SCHEMA {QUEUE_SCHEMA} CASCADE")
    with op.batch_alter_table("report_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_export_started_by"))
    op.drop_table("report_export")
