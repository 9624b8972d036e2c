"""The report as a PDF for people, in Dutch or English: a cover, a section per member, then
the summary. Every heading and label is in the report's language (`_ENGLISH`), and the
document declares that language (`/Lang`).

The PDF is not tagged: reportlab, the open-source edition used here, writes no structure
tree (`/StructTreeRoot`) and no marked content, so a screen reader gets the text in drawing
order without headings or table structure (see docs/accessibility.md). The same report as
XLSX or CSV has every figure in plain tables.

reportlab lays the document out from one list of flowables at the end, so each member
adds only a heading and a few small tables of plain strings; for the chart only two
numbers per member are kept. Built with `invariant=1` and no date from the clock, so the
same report gives the same bytes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from registry.kit.labels import Label
from registry.kit.language import FORMAT_LOCALES, Language
from registry.kit.money import format_euro_nl
from registry.reports.formats.tables import report_title, scope_rows, total_items
from registry.reports.labels import (
    check_label,
    euro,
    finding_sentence,
    finding_title,
    holds,
    value_label,
)
from registry.reports.model import Finding, MemberReport, ReportHeader, Totals, checks

_STYLES = getSampleStyleSheet()
_TITLE, _H2, _H3, _BODY = (_STYLES[s] for s in ("Title", "Heading2", "Heading3", "BodyText"))
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10)
_WIDTH = A4[0] - 40 * mm
_CHART_BARS = 30
"""The members the chart shows by name; the rest are one bar, "overig"."""

_GRID = TableStyle(
    [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
    ]
)
_PAIRS = TableStyle(
    [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
    ]
)

_COVER_LABELS = {
    "titel": "Titel",
    "jaar": "Jaar",
    "lid": "Lid",
    "leden": "Aantal leden",
    "auditgebeurtenis": "Auditgebeurtenis",
    "audithash": "Hash van de auditgebeurtenis",
    "invoer_sha256": "Invoer (SHA-256)",
}

_ENGLISH = {
    "Titel": "Title",
    "Jaar": "Year",
    "Lid": "Member",
    "Aantal leden": "Number of members",
    "Auditgebeurtenis": "Audit event",
    "Hash van de auditgebeurtenis": "Hash of the audit event",
    "Invoer (SHA-256)": "Inputs (SHA-256)",
    "Stand bij auditgebeurtenis {seq}": "As at audit event {seq}",
    "Alle bedragen in euro. Het rapport geeft het register weer zoals het stond bij"
    " auditgebeurtenis {seq}: latere wijzigingen zijn weggelaten. De invoer-hash is de"
    " SHA-256 van de gegevens per lid waaruit het rapport is gemaakt.": "All amounts in euros."
    " The report shows the registry as it stood at audit event {seq}: later changes are left"
    " out. The inputs hash is the SHA-256 of the data per member the report was made from.",
    "Contributie": "Contribution",
    "Geen contributie in dit jaar.": "No contribution this year.",
    "Inwoners": "Inhabitants",
    "Peildatum": "Reference date",
    "Grondslag": "Basis",
    "Bron cijfers": "Source of the figures",
    "Tarief per inwoner": "Rate per inhabitant",
    "Besluit": "Decision",
    "Dagen": "Days",
    "{days} van {of}": "{days} of {of}",
    "Bedrag": "Amount",
    "Contributierun": "Fee run",
    "Heffingen": "Charges",
    "Soort": "Kind",
    "Kostenverdeling": "Cost sharing",
    "Pool": "Pool",
    "Applicatie": "Application",
    "Sleutel": "Key",
    "Pooltotaal": "Pool total",
    "Aandeel": "Share",
    "Verrekeningen": "Settlements",
    "Run": "Run",
    "Geboekt op": "Booked on",
    "Gebruik": "Usage",
    "Metriek": "Metric",
    "Hoeveelheid": "Quantity",
    "Facturen en betalingen": "Invoices and payments",
    "Documenten": "Documents",
    "Gefactureerd": "Invoiced",
    "Waarvan beginbalans (vorige boekhouding)": "Of which opening balance (previous bookkeeping)",
    "Vooruitbetaald": "Prepaid",
    "Betaald (Stripe)": "Paid (Stripe)",
    "Betaald (bank)": "Paid (bank)",
    "Terugbetaald": "Refunded",
    "Gecrediteerd": "Credited",
    "Tegoed overgedragen": "Credit carried over",
    "Openstaand": "Outstanding",
    "Te factureren over het jaar": "Billable for the year",
    "Daarvan gefactureerd": "Of which invoiced",
    "Samenvatting": "Summary",
    "Totalen": "Totals",
    "Kostenpools": "Cost pools",
    "Totaal": "Total",
    "Controles": "Checks",
    "Controle": "Check",
    "Links": "Left",
    "Rechts": "Right",
    "Uitkomst": "Outcome",
    "Bevindingen": "Findings",
    "Bevinding": "Finding",
    "Omschrijving": "Description",
    "Geen bevindingen.": "No findings.",
    "Contributie en aandeel in de kostenpools per lid": "Contribution and cost pool share per"
    " member",
    "Aandeel kostenpools": "Cost pool share",
    "overig": "other",
    "pagina {page}": "page {page}",
}
"""Every Dutch text of the PDF with its English text."""

_TOTALS = {
    "contributies": Label("Contributies", "Contributions"),
    "heffingen": Label("Heffingen", "Charges"),
    "aandelen_kostenpools": Label("Aandelen kostenpools", "Cost pool shares"),
    "verrekeningen": Label("Verrekeningen", "Settlements"),
    "gebruik": Label("Gebruik", "Usage"),
    "te_factureren": Label("Te factureren", "Billable"),
    "gefactureerd_regels": Label("Gefactureerd op regels", "Billed on invoice lines"),
    "gefactureerd": Label("Gefactureerd", "Invoiced"),
    "vooruitbetaald": Label("Vooruitbetaald", "Prepaid"),
    "betaald": Label("Betaald", "Paid"),
    "gecrediteerd": Label("Gecrediteerd", "Credited"),
    "openstaand": Label("Openstaand", "Outstanding"),
    "tegoed_overgedragen": Label("Tegoed overgedragen", "Credit carried over"),
    "kostenpools": Label("Kostenpools", "Cost pools"),
}


def _grid(
    header: list[str],
    rows: list[list[Any]],
    amounts: int = 1,
    widths: list[float] | None = None,
) -> Table:
    """A table with a bold header row; the last `amounts` columns are right-aligned."""
    table = Table([header, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_GRID)
    if amounts:  # (-0, 0) would be the first column: every column right-aligned
        table.setStyle(TableStyle([("ALIGN", (-amounts, 0), (-1, -1), "RIGHT")]))
    return table


def _pairs(rows: list[tuple[str, str]]) -> Table:
    table = Table([list(row) for row in rows], hAlign="LEFT")
    table.setStyle(_PAIRS)
    return table


def _dutch_number(value: int | Decimal) -> str:
    """1234567.5 as 1.234.567,5."""
    return f"{value:,}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _rate_nl(rate: Decimal) -> str:
    """A rate per inhabitant in Dutch with all its decimals (€ 1,234567)."""
    return "€\u00a0" + format(rate, "f").replace(".", ",")


class PdfWriter:
    def __init__(self, directory: Path, stem: str, language: Language = "nl") -> None:
        self.path = directory / f"{stem}.pdf"
        self.language = language
        self._story: list[Flowable] = []
        self._chart: list[tuple[str, int, int]] = []
        self._header: ReportHeader | None = None

    def _(self, dutch: str) -> str:
        """A text of the PDF in the report's language."""
        return dutch if self.language == "nl" else _ENGLISH[dutch]

    def _euro(self, cents: int) -> str:
        return format_euro_nl(cents) if self.language == "nl" else euro(cents, "en")

    def _number(self, value: int | Decimal) -> str:
        return _dutch_number(value) if self.language == "nl" else f"{value:,}"

    def _rate(self, rate: Decimal) -> str:
        return _rate_nl(rate) if self.language == "nl" else f"€{format(rate, 'f')}"

    def begin(self, header: ReportHeader) -> None:
        self._header = header
        scope = header.scope
        cover = dict(scope_rows(header, self.language))
        seq = scope.as_of_seq
        self._story += [
            Paragraph(escape(report_title(header, self.language)), _TITLE),
            Paragraph(self._("Stand bij auditgebeurtenis {seq}").format(seq=seq), _H2),
            Spacer(0, 6 * mm),
            _pairs([(self._(label), str(cover[key])) for key, label in _COVER_LABELS.items()]),
            Spacer(0, 6 * mm),
            Paragraph(
                self._(
                    "Alle bedragen in euro. Het rapport geeft het register weer zoals het stond"
                    " bij auditgebeurtenis {seq}: latere wijzigingen zijn weggelaten. De"
                    " invoer-hash is de SHA-256 van de gegevens per lid waaruit het rapport is"
                    " gemaakt."
                ).format(seq=seq),
                _BODY,
            ),
            PageBreak(),
        ]

    def member(self, report: MemberReport) -> None:
        story = self._story
        story.append(Paragraph(escape(f"{report.code} — {report.name}"), _H2))
        c = report.contribution
        story.append(Paragraph(self._("Contributie"), _H3))
        if c is None:
            story.append(Paragraph(self._("Geen contributie in dit jaar."), _BODY))
        else:
            story.append(
                _pairs(
                    [
                        (self._("Inwoners"), self._number(c.inhabitants)),
                        (self._("Peildatum"), c.reference_date.strftime("%d-%m-%Y")),
                        (
                            self._("Grondslag"),
                            value_label("population_basis", c.population_basis, self.language),
                        ),
                        (self._("Bron cijfers"), c.figures_source),
                        (self._("Tarief per inwoner"), self._rate(c.rate)),
                        (self._("Besluit"), c.decision_reference),
                        (
                            self._("Dagen"),
                            self._("{days} van {of}").format(
                                days=c.days_billable, of=c.days_in_year
                            ),
                        ),
                        (self._("Bedrag"), self._euro(c.amount_cents)),
                        (self._("Contributierun"), str(c.fee_run_id)),
                    ]
                )
            )
        if report.charges:
            story.append(Paragraph(self._("Heffingen"), _H3))
            rows = [
                [
                    value_label("charge", ch.kind, self.language),
                    Paragraph(escape(ch.basis), _SMALL),
                    self._euro(ch.amount_cents),
                ]
                for ch in report.charges
            ]
            story.append(_grid([self._("Soort"), self._("Grondslag"), self._("Bedrag")], rows))
        if report.pools:
            story.append(Paragraph(self._("Kostenverdeling"), _H3))
            rows = [
                [
                    f"{p.pool_code} {p.pool_name}",
                    p.application or "",
                    value_label("key", p.key, self.language),
                    self._euro(p.pool_total_cents),
                    self._euro(p.share_cents),
                ]
                for p in report.pools
            ]
            story.append(
                _grid(
                    [
                        self._("Pool"),
                        self._("Applicatie"),
                        self._("Sleutel"),
                        self._("Pooltotaal"),
                        self._("Aandeel"),
                    ],
                    rows,
                    2,
                )
            )
            settlements = [
                [
                    p.pool_code,
                    str(s.run_id),
                    s.booked_on.strftime("%d-%m-%Y"),
                    self._euro(s.amount_cents),
                ]
                for p in report.pools
                for s in p.settlements
            ]
            if settlements:
                story.append(Paragraph(self._("Verrekeningen"), _H3))
                story.append(
                    _grid(
                        [self._("Pool"), self._("Run"), self._("Geboekt op"), self._("Bedrag")],
                        settlements,
                    )
                )
        if report.usage:
            story.append(Paragraph(self._("Gebruik"), _H3))
            rows = [
                [
                    u.application,
                    value_label("metric", u.metric, self.language),
                    self._number(u.quantity),
                    self._euro(u.amount_cents),
                ]
                for u in report.usage
            ]
            story.append(
                _grid(
                    [
                        self._("Applicatie"),
                        self._("Metriek"),
                        self._("Hoeveelheid"),
                        self._("Bedrag"),
                    ],
                    rows,
                    2,
                )
            )
        a = report.account
        story.append(Paragraph(self._("Facturen en betalingen"), _H3))
        opening = (
            [
                (
                    self._("Waarvan beginbalans (vorige boekhouding)"),
                    self._euro(a.opening_balance_cents),
                )
            ]
            if a.opening_balance_cents
            else []
        )
        story.append(
            _pairs(
                [
                    (self._("Documenten"), str(a.documents)),
                    (self._("Gefactureerd"), self._euro(a.invoiced_cents)),
                    *opening,
                    (self._("Vooruitbetaald"), self._euro(a.prepaid_cents)),
                    (self._("Betaald (Stripe)"), self._euro(a.paid_stripe_cents)),
                    (self._("Betaald (bank)"), self._euro(a.paid_bank_cents)),
                    (self._("Terugbetaald"), self._euro(a.refunded_cents)),
                    (self._("Gecrediteerd"), self._euro(a.credited_cents)),
                    (self._("Tegoed overgedragen"), self._euro(a.credit_carried_cents)),
                    (self._("Openstaand"), self._euro(a.outstanding_cents)),
                    (self._("Te factureren over het jaar"), self._euro(report.billable_cents)),
                    (self._("Daarvan gefactureerd"), self._euro(report.billed_cents)),
                ]
            )
        )
        story.append(Spacer(0, 4 * mm))
        contribution = c.amount_cents if c else 0
        self._chart.append((report.code, contribution, sum(p.share_cents for p in report.pools)))

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        header = self._header
        assert header is not None, "begin() first"
        story = self._story
        story += [
            PageBreak(),
            Paragraph(self._("Samenvatting"), _H2),
            Paragraph(self._("Totalen"), _H3),
        ]
        labels = [(_TOTALS[key].text(self.language), cents) for key, cents in total_items(totals)]
        story.append(_pairs([(label, self._euro(cents)) for label, cents in labels]))
        if totals.pool_totals_cents:
            story.append(Paragraph(self._("Kostenpools"), _H3))
            pools = sorted(totals.pool_totals_cents.items())
            story.append(
                _grid([self._("Pool"), self._("Totaal")], [[k, self._euro(v)] for k, v in pools])
            )
        story.append(Paragraph(self._("Controles"), _H3))
        rows = [
            [
                Paragraph(escape(check_label(check, self.language)), _SMALL),
                self._euro(check.left_cents),
                self._euro(check.right_cents),
                holds(check, self.language),
            ]
            for check in checks(totals, header.scope)
        ]
        widths = [_WIDTH - 75 * mm, 27 * mm, 27 * mm, 21 * mm]
        story.append(
            _grid(
                [self._("Controle"), self._("Links"), self._("Rechts"), self._("Uitkomst")],
                rows,
                3,
                widths,
            )
        )
        story.append(Paragraph(self._("Bevindingen"), _H3))
        if findings:
            # Every cell a Paragraph, so a long text wraps inside its column instead of
            # running over the next one.
            rows = [
                [
                    Paragraph(escape(finding_title(f, self.language)), _SMALL),
                    Paragraph(escape(f.member_code or ""), _SMALL),
                    Paragraph(escape(finding_sentence(f, self.language)), _SMALL),
                ]
                for f in findings
            ]
            widths = [38 * mm, 22 * mm, _WIDTH - 60 * mm]
            story.append(
                _grid([self._("Bevinding"), self._("Lid"), self._("Omschrijving")], rows, 0, widths)
            )
        else:
            story.append(Paragraph(self._("Geen bevindingen."), _BODY))
        if self._chart:
            story += [
                PageBreak(),
                Paragraph(self._("Contributie en aandeel in de kostenpools per lid"), _H2),
                self._drawing(),
            ]
        template = SimpleDocTemplate(
            str(self.path),
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=report_title(header, self.language),
            author="Coöperatieregister",
            subject=", ".join(
                (
                    report_title(header, self.language),
                    self._("Stand bij auditgebeurtenis {seq}")
                    .format(seq=header.scope.as_of_seq)
                    .lower(),
                )
            ),
            lang=FORMAT_LOCALES[self.language].replace("_", "-"),
            creator="Coöperatieregister",
            invariant=1,
        )
        template.build(story, onFirstPage=self._footer, onLaterPages=self._footer)
        self._story = []
        return [self.path]

    def _footer(self, canvas: Any, doc: Any) -> None:
        assert self._header is not None
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(20 * mm, 10 * mm, self._header.title)
        canvas.drawRightString(
            A4[0] - 20 * mm, 10 * mm, self._("pagina {page}").format(page=doc.page)
        )
        canvas.restoreState()

    def _drawing(self) -> Drawing:
        """Horizontal bars: the biggest members by name (largest first), the rest as "overig"."""
        ranked = sorted(self._chart, key=lambda item: (-(item[1] + item[2]), item[0]))
        bars = ranked[:_CHART_BARS]
        rest = ranked[_CHART_BARS:]
        if rest:
            bars.append((self._("overig"), sum(r[1] for r in rest), sum(r[2] for r in rest)))
        bars.reverse()  # the chart draws its first category at the bottom
        bar_height = 14
        height = len(bars) * bar_height + 60
        drawing = Drawing(_WIDTH, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = 70, 40
        chart.width, chart.height = _WIDTH - 90, len(bars) * bar_height
        # Whole euros for the drawing only: bar lengths, not amounts anyone reads off.
        chart.data = [[b[1] // 100 for b in bars], [b[2] // 100 for b in bars]]
        chart.categoryAxis.categoryNames = [b[0] for b in bars]
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.labelTextFormat = lambda v: f"€ {self._number(int(v))}"
        chart.bars[0].fillColor = colors.HexColor("#154273")
        chart.bars[1].fillColor = colors.HexColor("#8fcae7")
        chart.groupSpacing = 2
        drawing.add(chart)
        legend = Legend()
        legend.x, legend.y = 70, 12
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.colorNamePairs = [
            (colors.HexColor("#154273"), self._("Contributie")),
            (colors.HexColor("#8fcae7"), self._("Aandeel kostenpools")),
        ]
        drawing.add(legend)
        return drawing
