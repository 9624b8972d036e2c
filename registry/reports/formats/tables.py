"""The report as tables: one layout for the formats that are tables (CSV and XLSX).

Each section is a file (CSV) or a sheet (XLSX) with the same columns, so an auditor finds
the same figures under the same names in either. Cells keep their type (euro amounts as
integer cents, dates as dates, rates and quantities as exact decimals) and every format
writes them in its own way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from registry.kit.language import Language
from registry.reports.labels import (
    check_label,
    finding_sentence,
    finding_title,
    holds,
    value_label,
)
from registry.reports.model import Finding, MemberReport, ReportHeader, Totals, checks


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    DECIMAL = "decimal"
    EURO = "euro"
    """Integer cents, written as euros."""


Cell = str | int | date | Decimal | None
Row = tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    """The file name part (`{stem}-{key}.csv`)."""
    title: str
    """The sheet name."""
    columns: tuple[Column, ...]


def _columns(*spec: tuple[str, Kind]) -> tuple[Column, ...]:
    return tuple(Column(name, kind) for name, kind in spec)


_TEXT, _INT, _DATE, _DEC, _EURO = Kind.TEXT, Kind.INT, Kind.DATE, Kind.DECIMAL, Kind.EURO

CONTRIBUTION = Section(
    "contributie",
    "Contributie",
    _columns(
        ("lid", _TEXT),
        ("naam", _TEXT),
        ("contributierun", _INT),
        ("inwoners", _INT),
        ("peildatum", _DATE),
        ("grondslag", _TEXT),
        ("bron_cijfers", _TEXT),
        ("tarief", _DEC),
        ("besluit", _TEXT),
        ("dagen", _INT),
        ("dagen_in_jaar", _INT),
        ("bedrag", _EURO),
    ),
)
CHARGES = Section(
    "heffingen",
    "Heffingen",
    _columns(("lid", _TEXT), ("soort", _TEXT), ("grondslag", _TEXT), ("bedrag", _EURO)),
)
POOLS = Section(
    "kostenverdeling",
    "Kostenverdeling",
    _columns(
        ("lid", _TEXT),
        ("pool", _TEXT),
        ("poolnaam", _TEXT),
        ("applicatie", _TEXT),
        ("sleutel", _TEXT),
        ("pooltotaal", _EURO),
        ("aandeel", _EURO),
        ("runs", _TEXT),
    ),
)
SETTLEMENTS = Section(
    "verrekeningen",
    "Verrekeningen",
    _columns(
        ("lid", _TEXT), ("pool", _TEXT), ("run", _INT), ("geboekt_op", _DATE), ("bedrag", _EURO)
    ),
)
USAGE = Section(
    "gebruik",
    "Gebruik",
    _columns(
        ("lid", _TEXT),
        ("applicatie", _TEXT),
        ("metriek", _TEXT),
        ("hoeveelheid", _DEC),
        ("bedrag", _EURO),
    ),
)
ACCOUNT = Section(
    "facturen",
    "Facturen",
    _columns(
        ("lid", _TEXT),
        ("documenten", _INT),
        ("gefactureerd", _EURO),
        ("vooruitbetaald", _EURO),
        ("betaald_stripe", _EURO),
        ("betaald_bank", _EURO),
        ("terugbetaald", _EURO),
        ("gecrediteerd", _EURO),
        ("tegoed_overgedragen", _EURO),
        ("openstaand", _EURO),
        ("te_factureren", _EURO),
        ("gefactureerd_regels", _EURO),
    ),
)
TOTALS = Section(
    "totalen",
    "Totalen",
    _columns(("rubriek", _TEXT), ("post", _TEXT), ("bedrag", _EURO), ("waarde", _TEXT)),
)
FINDINGS = Section(
    "bevindingen",
    "Bevindingen",
    _columns(("bevinding", _TEXT), ("lid", _TEXT), ("omschrijving", _TEXT)),
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
        ),
    )


def scope_rows(header: ReportHeader) -> Iterator[tuple[str, Cell]]:
    """What the report covers and was made from, as (label, value)."""
    scope = header.scope
    yield "titel", header.title
    yield "jaar", scope.year
    yield "lid", scope.member_code or "alle leden"
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


def total_items(totals: Totals) -> Iterator[tuple[str, int]]:
    for label, attribute in TOTAL_LABELS:
        value = getattr(totals, attribute)
        assert isinstance(value, int)
        yield label, value


def totals_rows(header: ReportHeader, totals: Totals, language: Language = "nl") -> Iterator[Row]:
    """The totals file: scope first, then the totals, the pools, and the checks with the
    difference of their two sides as the amount."""
    for label, value in scope_rows(header):
        yield "rapport", label, None, None if value is None else str(value)
    for label, cents in total_items(totals):
        yield "totaal", label, cents, None
    for code in sorted(totals.pool_totals_cents):
        yield "kostenpool", code, totals.pool_totals_cents[code], None
    for check in checks(totals, header.scope):
        difference = check.left_cents - check.right_cents
        yield "controle", check_label(check, language), difference, holds(check, language)


def finding_rows(findings: list[Finding], language: Language = "nl") -> Iterator[Row]:
    """Each finding as what it is about, the member, and a sentence with the amounts."""
    for finding in findings:
        title = finding_title(finding, language)
        yield title, finding.member_code, finding_sentence(finding, language)


class TableWriter(ABC):
    """What the table formats share: a member's rows and the closing totals and findings,
    each row written to its section by the format's own `_write`."""

    language: Language
    _header: ReportHeader | None

    @abstractmethod
    def _write(self, section: Section, row: Row) -> None: ...

    def _write_all(self, rows: Iterable[tuple[Section, Row]]) -> None:
        for section, row in rows:
            self._write(section, row)

    def member(self, report: MemberReport) -> None:
        self._write_all(member_rows(report, self.language))

    def _close_sections(self, totals: Totals, findings: list[Finding]) -> None:
        """The totals, then the findings (`begin` must have been called)."""
        assert self._header is not None, "begin() first"
        self._write_all((TOTALS, row) for row in totals_rows(self._header, totals, self.language))
        self._write_all((FINDINGS, row) for row in finding_rows(findings, self.language))


def euro_text(cents: int, decimal_comma: bool = False) -> str:
    """Cents as a plain euro amount ("-1234.56"), exact: integer arithmetic only."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}{',' if decimal_comma else '.'}{rest:02d}"
