"""Which invoices may be credited, and the VAT of stored lines, asked by service, API and pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from registry.billing.credit_notes import why_not_creditable
from registry.billing.document import DocumentKind, VatCode
from registry.billing.models import Invoice, InvoiceStatus
from registry.billing.rules import Vat, line_vat_groups, vat_groups


@pytest.mark.parametrize(
    ("kind", "status", "creditable"),
    [
        (DocumentKind.INVOICE, InvoiceStatus.DRAFT, False),
        (DocumentKind.INVOICE, InvoiceStatus.ISSUED, True),
        (DocumentKind.INVOICE, InvoiceStatus.PAID, True),
        (DocumentKind.INVOICE, InvoiceStatus.CREDITED, True),
        (DocumentKind.CREDIT_NOTE, InvoiceStatus.ISSUED, False),
    ],
)
def test_only_an_issued_invoice_can_be_credited(
    kind: DocumentKind, status: InvoiceStatus, creditable: bool
) -> None:
    problem = why_not_creditable(Invoice(kind=kind, status=status))
    assert (problem is None) is creditable
    if problem is not None:
        assert (problem.field, problem.code) == ("invoice", "not_creditable")
        assert problem.text("nl") == "Alleen een uitgegeven factuur kan worden gecrediteerd."


@dataclass
class _Line:
    net_cents: int
    vat_code: VatCode
    vat_rate: Decimal
    exemption_reason: str | None = None


def test_stored_lines_group_like_plain_amounts_and_negate_with_a_sign() -> None:
    standard = Vat(VatCode.STANDARD, Decimal("21"), None)
    lines = [
        _Line(10_000, standard.code, standard.rate),
        _Line(2_550, standard.code, standard.rate),
    ]
    assert line_vat_groups(lines) == vat_groups([(10_000, standard), (2_550, standard)])
    assert line_vat_groups(lines, sign=-1) == vat_groups([(-10_000, standard), (-2_550, standard)])
