"""A table as a spreadsheet file: CSV for Dutch Excel and scripts, or an XLSX workbook.

One place for how the registry writes tables, shared by the contribution report
(`registry/reports/formats`) and the downloads of the pages' lists:

- CSV is semicolon-separated (Dutch Excel's list separator, so a double click splits the
  columns and a decimal comma needs no quoting), UTF-8 with a byte order mark (without it
  Excel reads Windows-1252 and garbles "Coöperatie" and "×"), header row first. Amounts are
  exact euros without thousands separators ("1234.56", or "1234,56" with a decimal comma).
- XLSX has a bold, frozen header row with a filter over all rows; amounts are numbers in
  euros with two decimals, dates are dates.

Cells keep their type until the writer: euro amounts as integer cents (`Kind.EURO`), dates
as dates, quantities and rates as exact decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    DECIMAL = "decimal"
    EURO = "euro"
    """Integer cents, written as euros."""


Cell = str | int | date | Decimal | None
Row = tuple[Cell, ...]

CSV_ENCODING = "utf-8-sig"
CSV_DELIMITER = ";"
WIDTHS = {Kind.TEXT: 18, Kind.INT: 12, Kind.DATE: 12, Kind.DECIMAL: 14, Kind.EURO: 15}


@dataclass(frozen=True, slots=True)
class Table:
    """A table as a page shows it: a title (the sheet name), headings, typed rows."""

    title: str
    headings: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: Sequence[Row]
    widths: tuple[int, ...] = ()
    """Column widths in the workbook; the kind's default where absent."""


def euro_text(cents: int, decimal_comma: bool = False) -> str:
    """Cents as a plain euro amount ("-1234.56"), exact: integer arithmetic only."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}{',' if decimal_comma else '.'}{rest:02d}"


def cell_text(kind: Kind, value: Cell, decimal_comma: bool = False) -> str:
    """A cell as CSV writes it."""
    if value is None:
        return ""
    if kind is Kind.EURO:
        assert isinstance(value, int)
        return euro_text(value, decimal_comma)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if decimal_comma else text
    return str(value)


def csv_bytes(table: Table, decimal_comma: bool = False) -> bytes:
    """The table as a CSV file: BOM, header row, one line per row."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow(
            [cell_text(k, v, decimal_comma) for k, v in zip(table.kinds, row, strict=True)]
        )
    return text.getvalue().encode(CSV_ENCODING)


class CellFormats:
    """The number formats of one workbook."""

    def __init__(self, book: Workbook) -> None:
        self.bold = book.add_format({"bold": True})
        self.euro = book.add_format({"num_format": "#,##0.00"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.decimal = book.add_format({"num_format": "0.######"})

    def write(self, sheet: Worksheet, row: int, col: int, kind: Kind, value: Cell) -> None:
        """One typed cell; an empty cell for `None`."""
        if value is None:
            return
        if kind is Kind.EURO:
            assert isinstance(value, int)
            # Excel stores every number as a double: the exact amount becomes a float only
            # here, for the cell. The nearest double to an amount in cents shows as that
            # amount again up to 15 significant digits, far beyond any amount here.
            sheet.write_number(row, col, float(Decimal(value).scaleb(-2)), self.euro)
        elif isinstance(value, Decimal):
            sheet.write_number(row, col, float(value), self.decimal)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, self.date)
        elif isinstance(value, int):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, value)

    def header(self, sheet: Worksheet, headings: Iterable[str]) -> None:
        """The header row in bold, frozen."""
        sheet.write_row(0, 0, list(headings), self.bold)
        sheet.freeze_panes(1, 0)


def sheet_name(title: str) -> str:
    """A title as Excel accepts it as a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Blad1"


def xlsx_bytes(table: Table, created: datetime | None = None) -> bytes:
    """The table as a workbook of one sheet, with a filter over the header row and all rows."""
    import xlsxwriter  # where used: pages that never export do not pay for its import

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    properties: dict[str, object] = {"title": table.title, "author": "Coöperatieregister"}
    if created is not None:
        properties["created"] = created
    book.set_properties(properties)
    formats = CellFormats(book)
    sheet = book.add_worksheet(sheet_name(table.title))
    for col, kind in enumerate(table.kinds):
        width = table.widths[col] if col < len(table.widths) else WIDTHS[kind]
        sheet.set_column(col, col, width)
    formats.header(sheet, table.headings)
    for row, values in enumerate(table.rows, start=1):
        for col, (kind, value) in enumerate(zip(table.kinds, values, strict=True)):
            formats.write(sheet, row, col, kind, value)
    sheet.autofilter(0, 0, len(table.rows), len(table.headings) - 1)
    book.close()
    return output.getvalue()
