"""The report files read back as people open them: no text of one PDF cell over another,
CSV that Dutch Excel reads as UTF-8, XLSX sheets with filters, labels instead of codes, and
the same files in English when asked."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import openpyxl
import pdfplumber

from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.pdf import PdfWriter
from registry.reports.formats.tables import SECTIONS
from registry.reports.formats.xlsx import XlsxWriter
from registry.reports.labels import FindingCode
from registry.reports.model import Charge, Finding, ReportHeader, Totals
from tests.reports.test_formats import SCOPE, members, write

CODES = ("not_yet_invoiced", "entry_fee", "exit_charge", "january_first", "cases_handled")


def _overlaps(path: Path) -> list[tuple[int, str, str]]:
    """Characters on a page whose boxes intersect (text printed over other text), and
    characters outside the page's margins (a cell's text run out of its table)."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = sorted(
                (c for c in page.chars if c["text"].strip()), key=lambda c: (c["top"], c["x0"])
            )
            margin = 20 * 72 / 25.4 - 1  # 20 mm
            found += [
                (number, c["text"], "outside the margins")
                for c in chars
                if c["x0"] < margin or c["x1"] > page.width - margin
            ]
            for i, a in enumerate(chars):
                for b in chars[i + 1 :]:
                    if b["top"] >= a["bottom"]:
                        break
                    width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if width > 0.3 * min(a["width"], b["width"]) and height > 0.3 * min(
                        a["height"], b["height"]
                    ):
                        found.append((number, a["text"], b["text"]))
    return found


def _findings_of_every_kind() -> list[Finding]:
    return [
        Finding(code.value, "utr" if "invoiced" in code else None, "", 8_955_600, 8_955_653, name)
        for code, name in (
            (
                FindingCode.NOT_YET_INVOICED,
                "Gemeenschappelijke regeling Boxtel en Sint-Michielsgestel",
            ),
            (FindingCode.OVER_INVOICED, "Gemeente Utrecht"),
            (FindingCode.POOL_SHARES, None),
            (FindingCode.SETTLEMENTS_ZERO_SUM, None),
            (FindingCode.PAYMENTS, None),
        )
    ]


def test_findings_of_every_kind_stay_in_their_columns(tmp_path: Path) -> None:
    for language in ("nl", "en"):
        directory = tmp_path / language
        directory.mkdir()
        writer = PdfWriter(directory, "bevindingen", language=language)
        writer.begin(ReportHeader(SCOPE, "ab" * 32, 0, "Contributierapport 2026"))
        [path] = writer.end(Totals(), _findings_of_every_kind())
        assert _overlaps(path) == [], language
        with pdfplumber.open(path) as pdf:
            text = " ".join(" ".join((page.extract_text() or "") for page in pdf.pages).split())
        if language == "nl":
            assert "Te veel gefactureerd" in text
            assert "€ 0,53 te veel gefactureerd" in text
        else:
            assert "Invoiced too much" in text
            assert "€0.53 has been invoiced too much" in text


def test_no_text_of_the_pdf_runs_over_other_text(tmp_path: Path) -> None:
    [path] = write(PdfWriter, tmp_path / "out")
    assert _overlaps(path) == []
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Nog niet gefactureerd" in text
    assert "0,53 is nog niet gefactureerd" in " ".join(text.split())
    for code in CODES:
        assert code not in text, code


def test_a_long_charge_basis_wraps_inside_its_column(tmp_path: Path) -> None:
    """An exit charge's basis is a long text; it used to run over the amount beside it."""
    basis = (
        "opzegging 2026-07-19: 52.299 inwoners × € 0,35 tarief 2026, gemaximeerd op één "
        "jaar contributie volgens het ALV-besluit van 12 december 2025"
    )
    report = members()[1]
    long = replace(report, charges=(Charge("exit_charge", 99_999, basis),))
    directory = tmp_path / "out"
    directory.mkdir()
    writer = PdfWriter(directory, "lang")
    writer.begin(ReportHeader(SCOPE, "ab" * 32, 1, "Contributierapport 2026"))
    totals = Totals()
    totals.add(long)
    writer.member(long)
    [path] = writer.end(totals, [])
    assert _overlaps(path) == []


def _rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    text = raw.decode("utf-8-sig")
    return list(csv.reader(text.splitlines(), delimiter=";"))


def test_csv_is_utf8_with_bom_and_shows_labels(tmp_path: Path) -> None:
    paths = write(CsvWriter, tmp_path / "out")
    files = {p.name.removeprefix("contributie-2026-").removesuffix(".csv"): p for p in paths}
    charges = {r[0]: r[1] for r in _rows(files["heffingen"])[1:]}
    assert charges == {"ams": "Toetredingsvergoeding", "utr": "Uittredingsvergoeding"}
    contribution = _rows(files["contributie"])
    assert contribution[1][contribution[0].index("grondslag")] == "1 januari van het jaar"
    usage = _rows(files["gebruik"])
    assert usage[1][2] == "Afgehandelde zaken"
    for path in paths:
        text = path.read_bytes().decode("utf-8-sig")
        for code in CODES:
            assert code not in text, (path.name, code)


def test_csv_in_english(tmp_path: Path) -> None:
    paths = write(lambda d, s: CsvWriter(d, s, language="en"), tmp_path / "out")
    files = {p.name.removeprefix("contributie-2026-").removesuffix(".csv"): p for p in paths}
    findings = _rows(files["bevindingen"])
    assert findings[1][0] == "Not yet invoiced"
    assert findings[1][2] == (
        "Gemeente Utrecht: €89,556.53 is billable for the year and €89,556.00 is on invoice "
        "lines; €0.53 has not been invoiced yet."
    )
    assert _rows(files["gebruik"])[1][2] == "Cases handled"
    totals = _rows(files["totalen"])
    assert [r[3] for r in totals if r[0] == "controle"][-1:] == ["does not hold"]


def test_xlsx_sheets_have_autofilters_on_their_header_rows(tmp_path: Path) -> None:
    [path] = write(XlsxWriter, tmp_path / "out")
    book = openpyxl.load_workbook(path)
    for section in SECTIONS:
        sheet = book[section.title]
        assert sheet.auto_filter.ref is not None, section.title
        first, last = sheet.auto_filter.ref.split(":")
        assert first == "A1", section.title
        assert last == f"{sheet.cell(1, len(section.columns)).column_letter}{sheet.max_row}"
        assert [c.value for c in sheet[1]] == [c.name for c in section.columns]
    findings = book["Bevindingen"]
    assert findings.cell(2, 1).value == "Nog niet gefactureerd"
    assert "nog niet gefactureerd" in str(findings.cell(2, 3).value)
