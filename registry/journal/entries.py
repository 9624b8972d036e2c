"""The journal entries of invoices, credit notes, payments and refunds: plain values in,
balanced double-entry transactions out. Typed, pure, no I/O.

A document (invoice or credit note) is a sales entry: the receivable (what is due) and the
member's credit it used (what was prepaid) against revenue per kind of line and output VAT
per rate, VAT grouped and rounded exactly as the document did (`billing.rules`). Money that
settles a document moves the receivable to the bank or the Stripe clearing account; a credit
note's remainder carried forward moves it to the members' credit account. Credit notes that
settle the invoice they correct stay within receivables and need no entry. Amounts are signed
cents (debit positive) until a line is written, so every transaction balances to the cent.

Opening balances (beginbalans) are not sales of the registry: an open invoice of the previous
bookkeeping is a memorial entry on its own date, the receivable against the opening-balance
suspense account (tussenrekening beginbalans); a credit balance of the previous bookkeeping is
a memorial entry from that account to the members' credit account on 1 January of the year it
was imported, so it is there before any invoice of the registry deducts it. Payments of an
opening invoice and the use of an opening credit are then booked as any other.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from registry.billing.document import DocumentKind, VatCode
from registry.billing.models import LineCategory, SettlementKind
from registry.billing.rules import Vat, vat_groups
from registry.journal.chart import Chart
from registry.journal.errors import JournalRefusal
from registry.kit.errors import ValidationFailed
from registry.kit.language import Language


class JournalCode(enum.StrEnum):
    """The day books of the export (XAF journal type in brackets)."""

    SALES = "VK"
    """Verkoopboek (S): invoices and credit notes."""
    BANK = "BNK"
    """Bankboek (B): bank transfers received and refunds paid."""
    STRIPE = "STR"
    """Stripe (B): card payments, cleared by the payouts to the bank."""
    MEMORIAL = "MEM"
    """Memoriaal (M): credit carried to the member's next invoice; opening balances."""


@dataclass(frozen=True, slots=True)
class DocumentLine:
    category: LineCategory
    net_cents: int
    vat_code: VatCode
    vat_rate: Decimal
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """An issued invoice or credit note (amounts negative on a credit note)."""

    id: int
    number: str
    kind: DocumentKind
    member_code: str
    issue_date: date
    lines: tuple[DocumentLine, ...]
    prepaid_cents: int
    due_cents: int
    opening_balance: bool = False
    """An open invoice of the previous bookkeeping (no lines; `due_cents` is what is open)."""


@dataclass(frozen=True, slots=True)
class OpeningCredit:
    """A credit balance of the previous bookkeeping, imported into the member's credit."""

    id: int
    member_code: str
    amount_cents: int
    on: date


@dataclass(frozen=True, slots=True)
class Payment:
    """A settlement of a document, as stored (negative on a credit note)."""

    id: int
    document_number: str
    member_code: str
    kind: SettlementKind
    amount_cents: int
    on: date
    reference: str


@dataclass(frozen=True, slots=True)
class Overpayment:
    """Card money beyond what was open, kept as the member's credit."""

    id: int
    document_number: str
    member_code: str
    amount_cents: int
    on: date
    reference: str


@dataclass(frozen=True, slots=True)
class Line:
    account: str
    debit_cents: int
    credit_cents: int
    description: str

    @property
    def signed_cents(self) -> int:
        return self.debit_cents - self.credit_cents


@dataclass(frozen=True, slots=True)
class Transaction:
    journal: JournalCode
    number: str
    """Unique within its journal: the document number, or the kind and id of the payment."""
    on: date
    description: str
    document: str
    member_code: str
    lines: tuple[Line, ...]
    opening: bool = False
    """An opening balance: first on its day, before what settles or deducts it."""

    @property
    def debit_cents(self) -> int:
        return sum(line.debit_cents for line in self.lines)

    @property
    def credit_cents(self) -> int:
        return sum(line.credit_cents for line in self.lines)

    @property
    def balanced(self) -> bool:
        return self.debit_cents == self.credit_cents


