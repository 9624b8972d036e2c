"""Invoices, credit notes, their lines, payments and the webhook events seen."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.billing.document import DocumentKind, VatCode
from registry.db import Base
from registry.kit.types import ExactDecimal, UTCDateTime, str_enum, utcnow


class LineCategory(enum.StrEnum):
    """What a billable item is; VAT is configured per category."""

    CONTRIBUTION = "contribution"
    ENTRY_FEE = "entry_fee"
    EXIT_CHARGE = "exit_charge"
    ALLOCATION = "allocation"
    SETTLEMENT = "settlement"
    USAGE_FEE = "usage_fee"


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"
    """Settled by a credit note or (for a credit note) carried or refunded in full."""


class CreditChoice(enum.StrEnum):
    """What happens to money the cooperative owes a member after a credit note."""

    CARRY = "carry"
    """Deducted from the member's next invoice."""
    REFUND = "refund"
    """Paid back by bank transfer, recorded by the directie."""


class SettlementKind(enum.StrEnum):
    STRIPE = "stripe"
    BANK_TRANSFER = "bank_transfer"
    CREDIT_NOTE = "credit_note"
    """Part of an invoice settled by a credit note that corrects it."""
    CARRIED = "carried"
    """A credit note's remainder carried to the member's credit."""
    REFUND = "refund"


class DeliveryChannel(enum.StrEnum):
    """How a member receives its invoices and credit notes."""

    EMAIL = "email"
    """By e-mail to the invoice address, with the PDF and the UBL attached."""
    PEPPOL = "peppol"
    """As UBL through the cooperative's Peppol access point."""


class ReminderStage(enum.StrEnum):
    """The steps of chasing an unpaid invoice, in order."""

    FRIENDLY = "friendly"
    SECOND = "second"
    NOTICE = "notice"
    """The formal notice (aanmaning)."""


class BillingAccount(Base):
    """A member's invoice details and its customer at the payment gateway."""

    __tablename__ = "billing_account"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="RESTRICT"), primary_key=True
    )
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    purchase_order_reference: Mapped[str | None] = mapped_column(String(100))
    reminder_email: Mapped[str | None] = mapped_column(String(254))
    """Who receives payment reminders; the invoice address when unset."""
    language: Mapped[str] = mapped_column(String(2), default="nl", server_default="nl")
    """The language of the messages the member receives (nl or en)."""
    delivery_channel: Mapped[DeliveryChannel] = mapped_column(
        str_enum(DeliveryChannel, "billing_account_delivery_channel"),
        default=DeliveryChannel.EMAIL,
        server_default=DeliveryChannel.EMAIL.value,
    )
    gateway_customer_id: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class VatRule(Base):
    """The VAT treatment of one line category; copied onto each line when it is drafted."""

    __tablename__ = "vat_rule"

    category: Mapped[LineCategory] = mapped_column(
        str_enum(LineCategory, "vat_rule_category"), primary_key=True
    )
    vat_code: Mapped[VatCode] = mapped_column(str_enum(VatCode, "vat_rule_code"))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    exemption_reason: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InvoiceNumberCounter(Base):
    """The last number issued in a year; locked while a number is taken, so none is skipped."""

    __tablename__ = "invoice_number_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class Invoice(Base):
    """An invoice or credit note; once issued its number, lines and amounts never change."""

    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("year", "sequence"),
        # At most one open draft per member, whatever the timing of two invoice runs.
        Index(
            "uq_invoice_one_draft_per_member",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    member_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "invoice_kind"))
    status: Mapped[InvoiceStatus] = mapped_column(
        str_enum(InvoiceStatus, "invoice_status"), index=True
    )
    period_until: Mapped[date] = mapped_column(Date)
    """The run's cut-off: items billable on or before this day were collected."""
    year: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    prepaid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    due_cents: Mapped[int] = mapped_column(BigInteger)
    """Gross minus credit carried from earlier credit notes; negative for a credit note."""
    settled_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    corrects_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    opening_balance: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    """An open invoice of the previous bookkeeping, imported once (see `opening_balances`)."""
    corrects_year: Mapped[int | None] = mapped_column(Integer)
    """The closed financial year this credit note corrects (its invoice was issued then)."""
    credit_choice: Mapped[CreditChoice | None] = mapped_column(
        str_enum(CreditChoice, "credit_choice")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    customer: Mapped[str] = mapped_column(Text)
    """The member's invoice details at issue, as canonical JSON."""
    buyer_reference: Mapped[str] = mapped_column(String(100))
    gateway_intent_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    payment_pending: Mapped[bool] = mapped_column(default=False)
    """Issued with an amount due but no PaymentIntent yet (the gateway was unreachable)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by: Mapped[str | None] = mapped_column(String(200))
    single_director: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Issued without four-eyes approval (a cooperative with one director): said on the
    document, for good (see registry/approvals/)."""

    lines: Mapped[list[InvoiceLine]] = relationship(
        lazy="raise", order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )


class InvoiceLine(Base):
    """One billed item, with the key of the item it bills and where its amount came from."""

    __tablename__ = "invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    category: Mapped[LineCategory] = mapped_column(str_enum(LineCategory, "invoice_line_category"))
    item_key: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(300))
    billable_on: Mapped[date] = mapped_column(Date)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_code: Mapped[VatCode] = mapped_column(str_enum(VatCode, "invoice_line_vat_code"))
    vat_rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    exemption_reason: Mapped[str | None] = mapped_column(String(300))


class Settlement(Base):
    """Money that settles part of an invoice or credit note: a payment, a refund, a credit.

    On an invoice amounts are positive; on a credit note (negative due) they are negative.
    """

    __tablename__ = "invoice_settlement"
    __table_args__ = (UniqueConstraint("kind", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[SettlementKind] = mapped_column(str_enum(SettlementKind, "settlement_kind"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    settled_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200))
    """Bank reference, PaymentIntent id, or the number of the credit note involved."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))


class MemberCredit(Base):
    """A member's credit ledger: carried credit (+) and credit deducted from invoices (−)."""

    __tablename__ = "member_credit"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"))
    """The credit note that gave the credit, or the invoice it was deducted from."""
    reason: Mapped[str | None] = mapped_column(String(200))
    """Why a credit moved without an invoice (a municipal merger)."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GatewayEventRecord(Base):
    """A payment-gateway webhook event, stored once: a replay finds it and changes nothing."""

    __tablename__ = "gateway_event"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    intent_id: Mapped[str | None] = mapped_column(String(100), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    outcome: Mapped[str] = mapped_column(String(40))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """One stage of chasing an invoice, sent once: recorded with the outstanding amount and
    the statutory interest it showed (never added to the invoice)."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("invoice_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="RESTRICT"))
    stage: Mapped[ReminderStage] = mapped_column(str_enum(ReminderStage, "reminder_stage"))
    sent_on: Mapped[date] = mapped_column(Date)
    outstanding_cents: Mapped[int] = mapped_column(BigInteger)
    interest_cents: Mapped[int | None] = mapped_column(BigInteger)
    """Statutory commercial interest up to `sent_on`, when the stage shows it."""
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="RESTRICT"))


class ReminderPause(Base):
    """Reminders of this invoice are paused (a dispute, a payment plan), with the reason."""

    __tablename__ = "reminder_pause"

    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    paused_by: Mapped[str] = mapped_column(String(200))
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
