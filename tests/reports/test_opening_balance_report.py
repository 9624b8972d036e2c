"""The contribution report names the open invoices of the previous bookkeeping as opening
balance (beginbalans), in Dutch and English, in the CSV, the XLSX and the PDF."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.opening_balances import import_opening_balances
from registry.reports.export import export
from tests.helpers.cooperative import ACTOR, cooperative
from tests.helpers.pdf import page_text, shown

__all__ = ["cooperative"]

OPENING = (
    b"member;document;date;due_date;amount;description\n"
    b"woerden;VF-2022-0412;2022-11-15;2022-12-15;1.234,56;Contributie 2022, tweede termijn\n"
    b"woerden;CN-2022-0007;2022-12-20;2022-12-20;-75,00;Tegoed uit creditnota\n"
)


def _file(files: list[Path], ending: str) -> Path:
    [path] = [p for p in files if p.name.endswith(ending)]
    return path


async def test_the_report_names_opening_balance_invoices(
    cooperative: AsyncSession, tmp_path: Path
) -> None:
    await import_opening_balances(cooperative, ACTOR, OPENING)

    dutch = await export(cooperative, ACTOR, tmp_path / "nl", year=2022, decimal_comma=True)
    rows = list(
        csv.DictReader(
            io.StringIO(_file(dutch.files, "-facturen.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    [woerden] = [r for r in rows if r["lid"] == "woerden"]
    assert woerden["gefactureerd"] == woerden["waarvan_beginbalans"] == "1234,56"
    assert woerden["openstaand"] == "1234,56"
    sheet = openpyxl.load_workbook(_file(dutch.files, ".xlsx"))["Facturen"]
    head = [c.value for c in sheet[1]]
    values = next(
        [c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value == "woerden"
    )
    assert values[head.index("waarvan_beginbalans")] == values[head.index("gefactureerd")]
    assert str(values[head.index("waarvan_beginbalans")]) in ("1234.56", "1234,56")
    pdf = page_text(_file(dutch.files, ".pdf").read_bytes())
    assert "Waarvan beginbalans \\(vorige boekhouding\\)" in pdf
    assert shown("€ 1.234,56") in pdf

    english = await export(cooperative, ACTOR, tmp_path / "en", year=2022, language="en")
    table = _file(english.files, "-facturen.csv")
    [row] = [
        r
        for r in csv.DictReader(io.StringIO(table.read_text("utf-8-sig")), delimiter=";")
        if r["member"] == "woerden"
    ]
    assert row["of_which_opening_balance"] == row["invoiced"] == "1234.56"
    pdf = page_text(_file(english.files, ".pdf").read_bytes())
    assert "Of which opening balance \\(previous bookkeeping\\)" in pdf
    assert "beginbalans" not in pdf.lower()

    # A year without opening balances shows none.
    later = await export(cooperative, ACTOR, tmp_path / "later", year=2023, formats=["pdf"])
    assert "beginbalans" not in page_text(later.files[0].read_bytes()).lower()