_TEXTS: Mapping[Language, Mapping[str, str]] = {
    "nl": {
        "invoice": "Factuur {document} {member}",
        "credit_note": "Creditnota {document} {member}",
        "receivable": "Te ontvangen {document}",
        "prepaid": "Verrekend tegoed {document}",
        "revenue": "Omzet {category}",
        "vat": "Btw {rate}%",
        "bank_transfer": "Betaling per bank {document} ({reference})",
        "stripe": "Betaling via Stripe {document} ({reference})",
        "refund": "Terugbetaling {document} ({reference})",
        "carried": "Tegoed uit creditnota {document}",
        "overpaid": "Overbetaling via Stripe {document} ({reference})",
        "opening_invoice": "Beginbalans: openstaande factuur {document} {member}",
        "opening_credit": "Beginbalans: tegoed van {member}",
    },
    "en": {
        "invoice": "Invoice {document} {member}",
        "credit_note": "Credit note {document} {member}",
        "receivable": "Receivable {document}",
        "prepaid": "Credit deducted {document}",
        "revenue": "Revenue {category}",
        "vat": "VAT {rate}%",
        "bank_transfer": "Bank transfer {document} ({reference})",
        "stripe": "Card payment via Stripe {document} ({reference})",
        "refund": "Refund {document} ({reference})",
        "carried": "Credit from credit note {document}",
        "overpaid": "Card overpayment via Stripe {document} ({reference})",
        "opening_invoice": "Opening balance: open invoice {document} {member}",
        "opening_credit": "Opening balance: credit held for {member}",
    },
}

_CATEGORIES: Mapping[Language, Mapping[LineCategory, str]] = {
    "nl": {
        LineCategory.CONTRIBUTION: "contributie",
        LineCategory.ENTRY_FEE: "toetredingsvergoeding",
        LineCategory.EXIT_CHARGE: "uittredingsvergoeding",
        LineCategory.ALLOCATION: "kostendeling",
        LineCategory.SETTLEMENT: "verrekening kostendeling",
        LineCategory.USAGE_FEE: "gebruiksvergoeding",
    },
    "en": {
        LineCategory.CONTRIBUTION: "contribution",
        LineCategory.ENTRY_FEE: "entry fee",
        LineCategory.EXIT_CHARGE: "exit charge",
        LineCategory.ALLOCATION: "cost share",
        LineCategory.SETTLEMENT: "cost share settlement",
        LineCategory.USAGE_FEE: "usage fee",
    },
}


def _line(account: str, signed_cents: int, description: str) -> Line:
    if signed_cents >= 0:
        return Line(account, signed_cents, 0, description)
    return Line(account, 0, -signed_cents, description)


def _lines(postings: Iterable[tuple[str, int, str]]) -> tuple[Line, ...]:
    return tuple(_line(a, cents, text) for a, cents, text in postings if cents != 0)


def document_entry(document: Document, chart: Chart, language: Language = "nl") -> Transaction:
    """The sales entry of an issued invoice or credit note; the memorial entry of an open
    invoice of the previous bookkeeping."""
    texts = _TEXTS[language]
    names = {"document": document.number, "member": document.member_code}
    if document.opening_balance:
        return _opening_invoice_entry(document, chart, texts["opening_invoice"].format(**names))
    revenue: dict[LineCategory, int] = defaultdict(int)
    for line in document.lines:
        revenue[line.category] += line.net_cents
    groups = vat_groups(
        (line.net_cents, Vat(line.vat_code, line.vat_rate, line.exemption_reason))
        for line in document.lines
    )
    vat: dict[Decimal, int] = defaultdict(int)
    for group in groups:
        if group.vat_cents == 0:
            continue
        if chart.vat_account(group.vat_rate) is None:
            raise ValidationFailed.single(
                "chart",
                JournalRefusal.NO_VAT_ACCOUNT,
                rate=group.vat_rate,
                document=document.number,
            )
        vat[group.vat_rate.normalize()] += group.vat_cents
    postings: list[tuple[str, int, str]] = [
        (chart.receivables, document.due_cents, texts["receivable"].format(**names)),
        (chart.member_credit, document.prepaid_cents, texts["prepaid"].format(**names)),
    ]
    for category in LineCategory:
        if category in revenue:
            text = texts["revenue"].format(category=_CATEGORIES[language][category])
            postings.append((chart.revenue[category], -revenue[category], text))
    for rate, cents in sorted(vat.items()):
        account = chart.vat[rate]
        postings.append((account, -cents, texts["vat"].format(rate=f"{rate:f}")))
    kind = "invoice" if document.kind is DocumentKind.INVOICE else "credit_note"
    return Transaction(
        journal=JournalCode.SALES,
        number=document.number,
        on=document.issue_date,
        description=texts[kind].format(**names),
        document=document.number,
        member_code=document.member_code,
        lines=_lines(postings),
    )


