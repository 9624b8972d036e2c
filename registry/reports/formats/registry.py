"""The report's formats by name, as the command line and the web offer them.

"csv" writes amounts with a decimal point. For a decimal comma (Dutch spreadsheet
settings) construct `CsvWriter(directory, stem, decimal_comma=True)` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from registry.kit.language import Language
from registry.reports.formats import ReportWriter
from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.json import JsonWriter


def _xlsx(directory: Path, stem: str, language: Language = "nl") -> ReportWriter:
    from registry.reports.formats.xlsx import XlsxWriter  # xlsxwriter only when writing XLSX

    return XlsxWriter(directory, stem, language=language)


def _pdf(directory: Path, stem: str, language: Language = "nl") -> ReportWriter:
    from registry.reports.formats.pdf import PdfWriter  # reportlab only when writing a PDF

    return PdfWriter(directory, stem, language=language)


WRITERS: dict[str, Callable[[Path, str], ReportWriter]] = {
    "csv": CsvWriter,
    "xlsx": _xlsx,
    "pdf": _pdf,
    "json": JsonWriter,
}


def make_writer(
    name: str, directory: Path, stem: str, *, language: Language, decimal_comma: bool = False
) -> ReportWriter:
    """The writer of one format; what people read (labels, findings) in `language`.

    JSON is for programs and keeps the internal values, so it has no language."""
    if name == "csv":
        return CsvWriter(directory, stem, decimal_comma=decimal_comma, language=language)
    if name == "xlsx":
        return _xlsx(directory, stem, language)
    if name == "pdf":
        return _pdf(directory, stem, language)
    return WRITERS[name](directory, stem)
