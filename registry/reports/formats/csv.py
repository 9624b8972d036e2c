"""The report as CSV files, one per section, for auditors' spreadsheets and scripts.

Semicolon-separated (so a decimal comma needs no quoting, and Dutch Excel, whose list
separator is ";", splits the columns when the file is opened by a double click), UTF-8 with
a byte order mark (without it Excel reads the file as Windows-1252 and shows "Coöperatie"
and "×" garbled), a header row first in every file. Amounts are exact euros ("1234.56",
or "1234,56" with `decimal_comma`) without thousands separators, so every tool parses
them the same way.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING

from registry.kit.language import Language
from registry.reports.formats.tables import (
    SECTIONS,
    Cell,
    Kind,
    Row,
    Section,
    TableWriter,
    euro_text,
)
from registry.reports.model import Finding, ReportHeader, Totals

if TYPE_CHECKING:
    from _csv import Writer


class CsvWriter(TableWriter):
    def __init__(
        self,
        directory: Path,
        stem: str,
        decimal_comma: bool = False,
        language: Language = "nl",
    ) -> None:
        self.directory = directory
        self.stem = stem
        self.decimal_comma = decimal_comma
        self.language = language
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Writer] = {}
        self._header: ReportHeader | None = None

    def path(self, section: Section) -> Path:
        return self.directory / f"{self.stem}-{section.key}.csv"

    def begin(self, header: ReportHeader) -> None:
        self._header = header
        for section in SECTIONS:
            # newline="" lets the csv module write its own \r\n line ends.
            file = self.path(section).open("w", encoding="utf-8-sig", newline="")
            self._files[section.key] = file
            writer = csv.writer(file, delimiter=";")
            writer.writerow([column.name for column in section.columns])
            self._writers[section.key] = writer

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        self._close_sections(totals, findings)
        for file in self._files.values():
            file.close()
        return [self.path(section) for section in SECTIONS]

    def _write(self, section: Section, row: Row) -> None:
        cells = [self._text(c.kind, v) for c, v in zip(section.columns, row, strict=True)]
        self._writers[section.key].writerow(cells)

    def _text(self, kind: Kind, value: Cell) -> str:
        if value is None:
            return ""
        if kind is Kind.EURO:
            assert isinstance(value, int)
            return euro_text(value, self.decimal_comma)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            text = format(value, "f")
            return text.replace(".", ",") if self.decimal_comma else text
        return str(value)
