"""The contracts register (contractenregister) and the reminders sent before a notice date."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class ContractStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ENDED = "ended"


class Contract(Base):
    """A contract with a supplier: what it is for, what it costs over which period, and
    until when it can be given notice (opzegdatum)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(80), unique=True)
    supplier: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    """The whole amount over the period, excluding VAT."""
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    notice_date: Mapped[date | None] = mapped_column(Date, index=True)
    """The last day notice can be given (opzegdatum); None: no notice date."""
    notice_period_months: Mapped[int | None] = mapped_column(Integer)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("cost_pool.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, "contract_status"))
    approval_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="RESTRICT")
    )
    """The RvC decision approving the contract (needed above the threshold)."""
    signed_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContractReminder(Base):
    """A reminder to the directie that a contract's notice date is near: one per contract
    and notice date (the unique key backs the lock in `send_contract_reminders`)."""

    __tablename__ = "contract_reminder"
    __table_args__ = (UniqueConstraint("contract_id", "notice_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), index=True
    )
    notice_date: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
