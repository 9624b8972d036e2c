"""foundation: municipalities, members, catalogue

Revision ID: 0001
Revises:
Create Date: 2026-11-23 19:43:07.368939
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "gemeente",
                "gemeenschappelijke_regeling",
                "provincie",
                "waterschap",
                "bedrijfsvoeringsorganisatie",
                "partnership",
                name="member_type",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("oin", sa.String(length=20), nullable=True),
        sa.Column("kvk", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("code", name=op.f("uq_member_code")),
        sa.UniqueConstraint("oin", name=op.f("uq_member_oin")),
    )
    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cbs_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
        sa.UniqueConstraint("cbs_code", name=op.f("uq_municipality_cbs_code")),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("lead_member_id", sa.Integer(), nullable=True),
        sa.Column("owner_member_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "idea",
                "exploration",
                "build",
                "acceptance",
                "production",
                "retired",
                name="application_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("licence", sa.String(length=500), nullable=False),
        sa.Column("repository_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_member_id"],
            ["member.id"],
            name=op.f("fk_application_lead_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["member.id"],
            name=op.f("fk_application_owner_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("slug", name=op.f("uq_application_slug")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_lead_member_id"), ["lead_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_owner_member_id"), ["owner_member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_application_status"), ["status"], unique=False)

    op.create_table(
        "member_municipality",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_member_municipality_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_member_municipality_municipality_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "member_id", "municipality_id", name=op.f("pk_member_municipality")
        ),
    )
    with op.batch_alter_table("member_municipality", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_municipality_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_member_municipality_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "population_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "provisional",
                "final",
                name="figure_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_population_figure_municipality_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_figure")),
        sa.UniqueConstraint(
            "municipality_id",
            "reference_date",
            name=op.f("uq_population_figure_municipality_id_reference_date"),
        ),
    )
    with op.batch_alter_table("population_figure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_population_figure_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_release_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint(
            "application_id", "version", name=op.f("uq_release_application_id_version")
        ),
    )
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_release_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "standard_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_standard_claim_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_claim")),
        sa.UniqueConstraint(
            "application_id", "standard", name=op.f("uq_standard_claim_application_id_standard")
        ),
    )
    with op.batch_alter_table("standard_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standard_claim_application_id"), ["application_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("standard_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_standard_claim_application_id"))

    op.drop_table("standard_claim")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_application_id"))

    op.drop_table("release")
    with op.batch_alter_table("population_figure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_population_figure_municipality_id"))

    op.drop_table("population_figure")
    with op.batch_alter_table("member_municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_municipality_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_member_municipality_member_id"))

    op.drop_table("member_municipality")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_status"))
        batch_op.drop_index(batch_op.f("ix_application_owner_member_id"))
        batch_op.drop_index(batch_op.f("ix_application_lead_member_id"))

    op.drop_table("application")
    op.drop_table("municipality")
    op.drop_table("member")
