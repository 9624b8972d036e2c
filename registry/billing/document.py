"""The content of one invoice or credit note, as rendered to PDF and to UBL.

Every amount here is already final (integer cents, VAT computed per VAT group by
`registry.billing.amounts`): renderers format, they never compute or round.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

SINGLE_DIRECTOR_NOTE = "Uitgegeven zonder vier-ogencontrole (één bestuurder)"
"""On every document issued while four-eyes approval is off (`Settings.four_eyes`)."""


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class VatCode(enum.StrEnum):
    """UNCL5305 VAT category codes used by the cooperative."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    OUT_OF_SCOPE = "O"


@dataclass(frozen=True)
class Party:
    """Supplier (the cooperative) or customer (a member), as EN 16931 needs them."""

    name: str
    street: str
    postal_code: str
    city: str
    country_code: str = "NL"
    oin: str | None = None
    """Organisatie-identificatienummer (20 digits); Peppol scheme 0190."""
    kvk: str | None = None
    """Chamber of Commerce number (8 digits); Peppol scheme 0106."""
    vat_id: str | None = None
    """VAT number such as NL123456789B01."""
    email: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    line_no: int
    description: str
    category: str
    """The kind of billable item (contribution, allocation, usage fee, ...)."""
    net_cents: int
    """Net amount of the line; negative for a settlement credit on an invoice."""
    vat_code: VatCode
    vat_rate: Decimal
    """Percentage such as Decimal("21"); 0 for exempt or out-of-scope lines."""
    source: str
    """Where the amount comes from (run and line ids), so an auditor can trace it."""


@dataclass(frozen=True)
class VatGroup:
    """One row of the VAT breakdown (EN 16931 BG-23)."""

    vat_code: VatCode
    vat_rate: Decimal
    taxable_cents: int
    vat_cents: int
    exemption_reason: str | None


@dataclass(frozen=True)
class InvoiceDocument:
    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    supplier: Party
    customer: Party
    buyer_reference: str
    """The member's purchase-order reference, or its member code when it gave none."""
    lines: tuple[DocumentLine, ...]
    vat_groups: tuple[VatGroup, ...]
    net_total_cents: int
    vat_total_cents: int
    gross_total_cents: int
    prepaid_cents: int
    """Credit carried forward from an earlier credit, already deducted from what is due."""
    payable_cents: int
    iban: str
    bic: str | None
    payment_reference: str
    """Reference the payer quotes on a bank transfer (the invoice number)."""
    corrects_number: str | None = None
    """For a credit note: the invoice it corrects."""
    corrects_issue_date: date | None = None
    note: str | None = None
    currency: str = "EUR"
