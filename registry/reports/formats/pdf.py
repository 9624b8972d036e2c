"""The report as a Dutch PDF, for people: a cover, a section per member, then the summary.

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

from registry.kit.language import Language
from registry.kit.money import format_euro_nl
from registry.reports.formats.tables import scope_rows, total_items
from registry.reports.labels import (
    check_label,
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

    def begin(self, header: ReportHeader) -> None:
        self._header = header
        scope = header.scope
        cover = dict(scope_rows(header))
        self._story += [
            Paragraph(escape(header.title), _TITLE),
            Paragraph(f"Stand bij auditgebeurtenis {scope.as_of_seq}", _H2),
            Spacer(0, 6 * mm),
            _pairs([(label, str(cover[key])) for key, label in _COVER_LABELS.items()]),
            Spacer(0, 6 * mm),
            Paragraph(
                "Alle bedragen in euro. Het rapport geeft het register weer zoals het stond bij"
                f" auditgebeurtenis {scope.as_of_seq}: latere wijzigingen zijn weggelaten. De"
                " invoer-hash is de SHA-256 van de gegevens per lid waaruit het rapport is"
                " gemaakt.",
                _BODY,
            ),
            PageBreak(),
        ]

    def member(self, report: MemberReport) -> None:
        story = self._story
        story.append(Paragraph(escape(f"{report.code} — {report.name}"), _H2))
        c = report.contribution
        story.append(Paragraph("Contributie", _H3))
        if c is None:
            story.append(Paragraph("Geen contributie in dit jaar.", _BODY))
        else:
            story.append(
                _pairs(
                    [
                        ("Inwoners", _dutch_number(c.inhabitants)),
                        ("Peildatum", c.reference_date.strftime("%d-%m-%Y")),
                        (
                            "Grondslag",
                            value_label("population_basis", c.population_basis, self.language),
                        ),
                        ("Bron cijfers", c.figures_source),
                        ("Tarief per inwoner", _rate_nl(c.rate)),
                        ("Besluit", c.decision_reference),
                        ("Dagen", f"{c.days_billable} van {c.days_in_year}"),
                        ("Bedrag", format_euro_nl(c.amount_cents)),
                        ("Contributierun", str(c.fee_run_id)),
                    ]
                )
            )
        if report.charges:
            story.append(Paragraph("Heffingen", _H3))
            rows = [
                [
                    value_label("charge", ch.kind, self.language),
                    Paragraph(escape(ch.basis), _SMALL),
                    format_euro_nl(ch.amount_cents),
                ]
                for ch in report.charges
            ]
            story.append(_grid(["Soort", "Grondslag", "Bedrag"], rows))
        if report.pools:
            story.append(Paragraph("Kostenverdeling", _H3))
            rows = [
                [
                    f"{p.pool_code} {p.pool_name}",
                    p.application or "",
                    value_label("key", p.key, self.language),
                    format_euro_nl(p.pool_total_cents),
                    format_euro_nl(p.share_cents),
                ]
                for p in report.pools
            ]
            story.append(_grid(["Pool", "Applicatie", "Sleutel", "Pooltotaal", "Aandeel"], rows, 2))
            settlements = [
                [
                    p.pool_code,
                    str(s.run_id),
                    s.booked_on.strftime("%d-%m-%Y"),
                    format_euro_nl(s.amount_cents),
                ]
                for p in report.pools
                for s in p.settlements
            ]
            if settlements:
                story.append(Paragraph("Verrekeningen", _H3))
                story.append(_grid(["Pool", "Run", "Geboekt op", "Bedrag"], settlements))
        if report.usage:
            story.append(Paragraph("Gebruik", _H3))
            rows = [
                [
                    u.application,
                    value_label("metric", u.metric, self.language),
                    _dutch_number(u.quantity),
                    format_euro_nl(u.amount_cents),
                ]
                for u in report.usage
            ]
            story.append(_grid(["Applicatie", "Metriek", "Hoeveelheid", "Bedrag"], rows, 2))
        a = report.account
        story.append(Paragraph("Facturen en betalingen", _H3))
        story.append(
            _pairs(
                [
                    ("Documenten", str(a.documents)),
                    ("Gefactureerd", format_euro_nl(a.invoiced_cents)),
                    ("Vooruitbetaald", format_euro_nl(a.prepaid_cents)),
                    ("Betaald (Stripe)", format_euro_nl(a.paid_stripe_cents)),
                    ("Betaald (bank)", format_euro_nl(a.paid_bank_cents)),
                    ("Terugbetaald", format_euro_nl(a.refunded_cents)),
                    ("Gecrediteerd", format_euro_nl(a.credited_cents)),
                    ("Tegoed overgedragen", format_euro_nl(a.credit_carried_cents)),
                    ("Openstaand", format_euro_nl(a.outstanding_cents)),
                    ("Te factureren over het jaar", format_euro_nl(report.billable_cents)),
                    ("Daarvan gefactureerd", format_euro_nl(report.billed_cents)),
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
        story += [PageBreak(), Paragraph("Samenvatting", _H2), Paragraph("Totalen", _H3)]
        labels = [
            (label.replace("_", " ").capitalize(), cents) for label, cents in total_items(totals)
        ]
        story.append(_pairs([(label, format_euro_nl(cents)) for label, cents in labels]))
        if totals.pool_totals_cents:
            story.append(Paragraph("Kostenpools", _H3))
            pools = sorted(totals.pool_totals_cents.items())
            story.append(_grid(["Pool", "Totaal"], [[k, format_euro_nl(v)] for k, v in pools]))
        story.append(Paragraph("Controles", _H3))
        rows = [
            [
                Paragraph(escape(check_label(check, self.language)), _SMALL),
                format_euro_nl(check.left_cents),
                format_euro_nl(check.right_cents),
                holds(check, self.language),
            ]
            for check in checks(totals, header.scope)
        ]
        widths = [_WIDTH - 75 * mm, 27 * mm, 27 * mm, 21 * mm]
        story.append(_grid(["Controle", "Links", "Rechts", "Uitkomst"], rows, 3, widths))
        story.append(Paragraph("Bevindingen", _H3))
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
            story.append(_grid(["Bevinding", "Lid", "Omschrijving"], rows, 0, widths))
        else:
            story.append(Paragraph("Geen bevindingen.", _BODY))
        if self._chart:
            story += [
                PageBreak(),
                Paragraph("Contributie en aandeel in de kostenpools per lid", _H2),
                self._drawing(),
            ]
        template = SimpleDocTemplate(
            str(self.path),
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=header.title,
            author="Coöperatieregister",
            subject=f"{header.title}, stand bij auditgebeurtenis {header.scope.as_of_seq}",
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
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"pagina {doc.page}")
        canvas.restoreState()

    def _drawing(self) -> Drawing:
        """Horizontal bars: the biggest members by name (largest first), the rest as "overig"."""
        ranked = sorted(self._chart, key=lambda item: (-(item[1] + item[2]), item[0]))
        bars = ranked[:_CHART_BARS]
        rest = ranked[_CHART_BARS:]
        if rest:
            bars.append(("overig", sum(r[1] for r in rest), sum(r[2] for r in rest)))
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
        chart.valueAxis.labelTextFormat = lambda v: f"€ {_dutch_number(int(v))}"
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
            (colors.HexColor("#154273"), "Contributie"),
            (colors.HexColor("#8fcae7"), "Aandeel kostenpools"),
        ]
        drawing.add(legend)
        return drawing
