"""members propose applications (review by the directie) and register interest

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column(
                "review_status",
                sa.Enum(
                    "proposed",
                    "changes_requested",
                    "published",
                    "rejected",
                    name="review_status",
                    native_enum=False,
                    create_constraint=True,
                    length=40,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=True))
    op.create_table(
        "application_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_interest_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_application_interest_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_interest")),
        sa.UniqueConstraint(
            "application_id",
            "member_id",
            name=op.f("uq_application_interest_application_id_member_id"),
        ),
    )
    with op.batch_alter_table("application_interest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_interest_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_interest_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("application_interest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_interest_member_id"))
        batch_op.drop_index(batch_op.f("ix_application_interest_application_id"))
    op.drop_table("application_interest")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("review_note")
        batch_op.drop_constraint(op.f("ck_application_review_status"), type_="check")
        batch_op.drop_column("review_status")
        batch_op.drop_column("problem")
