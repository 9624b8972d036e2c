"""A financial year that was closed (and perhaps reopened); a year without a row is open."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class YearStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FinancialYear(Base):
    """The state of a financial year: closed by a directie decision, reopened by a new one.

    The row keeps the latest close and the latest reopening; the audit log keeps every step.
    """

    __tablename__ = "financial_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[YearStatus] = mapped_column(str_enum(YearStatus, "financial_year_status"))
    closed_decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(200))
    reopened_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT")
    )
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(200))
