"""An invoice or credit note as a Dutch PDF, for people: the same content as the UBL.

Amounts come final from `InvoiceDocument`: this module only formats them. The PDF is
built with `invariant=1`, so the same document always gives the same bytes and an
archived PDF can be checked against a fresh rendering.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from registry.billing.document import DocumentKind, InvoiceDocument, Party, VatCode
from registry.kit.money import format_euro_nl

_STYLES = getSampleStyleSheet()
_BODY = _STYLES["BodyText"]
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10)
_WIDTH = A4[0] - 40 * mm

_GRID = [
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
    ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
]


def to_pdf(doc: InvoiceDocument) -> bytes:
    """Render the document as an A4 PDF in Dutch; the same document gives the same bytes."""
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    title = "Creditnota" if credit else "Factuur"
    buffer = BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"{title} {doc.number}",
        author=doc.supplier.name,
        subject=f"{title} {doc.number} aan {doc.customer.name}",
        creator="Coöperatieregister",
        invariant=1,
    )
    story: list[Flowable] = [
        Paragraph(f"{title} {_escape(doc.number)}", _STYLES["Title"]),
        _parties(doc.supplier, doc.customer),
        Spacer(0, 6 * mm),
        _details(doc, credit),
        Spacer(0, 6 * mm),
    ]
    if doc.note:
        story += [Paragraph(_escape(doc.note), _BODY), Spacer(0, 4 * mm)]
    story += [
        _lines(doc),
        Spacer(0, 6 * mm),
        _vat_breakdown(doc),
        Spacer(0, 6 * mm),
        _totals(doc, credit),
        Spacer(0, 6 * mm),
        Paragraph(_payment_instruction(doc, credit), _BODY),
    ]
    template.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    """Paragraph text is mini-markup: names such as "B&W" must not be read as tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def _rate(code: VatCode, rate: Decimal) -> str:
    if code is VatCode.EXEMPT:
        return "vrijgesteld"
    if code is VatCode.OUT_OF_SCOPE:
        return "buiten de btw"
    return format(rate.normalize(), "f").replace(".", ",") + "%"


def _party_block(heading: str, party: Party) -> Paragraph:
    lines = [
        f"<b>{heading}</b>",
        _escape(party.name),
        _escape(party.street),
        _escape(f"{party.postal_code} {party.city}"),
    ]
    if party.country_code != "NL":
        lines.append(party.country_code)
    if party.oin is not None:
        lines.append(f"OIN {party.oin}")
    if party.kvk is not None:
        lines.append(f"KvK {party.kvk}")
    if party.vat_id is not None:
        lines.append(f"Btw-nummer {_escape(party.vat_id)}")
    if party.email is not None:
        lines.append(_escape(party.email))
    return Paragraph("<br/>".join(lines), _BODY)


def _parties(supplier: Party, customer: Party) -> Table:
    table = Table(
        [[_party_block("Leverancier", supplier), _party_block("Klant", customer)]],
        colWidths=[_WIDTH / 2] * 2,
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _details(doc: InvoiceDocument, credit: bool) -> Table:
    name = "Creditnota" if credit else "Factuur"
    rows = [
        [f"{name}nummer", doc.number],
        [f"{name}datum", _date(doc.issue_date)],
        ["Vervaldatum", _date(doc.due_date)],
        ["Uw referentie", doc.buyer_reference],
    ]
    if doc.corrects_number is not None:
        corrected = doc.corrects_number
        if doc.corrects_issue_date is not None:
            corrected += f" van {_date(doc.corrects_issue_date)}"
        rows.append(["Correctie op factuur", corrected])
    table = Table(rows, colWidths=[45 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _lines(doc: InvoiceDocument) -> Table:
    rows: list[list[Any]] = [["Omschrijving", "Soort", "Btw", "Bedrag"]]
    rows += [
        [
            Paragraph(_escape(line.description), _SMALL),
            Paragraph(_escape(line.category), _SMALL),
            _rate(line.vat_code, line.vat_rate),
            format_euro_nl(line.net_cents),
        ]
        for line in doc.lines
    ]
    table = Table(rows, colWidths=[80 * mm, 35 * mm, 25 * mm, None], repeatRows=1)
    table.setStyle(TableStyle(_GRID))
    return table


def _vat_breakdown(doc: InvoiceDocument) -> Table:
    rows: list[list[Any]] = [["Btw-tarief", "Toelichting", "Grondslag", "Btw"]]
    rows += [
        [
            _rate(group.vat_code, group.vat_rate),
            Paragraph(_escape(group.exemption_reason or ""), _SMALL),
            format_euro_nl(group.taxable_cents),
            format_euro_nl(group.vat_cents),
        ]
        for group in doc.vat_groups
    ]
    table = Table(rows, colWidths=[25 * mm, 85 * mm, 30 * mm, None])
    table.setStyle(TableStyle([*_GRID, ("ALIGN", (2, 0), (2, -1), "RIGHT")]))
    return table


def _totals(doc: InvoiceDocument, credit: bool) -> Table:
    rows = [
        ["Totaal excl. btw", format_euro_nl(doc.net_total_cents)],
        ["Totaal btw", format_euro_nl(doc.vat_total_cents)],
        ["Totaal incl. btw", format_euro_nl(doc.gross_total_cents)],
    ]
    if doc.prepaid_cents:
        rows.append(["Reeds verrekend", format_euro_nl(-doc.prepaid_cents)])
    rows.append(["Te crediteren" if credit else "Te betalen", format_euro_nl(doc.payable_cents)])
    table = Table(rows, colWidths=[45 * mm, 35 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    return table


def _payment_instruction(doc: InvoiceDocument, credit: bool) -> str:
    amount = format_euro_nl(doc.payable_cents)
    reference = _escape(doc.payment_reference)
    if credit:
        return f"Het bedrag van {amount} wordt u gecrediteerd onder vermelding van {reference}."
    if doc.payable_cents <= 0:
        return "U hoeft niets te betalen."
    iban = " ".join(doc.iban[i : i + 4] for i in range(0, len(doc.iban), 4))
    bic = f" (BIC {doc.bic})" if doc.bic else ""
    return (
        f"Gelieve {amount} uiterlijk op {_date(doc.due_date)} te betalen op IBAN {iban}{bic} "
        f"ten name van {_escape(doc.supplier.name)}, onder vermelding van {reference}."
    )
