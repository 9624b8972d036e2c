"""Bank statements, their entries, what each entry settled, and the members' bank accounts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class Direction(enum.StrEnum):
    CREDIT = "credit"
    """Money received (a member paying an invoice)."""
    DEBIT = "debit"
    """Money paid out (a refund to a member, bank costs)."""


class EntryState(enum.StrEnum):
    MATCHED = "matched"
    """Recorded as payment(s) of invoices, or linked to a refund recorded earlier."""
    WAITING = "waiting"
    """In the review queue of the directie."""
    UNRELATED = "unrelated"
    """Marked by the directie as having nothing to do with invoices, with a reason."""


class WaitReason(enum.StrEnum):
    """Why an entry was not matched automatically."""

    NO_MATCH = "no_match"
    AMOUNT_DIFFERS = "amount_differs"
    INVOICE_NOT_OPEN = "invoice_not_open"
    SEVERAL_INVOICES = "several_invoices"
    AMBIGUOUS = "ambiguous"
    NO_REFUND = "no_refund"


class MatchMethod(enum.StrEnum):
    REFERENCE = "reference"
    """The invoice number (the payment reference) in the remittance information."""
    AMOUNT_AND_IBAN = "amount_and_iban"
    """The only open invoice of the member whose account paid, for exactly its open amount."""
    REFUND = "refund"
    """A refund recorded earlier, for the same amount to the member's account or reference."""
    DIRECTIE = "directie"
    """Matched or split by the directie in the review queue."""


class BankStatement(Base):
    """One statement of one account, stored once (its identity is unique)."""

    __tablename__ = "bank_statement"
    __table_args__ = (UniqueConstraint("account_iban", "statement_ref", "statement_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_iban: Mapped[str] = mapped_column(String(34))
    statement_ref: Mapped[str] = mapped_column(String(120))
    """The bank's statement id, with the sequence number when it gave one (`id/seq`)."""
    statement_date: Mapped[date] = mapped_column(Date)
    file_format: Mapped[str] = mapped_column(String(30))
    entry_count: Mapped[int] = mapped_column(Integer)
    new_entry_count: Mapped[int] = mapped_column(Integer)
    """Entries not seen before (an overlapping statement repeats some)."""
    opening_cents: Mapped[int | None] = mapped_column(BigInteger)
    closing_cents: Mapped[int | None] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200))


class BankEntry(Base):
    """One booked line; stored once per account whatever statement brings it again."""

    __tablename__ = "bank_entry"
    __table_args__ = (UniqueConstraint("account_iban", "entry_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("bank_statement.id", ondelete="RESTRICT"), index=True
    )
    account_iban: Mapped[str] = mapped_column(String(34))
    entry_key: Mapped[str] = mapped_column(String(120))
    """The bank's reference of the entry, or a hash of its date, amount, party and text."""
    booking_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "bank_entry_direction"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    """Always positive; `direction` says which way the money went."""
    counterparty_name: Mapped[str | None] = mapped_column(String(140))
    counterparty_iban: Mapped[str | None] = mapped_column(String(34))
    remittance: Mapped[str] = mapped_column(String(1000), default="")
    bank_reference: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[EntryState] = mapped_column(str_enum(EntryState, "bank_entry_state"), index=True)
    wait_reason: Mapped[WaitReason | None] = mapped_column(
        str_enum(WaitReason, "bank_entry_wait_reason")
    )
    unrelated_reason: Mapped[str | None] = mapped_column(String(500))
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BankAllocation(Base):
    """Part of an entry that settled an invoice (a payment or a refund)."""

    __tablename__ = "bank_allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("bank_entry.id", ondelete="RESTRICT"), index=True
    )
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"))
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("invoice_settlement.id", ondelete="RESTRICT"), unique=True
    )
    """A settlement is accounted for by one bank line, never two."""
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[MatchMethod] = mapped_column(str_enum(MatchMethod, "bank_allocation_method"))


class MemberBankAccount(Base):
    """An account a member pays from; an IBAN belongs to one member."""

    __tablename__ = "member_bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    iban: Mapped[str] = mapped_column(String(34), unique=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200))
