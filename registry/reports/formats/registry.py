"""The report's formats by name, as the command line and the web offer them.

"csv" writes amounts with a decimal point. For a decimal comma (Dutch spreadsheet
settings) construct `CsvWriter(directory, stem, decimal_comma=True)` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from registry.reports.formats import ReportWriter
from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.json import JsonWriter


def _xlsx(directory: Path, stem: str) -> ReportWriter:
    from registry.reports.formats.xlsx import XlsxWriter  # xlsxwriter only when writing XLSX

    return XlsxWriter(directory, stem)


def _pdf(directory: Path, stem: str) -> ReportWriter:
    from registry.reports.formats.pdf import PdfWriter  # reportlab only when writing a PDF

    return PdfWriter(directory, stem)


WRITERS: dict[str, Callable[[Path, str], ReportWriter]] = {
    "csv": CsvWriter,
    "xlsx": _xlsx,
    "pdf": _pdf,
    "json": JsonWriter,
}
