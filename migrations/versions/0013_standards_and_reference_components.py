"""standards as a table (owner, version, URL) linked from claims with a version; GEMMA
reference components and publiccode.yml categories per application; the free-text standards
already claimed become rows of the table

Revision ID: 0013_standards
Revises: 0012_cost_entry_submission
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_standards"
down_revision: str | None = "0012_cost_entry_submission"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "standard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), server_default="", nullable=False),
        sa.Column("version", sa.String(length=50), server_default="", nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard")),
        sa.UniqueConstraint("name", name=op.f("uq_standard_name")),
    )
    op.create_table(
        "reference_component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_component")),
        sa.UniqueConstraint("name", name=op.f("uq_reference_component_name")),
    )
    op.create_table(
        "application_reference_component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reference_component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_reference_component_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_component_id"],
            ["reference_component.id"],
            name=op.f(
                "fk_application_reference_component_reference_component_id_reference_component"
            ),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_reference_component")),
        sa.UniqueConstraint(
            "application_id",
            "reference_component_id",
            name=op.f("uq_application_reference_component_application_id_reference_component_id"),
        ),
    )
    with op.batch_alter_table("application_reference_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_reference_component_application_id"),
            ["application_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_application_reference_component_reference_component_id"),
            ["reference_component_id"],
            unique=False,
        )
    op.create_table(
        "application_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_category_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_category")),
        sa.UniqueConstraint(
            "application_id",
            "category",
            name=op.f("uq_application_category_application_id_category"),
        ),
    )
    with op.batch_alter_table("application_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_category_application_id"), ["application_id"], unique=False
        )
    with op.batch_alter_table("standard_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standard_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.String(length=50), server_default="", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_standard_claim_standard_id"), ["standard_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_standard_claim_standard_id_standard"),
            "standard",
            ["standard_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    # The standards claimed as free text so far become rows of the table, each name once.
    op.execute(
        "INSERT INTO standard (name, owner, version) "
        "SELECT DISTINCT standard, '', '' FROM standard_claim"
    )
    op.execute(
        "UPDATE standard_claim SET standard_id = "
        "(SELECT standard.id FROM standard WHERE standard.name = standard_claim.standard)"
    )


def downgrade() -> None:
    with op.batch_alter_table("standard_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_standard_claim_standard_id_standard"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_standard_claim_standard_id"))
        batch_op.drop_column("version")
        batch_op.drop_column("standard_id")
    with op.batch_alter_table("application_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_category_application_id"))
    op.drop_table("application_category")
    with op.batch_alter_table("application_reference_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_reference_component_reference_component_id"))
        batch_op.drop_index(batch_op.f("ix_application_reference_component_application_id"))
    op.drop_table("application_reference_component")
    op.drop_table("reference_component")
    op.drop_table("standard")
