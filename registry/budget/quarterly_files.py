"""The quarterly report as files for people: PDF (reportlab) and XLSX (xlsxwriter), in Dutch
or English. Pure: the same report gives the same bytes (the PDF is built with `invariant=1`,
the workbook's date is the quarter's end, never the clock's). CPU work: callers run these in
a thread."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time
from xml.sax.saxutils import escape

from registry.budget import labels as _budget_labels  # noqa: F401  (declares the labels)
from registry.budget.quarterly import BudgetRow, ContractRow, QuarterlyReport
from registry.catalogue import labels as _catalogue_labels  # noqa: F401
from registry.kit.labels import label
from registry.kit.language import FORMAT_LOCALES, Language
from registry.kit.money import format_euro_nl
from registry.kit.spreadsheet import CellFormats, Kind, sheet_name

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"pdf": PDF, "xlsx": XLSX}

_ENGLISH = {
    "Kwartaalrapportage {year} kwartaal {quarter}": "Quarterly report {year} quarter {quarter}",
    "Stand bij auditgebeurtenis {seq} (hash {hash}); periode {start} tot en met {end}.": (
        "As at audit event {seq} (hash {hash}); period {start} to {end}."
    ),
    "Begroting versie {version}, vastgesteld bij besluit {decision}.": (
        "Budget version {version}, adopted by decision {decision}."
    ),
    "Er is geen vastgestelde begroting voor dit jaar.": "There is no adopted budget for this year.",
    "Begroting en realisatie": "Budget and actuals",
    "Baten": "Income",
    "Lasten": "Costs",
    "Post": "Item",
    "Soort": "Kind",
    "Begroot": "Budget",
    "Gerealiseerd": "Actual",
    "Verschil": "Difference",
    "Totaal": "Total",
    "Coöperatie zelf": "Cooperative itself",
    "Liquiditeit": "Liquidity",
    "Gefactureerd": "Invoiced",
    "Betaald": "Paid",
    "Openstaand": "Outstanding",
    "Vervallen": "Overdue",
    "Vervallen facturen": "Overdue invoices",
    "Portfolio": "Portfolio",
    "Status": "Status",
    "Applicaties": "Applications",
    "Gebruikers": "Adopters",
    "Contracten en verplichtingen": "Contracts and commitments",
    "Contract": "Contract",
    "Leverancier": "Supplier",
    "Onderwerp": "Subject",
    "Bedrag": "Amount",
    "Einddatum": "End date",
    "Opzegdatum": "Notice date",
    "Nog te komen": "Still to come",
    "Opzegdatums in het volgende kwartaal": "Notice dates in the next quarter",
    "Geen.": "None.",
    "Bedragen in euro; realisatie van 1 januari tot en met het einde van het kwartaal.": (
        "Amounts in euros; actuals from 1 January to the end of the quarter."
    ),
}


class _Texts:
    def __init__(self, language: Language) -> None:
        self.language = language

    def __call__(self, dutch: str) -> str:
        return dutch if self.language == "nl" else _ENGLISH[dutch]

    def euro(self, cents: int | None) -> str:
        if cents is None:
            return "–"
        if self.language == "nl":
            return format_euro_nl(cents)
        whole, rest = divmod(abs(cents), 100)
        return f"{'-' if cents < 0 else ''}€{whole:,}.{rest:02d}"

    def day(self, value: date | None) -> str:
        if value is None:
            return ""
        return value.strftime("%d-%m-%Y") if self.language == "nl" else value.isoformat()

    def row_name(self, row: BudgetRow) -> str:
        if row.pool_code is None:
            return label(row.item, self.language)
        own = f" ({self('Coöperatie zelf')})" if row.own else ""
        return f"{row.pool_code} — {row.pool_name}{own}"


def title(report: QuarterlyReport, language: Language) -> str:
    return _Texts(language)("Kwartaalrapportage {year} kwartaal {quarter}").format(
        year=report.year, quarter=report.quarter
    )


def sections(
    report: QuarterlyReport, language: Language
) -> list[tuple[str, tuple[str, ...], tuple[Kind, ...], list[tuple[object, ...]]]]:
    """The report's tables, as both files show them: title, headings, kinds, rows."""
    _ = _Texts(language)
    budget_rows: list[tuple[object, ...]] = []
    for heading, rows in ((_("Baten"), report.income), (_("Lasten"), report.costs)):
        for row in rows:
            difference = None if row.budget_cents is None else row.actual_cents - row.budget_cents
            budget_rows.append(
                (heading, _.row_name(row), row.budget_cents, row.actual_cents, difference)
            )
        budgeted = report.total(rows, True)
        actual = report.total(rows, False)
        budget_rows.append((heading, _("Totaal"), budgeted, actual, actual - budgeted))
    money = report.liquidity
    liquidity: list[tuple[object, ...]] = [
        (_("Gefactureerd"), money.invoiced_cents),
        (_("Betaald"), money.paid_cents),
        (_("Openstaand"), money.outstanding_cents),
        (_("Vervallen"), money.overdue_cents),
    ]
    portfolio: list[tuple[object, ...]] = [
        (label(r.status, language), r.applications, r.adopters) for r in report.portfolio
    ]

    def contracts(rows: Sequence[ContractRow]) -> list[tuple[object, ...]]:
        return [
            (
                r.reference,
                r.supplier,
                r.subject,
                r.amount_cents,
                r.end_date,
                r.notice_date,
                r.still_to_come_cents,
            )
            for r in rows
        ]

    contract_headings = (
        _("Contract"),
        _("Leverancier"),
        _("Onderwerp"),
        _("Bedrag"),
        _("Einddatum"),
        _("Opzegdatum"),
        _("Nog te komen"),
    )
    contract_kinds = (
        Kind.TEXT,
        Kind.TEXT,
        Kind.TEXT,
        Kind.EURO,
        Kind.DATE,
        Kind.DATE,
        Kind.EURO,
    )
    return [
        (
            _("Begroting en realisatie"),
            (_("Soort"), _("Post"), _("Begroot"), _("Gerealiseerd"), _("Verschil")),
            (Kind.TEXT, Kind.TEXT, Kind.EURO, Kind.EURO, Kind.EURO),
            budget_rows,
        ),
        (_("Liquiditeit"), (_("Post"), _("Bedrag")), (Kind.TEXT, Kind.EURO), liquidity),
        (
            _("Portfolio"),
            (_("Status"), _("Applicaties"), _("Gebruikers")),
            (Kind.TEXT, Kind.INT, Kind.INT),
            portfolio,
        ),
        (
            _("Contracten en verplichtingen"),
            contract_headings,
            contract_kinds,
            contracts(report.contracts),
        ),
        (
            _("Opzegdatums in het volgende kwartaal"),
            contract_headings,
            contract_kinds,
            contracts(report.notices_next_quarter),
        ),
    ]


