"""The billing rules as plain functions: what is still to bill, VAT, totals, numbers, status.

Nothing is billed twice and nothing is skipped because every billable item has a stable
key and an amount the registry is entitled to; what is still to bill is that amount minus
what lines with the same key already billed (credit notes bill negative amounts, so a
credited item becomes billable again, and a corrected computation bills the difference).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from registry.billing.document import VatCode, VatGroup
from registry.billing.errors import BillingRefusal
from registry.billing.models import InvoiceStatus, LineCategory, SettlementKind
from registry.kit.errors import Euro, Phrase
from registry.kit.money import Cents, to_cents, to_euro

DEFAULT_PAYMENT_TERM_DAYS = 30
MONEY_KINDS = (SettlementKind.STRIPE, SettlementKind.BANK_TRANSFER, SettlementKind.REFUND)

OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)


@dataclass(frozen=True, slots=True)
class BillableItem:
    """Something a member owes (or is owed) by a rule of the registry, with its origin."""

    key: str
    member_id: int
    category: LineCategory
    description: str
    amount_cents: int
    billable_on: date
    source: str


@dataclass(frozen=True, slots=True)
class Vat:
    code: VatCode
    rate: Decimal
    exemption_reason: str | None


@dataclass(frozen=True, slots=True)
class DraftLine:
    item: BillableItem
    net_cents: int
    """What is still to bill of the item: its amount minus what was billed before."""
    vat: Vat


def still_to_bill(
    items: Iterable[BillableItem], billed: Mapping[str, int], until: date
) -> list[tuple[BillableItem, int]]:
    """Each item billable on or before `until` with the part of it not yet billed, if any.

    Ordered by member, category, billable date and key, so a run is reproducible.
    """
    pending = [
        (item, item.amount_cents - billed.get(item.key, 0))
        for item in items
        if item.billable_on <= until
    ]
    return sorted(
        ((item, amount) for item, amount in pending if amount != 0),
        key=lambda pair: (
            pair[0].member_id,
            list(LineCategory).index(pair[0].category),
            pair[0].billable_on,
            pair[0].key,
        ),
    )


def overbilled_keys(
    lines: Iterable[tuple[str, int]], issued: Mapping[str, int], entitled: Mapping[str, int]
) -> list[str]:
    """The item keys whose line would take what is issued past what the registry is owed.

    A line may bring the issued total of its key towards the entitlement, never beyond it
    (nor away from it): so a draft made before another document billed the same item, or
    before the item was lowered, is refused instead of billing it twice.
    """
    refused = []
    for key, amount in lines:
        before = issued.get(key, 0)
        after = before + amount
        target = entitled.get(key, 0)
        if not min(before, target) <= after <= max(before, target):
            refused.append(key)
    return refused


def vat_groups(lines: Iterable[tuple[int, Vat]]) -> tuple[VatGroup, ...]:
    """The VAT breakdown: per VAT code and rate, VAT = taxable × rate, rounded once (BR-CO-17)."""
    taxable: dict[Vat, int] = defaultdict(int)
    for net, vat in lines:
        taxable[vat] += net
    return tuple(
        VatGroup(
            vat_code=vat.code,
            vat_rate=vat.rate,
            taxable_cents=amount,
            vat_cents=to_cents(to_euro(amount) * vat.rate / 100),
            exemption_reason=vat.exemption_reason,
        )
        for vat, amount in sorted(taxable.items(), key=lambda kv: (kv[0].code.value, kv[0].rate))
    )


class TaxedLine(Protocol):
    """A billed line as stored: its net amount and the VAT fixed on it."""

    @property
    def net_cents(self) -> int: ...
    @property
    def vat_code(self) -> VatCode: ...
    @property
    def vat_rate(self) -> Decimal: ...
    @property
    def exemption_reason(self) -> str | None: ...


def line_vat_groups(lines: Iterable[TaxedLine], sign: int = 1) -> tuple[VatGroup, ...]:
    """The VAT groups of stored lines, their net amounts multiplied by `sign` first."""
    return vat_groups(
        (sign * line.net_cents, Vat(line.vat_code, line.vat_rate, line.exemption_reason))
        for line in lines
    )


@dataclass(frozen=True, slots=True)
class Totals:
    net_cents: int
    vat_cents: int
    gross_cents: int


def totals(groups: Iterable[VatGroup]) -> Totals:
    groups = tuple(groups)
    net = sum(g.taxable_cents for g in groups)
    vat = sum(g.vat_cents for g in groups)
    return Totals(net, vat, net + vat)


def credit_to_deduct(gross_cents: int, credit_balance_cents: int) -> Cents:
    """How much of a member's carried credit an invoice absorbs: all of it, up to the gross."""
    if gross_cents <= 0 or credit_balance_cents <= 0:
        return Cents(0)
    return Cents(min(gross_cents, credit_balance_cents))


def invoice_number(year: int, sequence: int) -> str:
    """Numbers run per year without gaps: 2026-000001, 2026-000002, ..."""
    return f"{year}-{sequence:06d}"


def due_date(issue_date: date, term_days: int = DEFAULT_PAYMENT_TERM_DAYS) -> date:
    return issue_date + timedelta(days=term_days)


def status_of(due_cents: int, paid_cents: int, credited_cents: int) -> InvoiceStatus:
    """The status of an issued document from what is due and what settled it.

    `paid_cents` is money that moved (payments, refunds); `credited_cents` is settlement by
    a credit note or carried credit. Settled in full by money: paid; otherwise: credited.
    """
    settled = paid_cents + credited_cents
    if settled == due_cents:
        return InvoiceStatus.PAID if paid_cents != 0 else InvoiceStatus.CREDITED
    if settled == 0:
        return InvoiceStatus.ISSUED
    return InvoiceStatus.PARTIALLY_PAID


def outstanding(due_cents: int, settled_cents: int) -> int:
    return due_cents - settled_cents


def is_overdue(status: InvoiceStatus, due: date | None, today: date) -> bool:
    """An invoice with money still owed after its due date."""
    open_statuses = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
    return status in open_statuses and due is not None and today > due


@dataclass(frozen=True, slots=True)
class CreditSplit:
    applied_cents: int
    """Part of the credit that settles what is still open on the corrected invoice."""
    remainder_cents: int
    """Part the member is owed: carried to its next invoice or refunded."""


def split_credit(credit_cents: int, invoice_outstanding_cents: int) -> CreditSplit:
    """A credit note first settles the invoice it corrects; only the rest is owed back."""
    applied = max(0, min(credit_cents, invoice_outstanding_cents))
    return CreditSplit(applied, credit_cents - applied)


def check_payment(amount_cents: int, outstanding_cents: int) -> Phrase | None:
    """Why a payment cannot be recorded against an invoice, or None when it can."""
    if amount_cents <= 0:
        return Phrase(BillingRefusal.AMOUNT_NOT_POSITIVE)
    if amount_cents > outstanding_cents:
        return Phrase(BillingRefusal.AMOUNT_ABOVE_OPEN, {"open": Euro(outstanding_cents)})
    return None


def idempotency_key(invoice_id: int, number: str, amount_cents: int) -> str:
    """Derived from the invoice itself, so any retry of the same issue asks the same thing."""
    return f"invoice-{invoice_id}-{number}-{amount_cents}"
