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
from registry.reports.formats.pdf import PdfWriter
from registry.reports.formats.xlsx import XlsxWriter

WRITERS: dict[str, Callable[[Path, str], ReportWriter]] = {
    "csv": CsvWriter,
    "xlsx": XlsxWriter,
    "pdf": PdfWriter,
    "json": JsonWriter,
}
