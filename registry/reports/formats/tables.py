"""The report as tables: one layout for the formats that are tables (CSV and XLSX).

Each section is a file (CSV) or a sheet (XLSX) with the same columns, so an auditor finds
the same figures under the same names in either. Cells keep their type (euro amounts as
integer cents, dates as dates, rates and quantities as exact decimals) and every format
writes them in its own way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from registry.kit.labels import Label
from registry.kit.language import Language
from registry.kit.spreadsheet import Cell, Kind, Row
from registry.reports.labels import (
    check_label,
    finding_sentence,
    finding_title,
    holds,
    value_label,
)
from registry.reports.model import Finding, MemberReport, ReportHeader, Totals, checks


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    """The Dutch heading, as scripts find the column (`lid`, `bedrag`)."""
    kind: Kind
    name_en: str
    """The English heading, written instead when the report is asked for in English."""

    def heading(self, language: Language) -> str:
        return self.name if language == "nl" else self.name_en


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    """The file name part (`{stem}-{key}.csv`)."""
    title: Label
    """The sheet name, in Dutch and English."""
    columns: tuple[Column, ...]

    def headings(self, language: Language) -> list[str]:
        return [column.heading(language) for column in self.columns]


def _columns(*spec: tuple[str, Kind, str]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, name_en) for name, kind, name_en in spec)


_TEXT, _INT, _DATE, _DEC, _EURO = Kind.TEXT, Kind.INT, Kind.DATE, Kind.DECIMAL, Kind.EURO

CONTRIBUTION = Section(
    "contributie",
    Label("Contributie", "Contribution"),
    _columns(
        ("lid", _TEXT, "member"),
        ("naam", _TEXT, "name"),
        ("contributierun", _INT, "fee_run"),
        ("inwoners", _INT, "inhabitants"),
        ("peildatum", _DATE, "reference_date"),
        ("grondslag", _TEXT, "basis"),
        ("bron_cijfers", _TEXT, "figures_source"),
        ("tarief", _DEC, "rate"),
        ("besluit", _TEXT, "decision"),
        ("dagen", _INT, "days"),
        ("dagen_in_jaar", _INT, "days_in_year"),
        ("bedrag", _EURO, "amount"),
    ),
)
CHARGES = Section(
    "heffingen",
    Label("Heffingen", "Charges"),
    _columns(
        ("lid", _TEXT, "member"),
        ("soort", _TEXT, "kind"),
        ("grondslag", _TEXT, "basis"),
        ("bedrag", _EURO, "amount"),
    ),
)
POOLS = Section(
    "kostenverdeling",
    Label("Kostenverdeling", "Cost sharing"),
    _columns(
        ("lid", _TEXT, "member"),
        ("pool", _TEXT, "pool"),
        ("poolnaam", _TEXT, "pool_name"),
        ("applicatie", _TEXT, "application"),
        ("sleutel", _TEXT, "key"),
        ("pooltotaal", _EURO, "pool_total"),
        ("aandeel", _EURO, "share"),
        ("runs", _TEXT, "runs"),
    ),
)
SETTLEMENTS = Section(
    "verrekeningen",
    Label("Verrekeningen", "Settlements"),
    _columns(
        ("lid", _TEXT, "member"),
        ("pool", _TEXT, "pool"),
        ("run", _INT, "run"),
        ("geboekt_op", _DATE, "booked_on"),
        ("bedrag", _EURO, "amount"),
    ),
)
USAGE = Section(
    "gebruik",
    Label("Gebruik", "Usage"),
    _columns(
        ("lid", _TEXT, "member"),
        ("applicatie", _TEXT, "application"),
        ("metriek", _TEXT, "metric"),
        ("hoeveelheid", _DEC, "quantity"),
        ("bedrag", _EURO, "amount"),
    ),
)
ACCOUNT = Section(
    "facturen",
    Label("Facturen", "Invoices"),
    _columns(
        ("lid", _TEXT, "member"),
        ("documenten", _INT, "documents"),
        ("gefactureerd", _EURO, "invoiced"),
        ("vooruitbetaald", _EURO, "prepaid"),
        ("betaald_stripe", _EURO, "paid_stripe"),
        ("betaald_bank", _EURO, "paid_bank"),
        ("terugbetaald", _EURO, "refunded"),
        ("gecrediteerd", _EURO, "credited"),
        ("tegoed_overgedragen", _EURO, "credit_carried"),
        ("openstaand", _EURO, "outstanding"),
        ("te_factureren", _EURO, "billable"),
        ("gefactureerd_regels", _EURO, "billed_on_lines"),
        ("waarvan_beginbalans", _EURO, "of_which_opening_balance"),
    ),
)
TOTALS = Section(
    "totalen",
    Label("Totalen", "Totals"),
    _columns(
        ("rubriek", _TEXT, "group"),
        ("post", _TEXT, "item"),
        ("bedrag", _EURO, "amount"),
        ("waarde", _TEXT, "value"),
    ),
)
FINDINGS = Section(
    "bevindingen",
    Label("Bevindingen", "Findings"),
    _columns(
        ("bevinding", _TEXT, "finding"),
        ("lid", _TEXT, "member"),
        ("omschrijving", _TEXT, "description"),
    ),
)

MEMBER_SECTIONS = (CONTRIBUTION, CHARGES, POOLS, SETTLEMENTS, USAGE, ACCOUNT)
SECTIONS = (*MEMBER_SECTIONS, TOTALS, FINDINGS)


def member_rows(member: MemberReport, language: Language = "nl") -> Iterator[tuple[Section, Row]]:
    """A member's rows, section by section, in the order of `MEMBER_SECTIONS`; enum values
    (population basis, key, metric, kind of charge) as their labels in `language`."""
    c = member.contribution
    if c is not None:
        yield (
            CONTRIBUTION,
            (
                member.code,
                member.name,
                c.fee_run_id,
                c.inhabitants,
                c.reference_date,
                value_label("population_basis", c.population_basis, language),
                c.figures_source,
                c.rate,
                c.decision_reference,
                c.days_billable,
                c.days_in_year,
                c.amount_cents,
            ),
        )
    for charge in member.charges:
        kind = value_label("charge", charge.kind, language)
        yield CHARGES, (member.code, kind, charge.basis, charge.amount_cents)
    for pool in member.pools:
        runs = " ".join(str(run_id) for run_id in pool.run_ids)
        yield (
            POOLS,
            (
                member.code,
                pool.pool_code,
                pool.pool_name,
                pool.application,
                value_label("key", pool.key, language),
                pool.pool_total_cents,
                pool.share_cents,
                runs,
            ),
        )
    for pool in member.pools:
        for s in pool.settlements:
            yield SETTLEMENTS, (member.code, pool.pool_code, s.run_id, s.booked_on, s.amount_cents)
    for fee in member.usage:
        metric = value_label("metric", fee.metric, language)
        yield USAGE, (member.code, fee.application, metric, fee.quantity, fee.amount_cents)
    a = member.account
    yield (
        ACCOUNT,
        (
            member.code,
            a.documents,
            a.invoiced_cents,
            a.prepaid_cents,
            a.paid_stripe_cents,
            a.paid_bank_cents,
            a.refunded_cents,
            a.credited_cents,
            a.credit_carried_cents,
            a.outstanding_cents,
            member.billable_cents,
            member.billed_cents,
            a.opening_balance_cents,
        ),
    )


SCOPE_NAMES = {
    "titel": "title",
    "jaar": "year",
    "lid": "member",
    "leden": "members",
    "auditgebeurtenis": "audit_event",
    "audithash": "audit_hash",
    "invoer_sha256": "inputs_sha256",
}
"""The English names of the scope rows' Dutch keys."""