def _opening_invoice_entry(document: Document, chart: Chart, text: str) -> Transaction:
    return _transfer(
        JournalCode.MEMORIAL,
        f"opening-{document.number}",
        document.issue_date,
        text,
        document.number,
        document.member_code,
        debit=chart.receivables,
        credit=chart.opening_balances,
        cents=document.due_cents,
        opening=True,
    )


def _transfer(
    journal: JournalCode,
    number: str,
    on: date,
    text: str,
    document: str,
    member_code: str,
    *,
    debit: str,
    credit: str,
    cents: int,
    opening: bool = False,
) -> Transaction:
    """A transaction of two lines with one text: `cents` debited on one account and
    credited on the other (an opening balance, a payment, an overpayment)."""
    return Transaction(
        journal=journal,
        number=number,
        on=on,
        description=text,
        document=document,
        member_code=member_code,
        lines=_lines([(debit, cents, text), (credit, -cents, text)]),
        opening=opening,
    )


def opening_credit_entry(
    credit: OpeningCredit, chart: Chart, language: Language = "nl"
) -> Transaction:
    """The member's credit balance of the previous bookkeeping, out of the suspense account."""
    text = _TEXTS[language]["opening_credit"].format(member=credit.member_code)
    return _transfer(
        JournalCode.MEMORIAL,
        f"opening-credit-{credit.id}",
        credit.on,
        text,
        "",
        credit.member_code,
        debit=chart.opening_balances,
        credit=chart.member_credit,
        cents=credit.amount_cents,
        opening=True,
    )


_MONEY_ACCOUNT = {
    SettlementKind.BANK_TRANSFER: ("bank", JournalCode.BANK, "bank_transfer"),
    SettlementKind.REFUND: ("bank", JournalCode.BANK, "refund"),
    SettlementKind.STRIPE: ("stripe_clearing", JournalCode.STRIPE, "stripe"),
    SettlementKind.CARRIED: ("member_credit", JournalCode.MEMORIAL, "carried"),
}


def payment_entry(payment: Payment, chart: Chart, language: Language = "nl") -> Transaction | None:
    """The entry of money (or carried credit) that settles a document; None when a credit
    note settles the invoice it corrects (both stay within receivables)."""
    if payment.kind not in _MONEY_ACCOUNT:
        return None
    post, journal, text_key = _MONEY_ACCOUNT[payment.kind]
    account: str = getattr(chart, post)
    text = _TEXTS[language][text_key].format(
        document=payment.document_number, reference=payment.reference
    )
    return _transfer(
        journal,
        f"{payment.kind.value}-{payment.id}",
        payment.on,
        text,
        payment.document_number,
        payment.member_code,
        debit=account,
        credit=chart.receivables,
        cents=payment.amount_cents,
    )


def overpayment_entry(
    overpayment: Overpayment, chart: Chart, language: Language = "nl"
) -> Transaction:
    text = _TEXTS[language]["overpaid"].format(
        document=overpayment.document_number, reference=overpayment.reference
    )
    return _transfer(
        JournalCode.STRIPE,
        f"overpaid-{overpayment.id}",
        overpayment.on,
        text,
        overpayment.document_number,
        overpayment.member_code,
        debit=chart.stripe_clearing,
        credit=chart.member_credit,
        cents=overpayment.amount_cents,
    )


def journal(
    documents: Iterable[Document],
    payments: Iterable[Payment],
    overpayments: Iterable[Overpayment],
    chart: Chart,
    language: Language = "nl",
    opening_credits: Iterable[OpeningCredit] = (),
) -> list[Transaction]:
    """Every entry, ordered by date, opening balances first, then journal, then number."""
    entries = [opening_credit_entry(c, chart, language) for c in opening_credits]
    entries += [document_entry(d, chart, language) for d in documents]
    entries += [e for p in payments if (e := payment_entry(p, chart, language)) is not None]
    entries += [overpayment_entry(o, chart, language) for o in overpayments]
    order = list(JournalCode)
    return sorted(entries, key=lambda t: (t.on, not t.opening, order.index(t.journal), t.number))


def balances(transactions: Iterable[Transaction]) -> dict[str, int]:
    """Each account's balance in signed cents (debit positive)."""
    totals: dict[str, int] = defaultdict(int)
    for transaction in transactions:
        for line in transaction.lines:
            totals[line.account] += line.signed_cents
    return dict(totals)


def unbalanced(transactions: Sequence[Transaction]) -> list[Transaction]:
    return [t for t in transactions if not t.balanced]
