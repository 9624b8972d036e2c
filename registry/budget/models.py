"""Budgets per year, in versions: a draft is edited, an ALV decision adopts it, and from then
on it is read-only; a change is a new version with a new decision."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class BudgetStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"


class BudgetItem(enum.StrEnum):
    """A line of the budget: three kinds of income, and the costs of one cost pool (an
    application's, or the cooperative's own: founding and operating pools)."""

    CONTRIBUTIONS = "contributions"
    ENTRY_FEES = "entry_fees"
    USAGE_FEES = "usage_fees"
    POOL_COSTS = "pool_costs"


INCOME = (BudgetItem.CONTRIBUTIONS, BudgetItem.ENTRY_FEES, BudgetItem.USAGE_FEES)


class Budget(Base):
    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[BudgetStatus] = mapped_column(str_enum(BudgetStatus, "budget_status"))
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT"), unique=True
    )
    """The ALV decision that adopted this version; one decision adopts one version."""
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BudgetLine(Base):
    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("budget_id", "item", "pool_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"), index=True)
    item: Mapped[BudgetItem] = mapped_column(str_enum(BudgetItem, "budget_item"))
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("cost_pool.id", ondelete="RESTRICT"))
    pool_key: Mapped[int] = mapped_column(Integer, default=0)
    """The pool's id, or 0 for income: part of the unique key (a NULL would not be)."""
    amount_cents: Mapped[int] = mapped_column(BigInteger)
