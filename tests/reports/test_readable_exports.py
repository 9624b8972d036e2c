"""The report files read back as people open them: no text of one PDF cell over another,
CSV that Dutch Excel reads as UTF-8, XLSX sheets with filters, labels instead of codes, and
the same files in English when asked."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from registry.kit.language import Language
from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.pdf import PdfWriter
from registry.reports.formats.tables import SECTIONS
from registry.reports.formats.xlsx import XlsxWriter
from registry.reports.labels import FindingCode
from registry.reports.model import Charge, Finding, ReportHeader, Totals
from tests.helpers.reports import SCOPE, sample_members, write_sample_report

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
    [path] = write_sample_report(PdfWriter, tmp_path / "out")
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
    report = sample_members()[1]
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
    paths = write_sample_report(CsvWriter, tmp_path / "out")
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
    paths = write_sample_report(lambda d, s: CsvWriter(d, s, language="en"), tmp_path / "out")
    files = {p.name.removeprefix("contributie-2026-").removesuffix(".csv"): p for p in paths}
    findings = _rows(files["bevindingen"])
    assert findings[1][0] == "Not yet invoiced"
    assert findings[1][2] == (
        "Gemeente Utrecht: €89,556.53 is billable for the year and €89,556.00 is on invoice "
        "lines; €0.53 has not been invoiced yet."
    )
    assert _rows(files["gebruik"])[1][2] == "Cases handled"
    totals = _rows(files["totalen"])
    assert [r[3] for r in totals if r[0] == "check"][-1:] == ["does not hold"]


def test_xlsx_sheets_have_autofilters_on_their_header_rows(tmp_path: Path) -> None:
    [path] = write_sample_report(XlsxWriter, tmp_path / "out")
    book = openpyxl.load_workbook(path)
    for section in SECTIONS:
        sheet = book[section.title.nl]
        assert sheet.auto_filter.ref is not None, section.title
        first, last = sheet.auto_filter.ref.split(":")
        assert first == "A1", section.title
        assert last == f"{sheet.cell(1, len(section.columns)).column_letter}{sheet.max_row}"
        assert [c.value for c in sheet[1]] == [c.name for c in section.columns]
    findings = book["Bevindingen"]
    assert findings.cell(2, 1).value == "Nog niet gefactureerd"
    assert "nog niet gefactureerd" in str(findings.cell(2, 3).value)


# Words that give away the other language in a heading, a sheet name or a fixed label.
_DUTCH = re.compile(
    r"\b(lid|leden|naam|bedrag|inwoners|grondslag|besluit|dagen|soort|aandeel|geboekt|metriek"
    r"|hoeveelheid|gefactureerd|betaald|openstaand|totaal|totalen|controle|bevinding|rapport"
    r"|contributie|heffingen|verrekeningen|gebruik|facturen|jaar|pagina|stand|omschrijving"
    r"|peildatum|tarief|sleutel|uitkomst|links|rechts|waarde|gegeven|samenvatting|overig)\b",
    re.IGNORECASE,
)
_ENGLISH = re.compile(
    r"\b(member|members|name|amount|inhabitants|basis|decision|days|kind|share|booked|metric"
    r"|quantity|invoiced|paid|outstanding|total|totals|check|finding|report|contribution"
    r"|charges|settlements|usage|invoices|year|page|description|rate|key|outcome|left|right"
    r"|value|item|summary|other)\b",
    re.IGNORECASE,
)


def _csv_fixed_texts(paths: list[Path]) -> dict[str, list[str]]:
    """Per file: its header row, and of the totals file the first two columns (rubric and
    item) except the cost pools' and checks' own names."""
    texts = {}
    for path in paths:
        rows = _rows(path)
        fixed = list(rows[0])
        if path.name.endswith("totalen.csv"):
            fixed += [r[0] for r in rows[1:]]
            fixed += [r[1] for r in rows[1:] if r[0] in ("rapport", "totaal", "report", "total")]
        texts[path.name] = fixed
    return texts


@pytest.mark.parametrize(("language", "other"), [("nl", _ENGLISH), ("en", _DUTCH)])
def test_csv_headings_are_in_the_chosen_language(
    tmp_path: Path, language: Language, other: re.Pattern[str]
) -> None:
    paths = write_sample_report(lambda d, s: CsvWriter(d, s, language=language), tmp_path / "out")
    texts = _csv_fixed_texts(paths)
    for name, fixed in texts.items():
        wrong = [t for t in fixed if other.search(t.replace("_", " "))]
        assert wrong == [], (name, wrong)
    heffingen = texts["contributie-2026-heffingen.csv"]
    assert heffingen[:4] == (
        ["lid", "soort", "grondslag", "bedrag"]
        if language == "nl"
        else ["member", "kind", "basis", "amount"]
    )
    totals = _rows(paths[-2])
    title = "Contributierapport 2026" if language == "nl" else "Contribution report 2026"
    assert totals[1][3] == title


@pytest.mark.parametrize(("language", "other"), [("nl", _ENGLISH), ("en", _DUTCH)])
def test_xlsx_sheet_names_and_headings_are_in_the_chosen_language(
    tmp_path: Path, language: Language, other: re.Pattern[str]
) -> None:
    [path] = write_sample_report(lambda d, s: XlsxWriter(d, s, language=language), tmp_path / "out")
    book = openpyxl.load_workbook(path)
    expected = ["Rapport" if language == "nl" else "Report"]
    expected += [section.title.text(language) for section in SECTIONS]
    assert book.sheetnames == expected
    for sheet in book.worksheets:
        assert other.search(sheet.title) is None, sheet.title
        headings = [str(c.value) for c in sheet[1]]
        wrong = [h for h in headings if other.search(h.replace("_", " "))]
        assert wrong == [], (sheet.title, wrong)
    cover = book.worksheets[0]
    assert [str(c.value) for c in cover["A"]][:4] == (
        ["gegeven", "titel", "jaar", "lid"]
        if language == "nl"
        else ["item", "title", "year", "member"]
    )
    assert cover["B3"].value == 2026
    assert book.properties.title == (
        "Contributierapport 2026" if language == "nl" else "Contribution report 2026"
    )


def _pdf_words(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_pdf_in_english_has_english_headings_and_amounts(tmp_path: Path) -> None:
    [path] = write_sample_report(lambda d, s: PdfWriter(d, s, language="en"), tmp_path / "out")
    text = _pdf_words(path)
    for heading in (
        "Contribution report 2026",
        "As at audit event 418",
        "Inhabitants",
        "Reference date",
        "Invoices and payments",
        "Summary",
        "Checks",
        "Findings",
        "Contribution and cost pool share per member",
        "page 1",
        "Cost pool shares",
    ):
        assert heading in text, heading
    # Only the data's own Dutch (the decision's reference) may be Dutch.
    dutch = [line for line in text.splitlines() if _DUTCH.search(line)]
    assert set(dutch) == {"Decision ALV 2025-11 besluit 4"}
    with pdfplumber.open(path) as pdf:
        assert pdf.doc.catalog["Lang"].decode() == "en-GB"


def test_pdf_in_dutch_has_no_english_headings(tmp_path: Path) -> None:
    [path] = write_sample_report(PdfWriter, tmp_path / "out")
    text = _pdf_words(path)
    for heading in ("Contributierapport 2026", "Stand bij auditgebeurtenis 418", "Samenvatting"):
        assert heading in text, heading
    for word in ("Summary", "Findings", "Contribution", "Invoices", "Amount", "page "):
        assert word not in text, word
    with pdfplumber.open(path) as pdf:
        assert pdf.doc.catalog["Lang"].decode() == "nl-NL"