RUBRICS = {"rapport": "report", "totaal": "total", "kostenpool": "cost_pool", "controle": "check"}
"""The first column of the totals file, Dutch and English."""

SCOPE_HEADINGS = Label("gegeven", "item"), Label("waarde", "value")
"""The two columns of the XLSX "Rapport" sheet."""
SCOPE_SHEET = Label("Rapport", "Report")


def in_language(key: str, english: Mapping[str, str], language: Language) -> str:
    """A Dutch key (`te_factureren`), or its English name when the report is in English."""
    return key if language == "nl" else english[key]


def report_title(header: ReportHeader, language: Language) -> str:
    """The report's title in `language` (the header's own title is Dutch)."""
    if language == "nl":
        return header.title
    scope = header.scope
    return f"Contribution report {scope.year}" + (
        f" — {scope.member_code}" if scope.member_code else ""
    )


def scope_rows(header: ReportHeader, language: Language = "nl") -> Iterator[tuple[str, Cell]]:
    """What the report covers and was made from, as (Dutch key, value); the value "all
    members" in `language`."""
    scope = header.scope
    yield "titel", report_title(header, language)
    yield "jaar", scope.year
    yield "lid", scope.member_code or ("alle leden" if language == "nl" else "all members")
    yield "leden", header.members
    yield "auditgebeurtenis", scope.as_of_seq
    yield "audithash", scope.as_of_hash
    yield "invoer_sha256", header.inputs_sha256


