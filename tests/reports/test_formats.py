"""Every format writes the whole report, exactly, and the same bytes for the same report."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from registry.reports.formats.csv import CsvWriter
from registry.reports.formats.pdf import PdfWriter
from registry.reports.formats.registry import WRITERS
from registry.reports.model import (
    ReportHeader,
    Totals,
)
from tests.helpers.pdf import page_text, shown
from tests.helpers.reports import SCOPE, sample_members, write_sample_report


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_same_report_same_bytes(tmp_path: Path, name: str) -> None:
    first = write_sample_report(WRITERS[name], tmp_path / "a")
    second = write_sample_report(WRITERS[name], tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in first)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def _csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    # A byte order mark: Dutch Excel then reads UTF-8 (Coöperatie, ×) instead of Windows-1252.
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n")
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


@pytest.mark.parametrize(("comma", "point"), [(False, "."), (True, ",")])
def test_csv_amounts_are_exact_euros(tmp_path: Path, comma: bool, point: str) -> None:
    paths = write_sample_report(lambda d, s: CsvWriter(d, s, decimal_comma=comma), tmp_path / "out")
    assert [p.name for p in paths] == [
        f"contributie-2026-{section}.csv"
        for section in (
            "contributie",
            "heffingen",
            "kostenverdeling",
            "verrekeningen",
            "gebruik",
            "facturen",
            "totalen",
            "bevindingen",
        )
    ]
    files = {p.name.removeprefix("contributie-2026-").removesuffix(".csv"): _csv(p) for p in paths}

    head, *rows = files["contributie"]
    assert head[0] == "lid"
    assert head[-1] == "bedrag"
    assert [r[0] for r in rows] == ["ams", "utr"]  # wdn has no contribution
    assert rows[0][head.index("tarief")] == f"0{point}412345"
    assert rows[0][head.index("peildatum")] == "2025-01-01"
    assert rows[0][head.index("bedrag")] == f"384016{point}46"
    assert rows[1][head.index("bedrag")] == f"84555{point}05"

    assert files["heffingen"][1][1:] == [
        "Toetredingsvergoeding",
        "toetreding 1 maart 2026",
        f"2500{point}05",
    ]
    head, *rows = files["kostenverdeling"]
    assert rows[0] == [
        "ams",
        "HOST",
        "Hosting & beheer",
        "zaken",
        "naar inwoners",
        f"10000{point}00",
        f"6000{point}01",
        "11 12",
    ]
    assert [r[-1] for r in files["verrekeningen"][1:]] == [f"12{point}34", f"-12{point}34"]
    assert files["gebruik"][1][3:] == [f"1520{point}5", f"760{point}25"]
    head, *rows = files["facturen"]
    assert [r[0] for r in rows] == ["ams", "utr", "wdn"]
    assert rows[1][head.index("openstaand")] == f"0{point}05"
    assert rows[1][head.index("gefactureerd_regels")] == f"89556{point}00"
    assert rows[2][1:] == ["0"] + [f"0{point}00"] * 11

    head, *rows = files["totalen"]
    assert head == ["rubriek", "post", "bedrag", "waarde"]
    assert rows[:7] == [
        ["rapport", "titel", "", "Contributierapport 2026"],
        ["rapport", "jaar", "", "2026"],
        ["rapport", "lid", "", "alle leden"],
        ["rapport", "leden", "", "3"],
        ["rapport", "auditgebeurtenis", "", "418"],
        ["rapport", "audithash", "", "9f" * 32],
        ["rapport", "invoer_sha256", "", "ab" * 32],
    ]
    by_post = {(r[0], r[1]): r for r in rows}
    assert by_post["totaal", "contributies"][2] == f"468571{point}51"
    assert by_post["totaal", "verrekeningen"][2] == f"0{point}00"
    assert by_post["kostenpool", "HOST"][2] == f"10000{point}00"
    outcomes = [(r[2], r[3]) for r in rows if r[0] == "controle"]
    assert outcomes == [
        (f"0{point}00", "klopt"),
        (f"0{point}00", "klopt"),
        (f"0{point}00", "klopt"),
        (f"-0{point}53", "klopt niet"),
    ]
    assert files["bevindingen"] == [
        ["bevinding", "lid", "omschrijving"],
        [
            "Nog niet gefactureerd",
            "utr",
            "Gemeente Utrecht: over het jaar is €\u00a089.556,53 te factureren en staat "
            "€\u00a089.556,00 op factuurregels; €\u00a00,53 is nog niet gefactureerd.",
        ],
    ]


def test_xlsx_sheets_frozen_header_and_euro_format(tmp_path: Path) -> None:
    [path] = write_sample_report(WRITERS["xlsx"], tmp_path / "out")
    assert path.name == "contributie-2026.xlsx"
    with zipfile.ZipFile(path) as xlsx:
        workbook = xlsx.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', workbook)
        assert names == [
            "Rapport",
            "Contributie",
            "Heffingen",
            "Kostenverdeling",
            "Verrekeningen",
            "Gebruik",
            "Facturen",
            "Totalen",
            "Bevindingen",
        ]
        styles = xlsx.read("xl/styles.xml").decode()
        assert 'formatCode="#,##0.00"' in styles
        assert 'formatCode="yyyy-mm-dd"' in styles
        core = xlsx.read("docProps/core.xml").decode()
        assert "2027-01-01T00:00:00Z" in core
        sheets = [xlsx.read(f"xl/worksheets/sheet{n}.xml").decode() for n in range(1, 10)]
    for sheet in sheets:
        assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    rapport, contributie = sheets[0], sheets[1]
    assert "ab" * 32 in rapport
    assert "<v>384016.46</v>" in contributie
    assert "<v>45658</v>" in contributie  # 1 January 2025 as an Excel date serial


def test_pdf_cover_members_summary(tmp_path: Path) -> None:
    [path] = write_sample_report(WRITERS["pdf"], tmp_path / "out")
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"/Title (Contributierapport 2026)" in pdf
    text = page_text(pdf)
    for label in (
        "(Contributierapport 2026)",
        "(Stand bij auditgebeurtenis 418)",
        "9f" * 32,
        "ab" * 32,
        "(Aantal leden)",
        "ams \\227 Gemeente Amsterdam",  # the em dash in WinAnsi
        "(Inwoners)",
        "(931.298)",
        shown("(€ 0,412345)"),
        shown("(€ 384.016,46)"),
        "(HOST Hosting & beheer)",
        shown("(€ -12,34)"),
        "(1.520,5)",
        "(Samenvatting)",
        "(klopt)",
        "(klopt niet)",
        "(Nog niet gefactureerd)",
        "Contributie en aandeel in de kostenpools per lid",
    ):
        assert label in text, label


def test_pdf_chart_groups_the_smallest_members(tmp_path: Path) -> None:
    """Past 30 members the chart shows the 30 biggest by name and one bar for the rest."""
    template = sample_members()[0]
    assert template.contribution is not None
    writer = PdfWriter(tmp_path, "groot")
    writer.begin(ReportHeader(SCOPE, "ab" * 32, 40, "Contributierapport 2026"))
    totals = Totals()
    for n in range(40):
        contribution = replace(template.contribution, amount_cents=100_000 * (n + 1))
        member = replace(template, code=f"m{n:02d}", contribution=contribution)
        totals.add(member)
        writer.member(member)
    [path] = writer.end(totals, [])
    text = page_text(path.read_bytes())
    assert "(overig)" in text
    assert "(m39)" in text
    assert "(m10)" in text
    assert "(m09)" not in text.split("Contributie en aandeel")[1]


def test_json_round_trip_exact(tmp_path: Path) -> None:
    [path] = write_sample_report(WRITERS["json"], tmp_path / "out")
    raw = path.read_text(encoding="utf-8")
    assert raw.endswith("}\n")
    assert "Woerden — ‘t Gilde" in raw  # not escaped
    doc = json.loads(raw)
    assert list(doc) == [
        "scope",
        "inputs_sha256",
        "members",
        "totals",
        "reconciliation",
        "findings",
    ]
    assert doc["scope"] == {
        "as_of_hash": "9f" * 32,
        "as_of_seq": 418,
        "member_code": None,
        "year": 2026,
    }
    assert doc["inputs_sha256"] == "ab" * 32
    assert [m["code"] for m in doc["members"]] == ["ams", "utr", "wdn"]
    ams = doc["members"][0]
    assert ams["contribution"]["amount_cents"] == 38_401_646
    assert ams["contribution"]["rate"] == "0.412345"
    assert ams["contribution"]["reference_date"] == "2025-01-01"
    assert ams["pools"][0]["settlements"] == [
        {"amount_cents": 1234, "booked_on": "2026-06-30", "run_id": 12}
    ]
    assert ams["pools"][0]["run_ids"] == [11, 12]
    assert ams["usage"][0]["quantity"] == "1520.5"
    assert doc["members"][2]["contribution"] is None
    assert doc["totals"]["contributions_cents"] == 46_857_151
    assert doc["totals"]["pool_totals_cents"] == {"HOST": 1_000_000}
    assert doc["totals"]["pools_cents"] == 1_000_000
    assert [(c["code"], c["holds"]) for c in doc["reconciliation"]] == [
        ("pool_shares", True),
        ("settlements_zero_sum", True),
        ("payments", True),
        ("billed", False),
    ]
    assert doc["findings"] == [
        {
            "code": "not_yet_invoiced",
            "detail": "billable 8955653, invoice lines 8955600",
            "left_cents": 8955600,
            "member_code": "utr",
            "member_name": "Gemeente Utrecht",
            "right_cents": 8955653,
        }
    ]
    for member in doc["members"]:
        assert list(member) == sorted(member)
