"""The report as CSV files, one per section, for auditors' spreadsheets and scripts.

Written as every CSV of the registry is (`registry.kit.spreadsheet`): semicolon-separated,
UTF-8 with a byte order mark so Dutch Excel opens it correctly, a header row first in every
file, amounts as exact euros ("1234.56", or "1234,56" with `decimal_comma`) without
thousands separators.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, TYPE_CHECKING

from registry.kit.language import Language
from registry.kit.spreadsheet import CSV_DELIMITER, CSV_ENCODING, Row, cell_text
from registry.reports.formats.tables import (
    SECTIONS,
    Section,
    SectionWriter,
)
from registry.reports.model import ReportHeader

if TYPE_CHECKING:
    from _csv import Writer


class CsvWriter(SectionWriter):
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
            file = self.path(section).open("w", encoding=CSV_ENCODING, newline="")
            self._files[section.key] = file
            writer = csv.writer(file, delimiter=CSV_DELIMITER)
            writer.writerow(section.headings(self.language))
            self._writers[section.key] = writer

    def _close(self) -> list[Path]:
        for file in self._files.values():
            file.close()
        return [self.path(section) for section in SECTIONS]

    def _write(self, section: Section, row: Row) -> None:
        cells = [
            cell_text(c.kind, v, self.decimal_comma)
            for c, v in zip(section.columns, row, strict=True)
        ]
        self._writers[section.key].writerow(cells)
