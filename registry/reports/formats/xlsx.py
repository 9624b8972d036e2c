"""The report as an Excel workbook: a "Rapport" sheet, then one sheet per section.

The sheets have the same columns as the CSV files. The workbook is written in
XlsxWriter's constant-memory mode (each row goes to disk as soon as the next starts), and
its metadata date is derived from the report, so the same report gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from registry.kit.language import Language
from registry.kit.spreadsheet import WIDTHS, CellFormats, Row
from registry.reports.formats.tables import (
    SCOPE_HEADINGS,
    SCOPE_NAMES,
    SCOPE_SHEET,
    SECTIONS,
    Section,
    SectionWriter,
    in_language,
    report_title,
    scope_rows,
)
from registry.reports.model import ReportHeader

_WIDE = {
    "naam": 36,
    "poolnaam": 30,
    "omschrijving": 90,
    "bevinding": 30,
    "post": 58,
    "grondslag": 30,
}


class XlsxWriter(SectionWriter):
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
                "title": report_title(header, self.language),
                "subject": (
                    f"Contributierapport {header.scope.year}"
                    if self.language == "nl"
                    else f"Contribution report {header.scope.year}"
                ),
                "author": "Coöperatieregister",
                # Not the clock: the same report must give the same file.
                "created": datetime(header.scope.year + 1, 1, 1),
            }
        )
        self._formats = CellFormats(self._book)
        language = self.language
        report = self._book.add_worksheet(SCOPE_SHEET.text(language))
        report.set_column(0, 0, 20)
        report.set_column(1, 1, 70)
        self._formats.header(report, [heading.text(language) for heading in SCOPE_HEADINGS])
        for row, (key, value) in enumerate(scope_rows(header, language), start=1):
            report.write_string(row, 0, in_language(key, SCOPE_NAMES, language))
            report.write(row, 1, "" if value is None else value)
        for section in SECTIONS:
            sheet = self._book.add_worksheet(section.title.text(language))
            for col, column in enumerate(section.columns):
                sheet.set_column(col, col, _WIDE.get(column.name, WIDTHS[column.kind]))
            self._formats.header(sheet, section.headings(language))
            self._sheets[section.key] = sheet
            self._rows[section.key] = 1

    def _close(self) -> list[Path]:
        # A filter on every header row, over all the rows written (at least the header).
        for section in SECTIONS:
            last_row = max(self._rows[section.key] - 1, 0)
            self._sheets[section.key].autofilter(0, 0, last_row, len(section.columns) - 1)
        self._book.close()
        return [self.path]

    def _write(self, section: Section, values: Row) -> None:
        sheet, row = self._sheets[section.key], self._rows[section.key]
        for col, (column, value) in enumerate(zip(section.columns, values, strict=True)):
            self._formats.write(sheet, row, col, column.kind, value)
        self._rows[section.key] = row + 1
