"""Cost pools, their entries and participants, and the immutable allocation runs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.db import Base
from registry.kit.types import ExactDecimal, UTCDateTime, str_enum, utcnow


class PoolKind(enum.StrEnum):
    """What the pool's costs are for: an application's, or the cooperative's own."""

    DEVELOPMENT = "development"
    MAINTENANCE = "maintenance"
    HOSTING = "hosting"
    FOUNDING = "founding"
    OPERATING = "operating"


class CostCategory(enum.StrEnum):
    DEVELOPMENT = "development"
    OWN_STAFF = "own_staff"
    """Members' own staff working on the application, valued in money."""
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    MAINTENANCE = "maintenance"
    HOSTING = "hosting"
    FOUNDING = "founding"
    OTHER = "other"


class RunKind(enum.StrEnum):
    ALLOCATION = "allocation"
    SETTLEMENT = "settlement"
    REVERSAL = "reversal"


class CostPool(Base):
    __tablename__ = "cost_pool"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PoolKind] = mapped_column(str_enum(PoolKind, "pool_kind"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    """None: the cooperative's own costs (founding, operating)."""
    key: Mapped[AllocationKey] = mapped_column(str_enum(AllocationKey, "allocation_key"))
    reference_date: Mapped[date | None] = mapped_column(Date)
    """For the inhabitants key: the date of the population figures (1 January)."""
    usage_metric: Mapped[str | None] = mapped_column(String(80))
    usage_from: Mapped[date | None] = mapped_column(Date)
    usage_to: Mapped[date | None] = mapped_column(Date)
    single_payer_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT")
    )
    late_joiner_policy: Mapped[LateJoinerPolicy] = mapped_column(
        str_enum(LateJoinerPolicy, "late_joiner_policy")
    )
    depreciation_years: Mapped[int] = mapped_column(Integer, default=5)
    closed_until: Mapped[date | None] = mapped_column(Date)
    """Entries dated on or before this day are refused: that period is closed."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CostEntry(Base):
    __tablename__ = "cost_entry"
    __table_args__ = (UniqueConstraint("pool_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(
        ForeignKey("cost_pool.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    entry_date: Mapped[date] = mapped_column(Date)
    category: Mapped[CostCategory] = mapped_column(str_enum(CostCategory, "cost_category"))
    description: Mapped[str] = mapped_column(String(500))
    document_reference: Mapped[str | None] = mapped_column(String(200))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submission_key: Mapped[str | None] = mapped_column(String(64))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="RESTRICT"), index=True
    )
    """The contract (contracts register) the cost comes from, if any."""
    """The form (or API call) that stored it: sent again, it answers with this entry."""


class PoolParticipant(Base):
    __tablename__ = "pool_participant"
    __table_args__ = (UniqueConstraint("pool_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(
        ForeignKey("cost_pool.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    percentage: Mapped[Decimal | None] = mapped_column(ExactDecimal)


class AllocationRun(Base):
    """An immutable computation of shares, with its inputs and their SHA-256."""

    __tablename__ = "allocation_run"
    __table_args__ = (UniqueConstraint("pool_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(
        ForeignKey("cost_pool.id", ondelete="RESTRICT"), index=True
    )
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RunKind] = mapped_column(str_enum(RunKind, "run_kind"))
    booked_on: Mapped[date] = mapped_column(Date)
    inputs: Mapped[str] = mapped_column(Text)
    inputs_sha256: Mapped[str] = mapped_column(String(64), index=True)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    reverses_run_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_run.id"))
    """A reversal names the run it cancels; its replacement follows it."""
    newcomer_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    """A settlement names the member whose joining it settles."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    lines: Mapped[list[AllocationLine]] = relationship(
        lazy="raise", order_by="(AllocationLine.entry_id, AllocationLine.member_code)"
    )


class AllocationLine(Base):
    """One member's share of one cost entry in a run (negative: a credit)."""

    __tablename__ = "allocation_line"
    __table_args__ = (UniqueConstraint("run_id", "entry_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_run.id", ondelete="RESTRICT"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("cost_entry.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    member_code: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    weight: Mapped[Decimal] = mapped_column(ExactDecimal)
    weight_total: Mapped[Decimal] = mapped_column(ExactDecimal)
    """What the entry was divided by: the share is amount × weight / weight_total, rounded."""