TOTAL_LABELS = (
    ("contributies", "contributions_cents"),
    ("heffingen", "charges_cents"),
    ("aandelen_kostenpools", "member_shares_cents"),
    ("verrekeningen", "settlements_cents"),
    ("gebruik", "usage_fees_cents"),
    ("te_factureren", "billable_cents"),
    ("gefactureerd_regels", "billed_cents"),
    ("gefactureerd", "invoiced_cents"),
    ("vooruitbetaald", "prepaid_cents"),
    ("betaald", "paid_cents"),
    ("gecrediteerd", "credited_cents"),
    ("openstaand", "outstanding_cents"),
    ("tegoed_overgedragen", "credit_carried_cents"),
    ("kostenpools", "pools_cents"),
)
"""The totals by (label, attribute of `Totals`), in the order every format shows them."""

TOTAL_NAMES = {
    "contributies": "contributions",
    "heffingen": "charges",
    "aandelen_kostenpools": "cost_pool_shares",
    "verrekeningen": "settlements",
    "gebruik": "usage",
    "te_factureren": "billable",
    "gefactureerd_regels": "billed_on_lines",
    "gefactureerd": "invoiced",
    "vooruitbetaald": "prepaid",
    "betaald": "paid",
    "gecrediteerd": "credited",
    "openstaand": "outstanding",
    "tegoed_overgedragen": "credit_carried",
    "kostenpools": "cost_pools",
}
"""The English names of the totals."""


def total_items(totals: Totals) -> Iterator[tuple[str, int]]:
    for label, attribute in TOTAL_LABELS:
        value = getattr(totals, attribute)
        assert isinstance(value, int)
        yield label, value


def totals_rows(header: ReportHeader, totals: Totals, language: Language = "nl") -> Iterator[Row]:
    """The totals file: scope first, then the totals, the pools, and the checks with the
    difference of their two sides as the amount."""

    def rubric(key: str) -> str:
        return in_language(key, RUBRICS, language)

    for key, value in scope_rows(header, language):
        name = in_language(key, SCOPE_NAMES, language)
        yield rubric("rapport"), name, None, None if value is None else str(value)
    for key, cents in total_items(totals):
        yield rubric("totaal"), in_language(key, TOTAL_NAMES, language), cents, None
    for code in sorted(totals.pool_totals_cents):
        yield rubric("kostenpool"), code, totals.pool_totals_cents[code], None
    for check in checks(totals, header.scope):
        difference = check.left_cents - check.right_cents
        yield rubric("controle"), check_label(check, language), difference, holds(check, language)


def finding_rows(findings: list[Finding], language: Language = "nl") -> Iterator[Row]:
    """Each finding as what it is about, the member, and a sentence with the amounts."""
    for finding in findings:
        title = finding_title(finding, language)
        yield title, finding.member_code, finding_sentence(finding, language)


def closing_rows(
    header: ReportHeader, totals: Totals, findings: list[Finding], language: Language = "nl"
) -> Iterator[tuple[Section, Row]]:
    """What a tabular format writes after the members, by section: the totals, then the
    findings (so the CSV files and the workbook sheets hold the same rows)."""
    for row in totals_rows(header, totals, language):
        yield TOTALS, row
    for row in finding_rows(findings, language):
        yield FINDINGS, row


class SectionWriter(ABC):
    """A tabular format (CSV files, XLSX sheets): the rows of every section come from
    `member_rows` and `closing_rows` here; a format writes one row and closes its files."""

    language: Language
    _header: ReportHeader | None

    def member(self, report: MemberReport) -> None:
        for section, row in member_rows(report, self.language):
            self._write(section, row)

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        assert self._header is not None, "begin() first"
        for section, row in closing_rows(self._header, totals, findings, self.language):
            self._write(section, row)
        return self._close()

    @abstractmethod
    def _write(self, section: Section, values: Row) -> None: ...

    @abstractmethod
    def _close(self) -> list[Path]:
        """Finish and close the files; the paths written."""
