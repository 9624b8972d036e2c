"""Adoptions, the usage rights they grant, recorded usage and usage tariffs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import ExactDecimal, UTCDateTime, str_enum, utcnow


class AdoptionStage(enum.StrEnum):
    """A member's use of an application, in order."""

    ACQUISITION = "acquisition"
    PLANNED = "planned"
    IN_PRODUCTION = "in_production"
    PHASING_OUT = "phasing_out"
    PHASED_OUT = "phased_out"


class Metric(enum.StrEnum):
    """What usage is counted in; tariffs are per application and metric."""

    ACTIVE_USERS = "active_users"
    CASES_HANDLED = "cases_handled"
    TRANSACTIONS = "transactions"
    DOCUMENTS = "documents"


class Adoption(Base):
    __tablename__ = "adoption"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    stage: Mapped[AdoptionStage] = mapped_column(str_enum(AdoptionStage, "adoption_stage"))
    acquisition_on: Mapped[date] = mapped_column(Date)
    planned_on: Mapped[date | None] = mapped_column(Date)
    in_production_on: Mapped[date | None] = mapped_column(Date)
    phasing_out_on: Mapped[date | None] = mapped_column(Date)
    phased_out_on: Mapped[date | None] = mapped_column(Date)
    module: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[str] = mapped_column(String(50), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsageRight(Base):
    """The licence grant a member holds for an application (gebruiksrecht)."""

    __tablename__ = "usage_right"

    id: Mapped[int] = mapped_column(primary_key=True)
    adoption_id: Mapped[int] = mapped_column(
        ForeignKey("adoption.id", ondelete="RESTRICT"), unique=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    licence: Mapped[str] = mapped_column(String(500))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class UsageRecord(Base):
    """A quantity per member, application, month and metric; reported again, it is replaced."""

    __tablename__ = "usage_record"
    __table_args__ = (UniqueConstraint("member_id", "application_id", "period", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    period: Mapped[date] = mapped_column(Date)
    """The first day of the month the usage is for."""
    metric: Mapped[Metric] = mapped_column(str_enum(Metric, "usage_metric"))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))


class UsageTariff(Base):
    """Euro per unit of a metric for an application, from a decision, valid from a month."""

    __tablename__ = "usage_tariff"
    __table_args__ = (UniqueConstraint("application_id", "metric", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    metric: Mapped[Metric] = mapped_column(str_enum(Metric, "tariff_metric"))
    price: Mapped[Decimal] = mapped_column(ExactDecimal)
    valid_from: Mapped[date] = mapped_column(Date)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
