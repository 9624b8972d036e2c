"""Contribution rates and stored fee runs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import ExactDecimal, UTCDateTime, str_enum, utcnow


class ProRata(enum.StrEnum):
    """How a member that joins or leaves during the year pays."""

    BY_DAYS = "by_days"
    FULL_YEAR = "full_year"


class PopulationPolicy(enum.StrEnum):
    """Which population figure counts when the one of 1 January is not published yet."""

    JANUARY_FIRST = "january_first"
    LATEST_PUBLISHED = "latest_published"


class ContributionRate(Base):
    """Euro per inhabitant for one year, set by an ALV decision, with its policies."""

    __tablename__ = "contribution_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"))
    pro_rata: Mapped[ProRata] = mapped_column(str_enum(ProRata, "pro_rata"))
    population_policy: Mapped[PopulationPolicy] = mapped_column(
        str_enum(PopulationPolicy, "population_policy")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeeRun(Base):
    """A stored computation of every member's contribution for a year; never changed."""

    __tablename__ = "fee_run"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    previous_run_id: Mapped[int | None] = mapped_column(ForeignKey("fee_run.id"))
    total_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    lines: Mapped[list[FeeLine]] = relationship(
        lazy="raise", order_by="FeeLine.member_code", cascade="all, delete-orphan"
    )


class FeeLine(Base):
    """One member's contribution in a run, with every input it was computed from."""

    __tablename__ = "fee_line"
    __table_args__ = (UniqueConstraint("run_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("fee_run.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    member_code: Mapped[str] = mapped_column(String(40))
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="RESTRICT"))
    rate_id: Mapped[int] = mapped_column(ForeignKey("contribution_rate.id", ondelete="RESTRICT"))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    decision_reference: Mapped[str] = mapped_column(String(100))
    inhabitants: Mapped[int] = mapped_column(BigInteger)
    reference_date: Mapped[date] = mapped_column(Date)
    population_basis: Mapped[PopulationPolicy] = mapped_column(
        str_enum(PopulationPolicy, "fee_population_basis")
    )
    figures: Mapped[str] = mapped_column(Text)
    """The population figures used, as canonical JSON (municipality, date, count, source)."""
    pro_rata: Mapped[ProRata] = mapped_column(str_enum(ProRata, "fee_pro_rata"))
    billable_from: Mapped[date] = mapped_column(Date)
    billable_to: Mapped[date] = mapped_column(Date)
    days_billable: Mapped[int] = mapped_column(Integer)
    days_in_year: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
