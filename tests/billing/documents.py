"""A realistic invoice and credit note, with VAT and totals worked out here by hand.

The renderers never compute: this helper does what `registry.billing.amounts` will do,
independently, so the tests can check the renderers against known figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from registry.billing.document import (
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    Party,
    VatCode,
    VatGroup,
)

EXEMPTION = "Vrijgesteld van btw (art. 11 lid 1 sub u Wet OB, koepelvrijstelling)"
CENT = Decimal("0.01")

COOPERATIVE = Party(
    name="Coöperatie Gemeentelijke ICT U.A.",
    street="Nieuwekade 9",
    postal_code="3511 RV",
    city="Utrecht",
    kvk="12345678",
    vat_id="NL001234572B01",  # passes the Dutch eleven-test
    email="facturen@gemeentelijke-ict.example",
)
WOERDEN = Party(
    name="Gemeente Woerden",
    street="Blekerijlaan 14",
    postal_code="3447 GR",
    city="Woerden",
    oin="00000001001234567000",
)


def line(
    line_no: int,
    description: str,
    category: str,
    amount: str,
    vat_code: VatCode = VatCode.STANDARD,
    vat_rate: str = "21",
) -> DocumentLine:
    return DocumentLine(
        line_no=line_no,
        description=description,
        category=category,
        net_cents=int(Decimal(amount) * 100),
        vat_code=vat_code,
        vat_rate=Decimal(vat_rate),
        source=f"run 7 line {line_no}",
    )


INVOICE_LINES = (
    line(1, "Contributie 2027", "Contributie", "18304.65", VatCode.EXEMPT, "0"),
    line(2, "Aandeel kostenpool Zaaksysteem 2027", "Kostenaandeel", "16901.69"),
    line(3, "Verrekening toetreding Tilburg, kostenpool Zaaksysteem", "Verrekening", "-1463.16"),
    line(4, "Gebruiksvergoeding berichtenbox, oktober 2027", "Gebruiksvergoeding", "240.00"),
)


def build(
    lines: Sequence[DocumentLine],
    *,
    kind: DocumentKind = DocumentKind.INVOICE,
    number: str = "2027-0042",
    prepaid_cents: int = 0,
    corrects: tuple[str, date] | None = None,
) -> InvoiceDocument:
    """VAT per group: taxable x rate / 100, half up to the cent (EN 16931 BR-CO-17)."""
    taxable: dict[tuple[VatCode, Decimal], Decimal] = {}
    for item in lines:
        key = (item.vat_code, item.vat_rate)
        taxable[key] = taxable.get(key, Decimal(0)) + Decimal(item.net_cents) / 100
    groups = tuple(
        VatGroup(
            vat_code=code,
            vat_rate=rate,
            taxable_cents=int(amount * 100),
            vat_cents=int((amount * rate / 100).quantize(CENT, ROUND_HALF_UP) * 100),
            exemption_reason=EXEMPTION if code is VatCode.EXEMPT else None,
        )
        for (code, rate), amount in taxable.items()
    )
    net = sum(group.taxable_cents for group in groups)
    vat = sum(group.vat_cents for group in groups)
    return InvoiceDocument(
        kind=kind,
        number=number,
        issue_date=date(2027, 11, 3),
        due_date=date(2027, 12, 3),
        supplier=COOPERATIVE,
        customer=WOERDEN,
        buyer_reference="PO-2027-118",
        lines=tuple(lines),
        vat_groups=groups,
        net_total_cents=net,
        vat_total_cents=vat,
        gross_total_cents=net + vat,
        prepaid_cents=prepaid_cents,
        payable_cents=net + vat - prepaid_cents,
        iban="NL91ABNA0417164300",
        bic="ABNANL2A",
        payment_reference=number,
        corrects_number=corrects[0] if corrects else None,
        corrects_issue_date=corrects[1] if corrects else None,
    )


def invoice() -> InvoiceDocument:
    """Exempt contribution, 21% allocation and usage, a settlement credit, an earlier credit."""
    return build(INVOICE_LINES, prepaid_cents=125_000)


def credit_note() -> InvoiceDocument:
    """Credits the usage fee of invoice 2027-0042."""
    return build(
        [
            line(
                1,
                "Correctie gebruiksvergoeding berichtenbox, oktober 2027",
                "Gebruiksvergoeding",
                "240.00",
            )
        ],
        kind=DocumentKind.CREDIT_NOTE,
        number="2027-C0003",
        corrects=("2027-0042", date(2027, 11, 3)),
    )