def intro(report: QuarterlyReport, language: Language) -> list[str]:
    _ = _Texts(language)
    lines = [
        _(
            "Stand bij auditgebeurtenis {seq} (hash {hash}); periode {start} tot en met {end}."
        ).format(
            seq=report.as_of_seq,
            hash=report.as_of_hash[:16],
            start=_.day(report.period_start),
            end=_.day(report.period_end),
        ),
        _("Bedragen in euro; realisatie van 1 januari tot en met het einde van het kwartaal."),
    ]
    if report.budget_version is None:
        lines.append(_("Er is geen vastgestelde begroting voor dit jaar."))
    else:
        lines.append(
            _("Begroting versie {version}, vastgesteld bij besluit {decision}.").format(
                version=report.budget_version, decision=report.budget_decision
            )
        )
    return lines


def pdf_bytes(report: QuarterlyReport, language: Language) -> bytes:
    # Imported where used: the service starts without reportlab until a report is asked for.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import Flowable

    grid = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ]
    _ = _Texts(language)
    styles = getSampleStyleSheet()
    story: list[Flowable] = [Paragraph(escape(title(report, language)), styles["Title"])]
    story += [Paragraph(escape(line), styles["BodyText"]) for line in intro(report, language)]
    for heading, headings, kinds, rows in sections(report, language):
        story += [Spacer(0, 4 * mm), Paragraph(escape(heading), styles["Heading2"])]
        if not rows:
            story.append(Paragraph(_("Geen."), styles["BodyText"]))
            continue
        cells: list[list[str]] = [list(headings)]
        for row in rows:
            shown = []
            for kind, value in zip(kinds, row, strict=True):
                if kind is Kind.EURO:
                    shown.append(_.euro(value))  # type: ignore[arg-type]
                elif kind is Kind.DATE:
                    shown.append(_.day(value))  # type: ignore[arg-type]
                else:
                    shown.append("" if value is None else str(value))
            cells.append(shown)
        table = Table(cells, repeatRows=1, hAlign="LEFT")
        style = TableStyle(grid)
        for col, kind in enumerate(kinds):
            if kind in (Kind.EURO, Kind.INT):
                style.add("ALIGN", (col, 0), (col, -1), "RIGHT")
        table.setStyle(style)
        story.append(table)
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        title=title(report, language),
        author="Coöperatieregister",
        lang=FORMAT_LOCALES[language].replace("_", "-"),
        creator="Coöperatieregister",
        invariant=1,
    )
    document.build(story)
    return output.getvalue()


def xlsx_bytes(report: QuarterlyReport, language: Language) -> bytes:
    import xlsxwriter  # where used

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.set_properties(
        {
            "title": title(report, language),
            "author": "Coöperatieregister",
            "created": datetime.combine(report.period_end, time()),
            "comments": " ".join(intro(report, language)),
        }
    )
    formats = CellFormats(book)
    for heading, headings, kinds, rows in sections(report, language):
        sheet = book.add_worksheet(sheet_name(heading))
        formats.header(sheet, headings)
        for col, kind in enumerate(kinds):
            sheet.set_column(col, col, 30 if kind is Kind.TEXT else 15)
        for r, values in enumerate(rows, start=1):
            for col, (kind, value) in enumerate(zip(kinds, values, strict=True)):
                formats.write(sheet, r, col, kind, value)  # type: ignore[arg-type]
    book.close()
    return output.getvalue()
