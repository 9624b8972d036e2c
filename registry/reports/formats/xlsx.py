"""The report as an Excel workbook: a "Rapport" sheet, then one sheet per section.

The sheets have the same columns as the CSV files. The workbook is written in
XlsxWriter's constant-memory mode (each row goes to disk as soon as the next starts), and
its metadata date is derived from the report, so the same report gives the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from registry.kit.language import Language
from registry.reports.formats.tables import (
    SECTIONS,
    Cell,
    Kind,
    Row,
    Section,
    TableWriter,
    scope_rows,
)
from registry.reports.model import Finding, ReportHeader, Totals

_WIDTHS = {Kind.TEXT: 18, Kind.INT: 12, Kind.DATE: 12, Kind.DECIMAL: 14, Kind.EURO: 15}
_WIDE = {
    "naam": 36,
    "poolnaam": 30,
    "omschrijving": 90,
    "bevinding": 30,
    "post": 58,
    "grondslag": 30,
}


class XlsxWriter(TableWriter):
    def __init__(self, directory: Path, stem: str, language: Language = "nl") -> None:
        self.path = directory / f"{stem}.xlsx"
        self.language = language
        self._sheets: dict[str, Worksheet] = {}
        self._rows: dict[str, int] = {}
        self._header: ReportHeader | None = None

    def begin(self, header: ReportHeader) -> None:
        self._header = header
        self._book = xlsxwriter.Workbook(str(self.path), {"constant_memory": True})
        self._book.set_properties(
            {
                "title": header.title,
                "subject": f"Contributierapport {header.scope.year}",
                "author": "Coöperatieregister",
                # Not the clock: the same report must give the same file.
                "created": datetime(header.scope.year + 1, 1, 1),
            }
        )
        bold = self._book.add_format({"bold": True})
        self._formats: dict[Kind, Format] = {
            Kind.EURO: self._book.add_format({"num_format": "#,##0.00"}),
            Kind.DATE: self._book.add_format({"num_format": "yyyy-mm-dd"}),
            Kind.DECIMAL: self._book.add_format({"num_format": "0.######"}),
        }
        report = self._book.add_worksheet("Rapport")
        report.set_column(0, 0, 20)
        report.set_column(1, 1, 70)
        report.write_row(0, 0, ["gegeven", "waarde"], bold)
        report.freeze_panes(1, 0)
        for row, (label, value) in enumerate(scope_rows(header), start=1):
            report.write_string(row, 0, label)
            report.write(row, 1, "" if value is None else value)
        for section in SECTIONS:
            sheet = self._book.add_worksheet(section.title)
            for col, column in enumerate(section.columns):
                sheet.set_column(col, col, _WIDE.get(column.name, _WIDTHS[column.kind]))
            sheet.write_row(0, 0, [column.name for column in section.columns], bold)
            sheet.freeze_panes(1, 0)
            self._sheets[section.key] = sheet
            self._rows[section.key] = 1

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        self._close_sections(totals, findings)
        # A filter on every header row, over all the rows written (at least the header).
        for section in SECTIONS:
            last_row = max(self._rows[section.key] - 1, 0)
            self._sheets[section.key].autofilter(0, 0, last_row, len(section.columns) - 1)
        self._book.close()
        return [self.path]

    def _write(self, section: Section, values: Row) -> None:
        sheet, row = self._sheets[section.key], self._rows[section.key]
        for col, (column, value) in enumerate(zip(section.columns, values, strict=True)):
            self._cell(sheet, row, col, column.kind, value)
        self._rows[section.key] = row + 1

    def _cell(self, sheet: Worksheet, row: int, col: int, kind: Kind, value: Cell) -> None:
        if value is None:
            return
        if kind is Kind.EURO:
            assert isinstance(value, int)
            # Excel stores every number as a double: the exact Decimal becomes a float only
            # here, for the cell. The nearest double to an amount in cents shows as that
            # amount again up to 15 significant digits, far beyond any contribution.
            sheet.write_number(row, col, float(Decimal(value).scaleb(-2)), self._formats[kind])
        elif isinstance(value, Decimal):
            sheet.write_number(row, col, float(value), self._formats[Kind.DECIMAL])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, self._formats[Kind.DATE])
        elif isinstance(value, int):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, value)
