"""Municipalities, their population figures, and the member organisations."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import str_enum


class FigureStatus(enum.StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class MemberType(enum.StrEnum):
    """Only government bodies can be members of the cooperative."""

    GEMEENTE = "gemeente"
    GEMEENSCHAPPELIJKE_REGELING = "gemeenschappelijke_regeling"
    PROVINCIE = "provincie"
    WATERSCHAP = "waterschap"
    BEDRIJFSVOERINGSORGANISATIE = "bedrijfsvoeringsorganisatie"
    PARTNERSHIP = "partnership"


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    cbs_code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    figures: Mapped[list[PopulationFigure]] = relationship(
        back_populates="municipality", lazy="raise", order_by="PopulationFigure.reference_date"
    )


class PopulationFigure(Base):
    """Inhabitants of one municipality on a reference date (1 January), with its source."""

    __tablename__ = "population_figure"
    __table_args__ = (UniqueConstraint("municipality_id", "reference_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True
    )
    reference_date: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    status: Mapped[FigureStatus] = mapped_column(str_enum(FigureStatus, "figure_status"))

    municipality: Mapped[Municipality] = relationship(back_populates="figures", lazy="raise")


member_municipality = Table(
    "member_municipality",
    Base.metadata,
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column(
        "municipality_id",
        ForeignKey("municipality.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[MemberType] = mapped_column(str_enum(MemberType, "member_type"))
    oin: Mapped[str | None] = mapped_column(String(20), unique=True)
    kvk: Mapped[str | None] = mapped_column(String(8))

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=member_municipality, lazy="raise", order_by=Municipality.cbs_code
    )
