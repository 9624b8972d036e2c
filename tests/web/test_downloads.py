"""Every list with a download gives, as CSV and as XLSX, exactly the rows the page's table
shows: same filters, same order, the page's headings in the page language, labels instead of
codes, amounts in euros as numbers. Read back with the csv module and openpyxl and compared
cell by cell with the table in the page's HTML."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from litestar.testing import AsyncTestClient
from lxml import html as lxml_html

from tests.helpers.pages import log_in_as


@pytest.fixture
def client(members_client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    return members_client


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def page_table(page_html: str, labelledby: str) -> tuple[list[str], list[list[str]]]:
    """The headings and the rows (as shown) of the table labelled by `labelledby`."""
    page = lxml_html.fromstring(page_html)
    (table,) = page.xpath(f'//div[@aria-labelledby="{labelledby}"]//table')
    headings = [_text(th) for th in table.xpath("./thead//th")]
    rows = [[_text(cell) for cell in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]
    return headings, rows


def download_link(page_html: str, labelledby: str, extension: str) -> str:
    page = lxml_html.fromstring(page_html)
    (paragraph,) = page.xpath(f'//p[@id="{labelledby}-downloads"]')
    (href,) = [h for h in paragraph.xpath(".//a/@href") if f".{extension}" in h]
    return str(href)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Dutch Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]], str | None]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [str(v) for v in values[0]], values[1:], sheet.auto_filter.ref


def euro_nl(value: Any) -> str:
    """An amount read from a file, as the Dutch page writes it (€ 1.234,56)."""
    cents = int((Decimal(str(value).replace(",", ".")) * 100).to_integral_value())
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"€ {sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def euro_en(value: Any) -> str:
    cents = int((Decimal(str(value)) * 100).to_integral_value())
    sign = "-" if cents < 0 else ""
    return f"{sign}€{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def date_nl(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


async def _get(client: AsyncTestClient[Any], path: str) -> bytes:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return response.content


# -- The catalogue -----------------------------------------------------------------------------


def _catalogue_shown(row: list[Any]) -> list[str]:
    """A downloaded catalogue row as the page's cells read: the users as one sentence."""
    members, inhabitants = int(row[5]), int(row[6])
    return [str(v) for v in row[:5]] + [
        f"{members} {'lid gebruikt het' if members == 1 else 'leden gebruiken het'}, voor "
        + f"{inhabitants:,}".replace(",", ".")
        + (" inwoner" if inhabitants == 1 else " inwoners")
        if members
        else "Nog geen leden"
    ]


@pytest.mark.parametrize(
    "query", ["", "?sorteer=gebruikers", "?status=production&sorteer=inwoners"]
)
async def test_catalogue_downloads_are_the_page(client: AsyncTestClient[Any], query: str) -> None:
    page = (await client.get(f"/{query}")).text
    headings, rows = page_table(page, "resultaten")
    assert rows
    csv_href = download_link(page, "resultaten", "csv")
    assert csv_href == f"/catalogus.csv{query}"
    csv_rows = read_csv(await _get(client, csv_href))
    # The page's columns; "In gebruik bij" as two numbers a spreadsheet can sort and add.
    assert csv_rows[0][:5] == headings[:5]
    assert headings[5] == "In gebruik bij"
    assert csv_rows[0] == [
        "Naam",
        "Beschrijving",
        "Status",
        "Licentie",
        "Trekker",
        "Leden",
        "Inwoners",
    ]
    # Same applications in the same order, same texts; the page shortens long descriptions.
    assert [r[0] for r in csv_rows[1:]] == [r[0] for r in rows]
    for shown, downloaded in zip(rows, csv_rows[1:], strict=True):
        expected = _catalogue_shown(downloaded)
        assert shown[2:] == expected[2:]
        assert downloaded[1].startswith(shown[1].removesuffix("...").rstrip())
    xlsx_headings, xlsx_rows, autofilter = read_xlsx(
        await _get(client, download_link(page, "resultaten", "xlsx"))
    )
    assert xlsx_headings == csv_rows[0]
    assert autofilter == f"A1:G{len(rows) + 1}"
    assert [[str(v) for v in r] for r in xlsx_rows] == csv_rows[1:]
    assert all(isinstance(r[5], int) and isinstance(r[6], int) for r in xlsx_rows)


async def test_catalogue_download_in_english_has_english_headings_and_labels(
    client: AsyncTestClient[Any],
) -> None:
    page = (await client.get("/?lang=en")).text
    _, rows = page_table(page, "resultaten")
    csv_rows = read_csv(await _get(client, download_link(page, "resultaten", "csv")))
    assert csv_rows[0] == [
        "Name",
        "Description",
        "Status",
        "Licence",
        "Lead member",
        "Members",
        "Inhabitants",
    ]
    assert [r[2] for r in csv_rows[1:]] == [r[2] for r in rows]
    assert "Production" in {r[2] for r in csv_rows[1:]}


# -- Invoices ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_invoice_downloads_are_the_page(client: AsyncTestClient[Any], language: str) -> None:
    await log_in_as(client, "dirk-directie")
    page = (await client.get(f"/facturen?status=all&lang={language}")).text
    headings, rows = page_table(page, "uitgegeven")
    assert len(rows) > 1
    href = download_link(page, "uitgegeven", "csv")
    assert href == f"/facturen.csv?status=all&lang={language}"
    csv_rows = read_csv(await _get(client, href))
    assert csv_rows[0] == headings
    euro = euro_nl if language == "nl" else euro_en
    shown = []
    for row in csv_rows[1:]:
        due = date.fromisoformat(row[3])
        when = due.strftime("%d-%m-%Y") if language == "nl" else due.strftime("%d/%m/%Y")
        shown.append([row[0], row[1], row[2], when, euro(row[4]), euro(row[5]), row[6]])
    assert [[r[0], r[1], r[2], r[4], r[5], r[6]] for r in shown] == [
        [r[0], r[1], r[2], r[4], r[5], r[6]] for r in rows
    ]
    if language == "nl":
        assert re.fullmatch(r"\d+,\d\d", csv_rows[1][4])  # a decimal comma for Dutch Excel
    else:
        assert re.fullmatch(r"\d+\.\d\d", csv_rows[1][4])
    xlsx_headings, xlsx_rows, autofilter = read_xlsx(
        await _get(client, download_link(page, "uitgegeven", "xlsx"))
    )
    assert xlsx_headings == headings
    assert autofilter == f"A1:G{len(rows) + 1}"
    assert [[r[0], euro(r[4]), euro(r[5])] for r in xlsx_rows] == [[r[0], r[4], r[5]] for r in rows]
    assert all(isinstance(r[4], int | float) for r in xlsx_rows)  # numbers, not text
    assert [date_nl(r[3]).isoformat() for r in xlsx_rows] == [r[3] for r in csv_rows[1:]]


async def test_invoice_download_keeps_the_page_filter(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    page = (await client.get("/facturen?status=paid")).text
    _, rows = page_table(page, "uitgegeven")
    csv_rows = read_csv(await _get(client, download_link(page, "uitgegeven", "csv")))
    assert [r[0] for r in csv_rows[1:]] == [r[0] for r in rows]
    assert {r[6] for r in csv_rows[1:]} == {"Betaald"}
    everything = read_csv(await _get(client, "/facturen.csv?status=all"))
    assert len(everything) > len(csv_rows)


async def test_invoice_download_is_for_the_pages_audience(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/facturen.csv", follow_redirects=False)
    assert response.status_code == 303  # to the login page, as the page itself
    await log_in_as(client, "wim-woerden")
    assert (await client.get("/facturen.xlsx")).status_code == 403


# -- Usage ---------------------------------------------------------------------------------


async def test_usage_downloads_are_the_page(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    page = (await client.get("/leden/woerden/gebruik")).text
    headings, rows = page_table(page, "gebruik")
    assert rows
    href = download_link(page, "gebruik", "csv")
    assert href == "/leden/woerden/gebruik.csv"
    csv_rows = read_csv(await _get(client, href))
    assert csv_rows[0] == headings
    assert [[r[0], r[1], r[2], r[4]] for r in csv_rows[1:]] == [
        [r[0], r[1], r[2], r[4]] for r in rows
    ]
    assert [Decimal(r[3].replace(",", ".")) for r in csv_rows[1:]] == [
        Decimal(r[3].replace(".", "").replace(",", ".")) for r in rows
    ]
    _, xlsx_rows, _ = read_xlsx(await _get(client, download_link(page, "gebruik", "xlsx")))
    assert [r[0] for r in xlsx_rows] == [r[0] for r in rows]
    # Another member's usage is not Woerden's admin's to download.
    assert (await client.get("/leden/eindhoven/gebruik.csv")).status_code == 403


# -- Cost shares on the pool page ----------------------------------------------------------------


async def test_pool_share_downloads_are_the_runs_the_page_lists(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    page_html = (await client.get("/kostenpotten/zaakafhandeling-bouw")).text
    page = lxml_html.fromstring(page_html)
    shown = []
    for heading in page.xpath('//h3[starts-with(@id, "run-")]'):
        sequence = heading.get("id").removeprefix("run-")
        for item in heading.xpath("following-sibling::ul[1]/li"):
            name, amount = _text(item).rsplit(": ", 1)
            shown.append([sequence, name, amount])
    assert shown, "the demo pool has stored runs"
    href = download_link(page_html, "runs", "csv")
    assert href == "/kostenpotten/zaakafhandeling-bouw/aandelen.csv"
    csv_rows = read_csv(await _get(client, href))
    assert csv_rows[0] == ["Run", "Soort", "Datum", "Lid", "Bedrag"]
    assert [[r[0], r[3], euro_nl(r[4])] for r in csv_rows[1:]] == shown
    _, xlsx_rows, autofilter = read_xlsx(
        await _get(client, download_link(page_html, "runs", "xlsx"))
    )
    assert autofilter == f"A1:E{len(shown) + 1}"
    assert [[str(r[0]), r[3], euro_nl(r[4])] for r in xlsx_rows] == shown
    assert (await client.get("/kostenpotten/bestaat-niet/aandelen.csv")).status_code == 404


# -- The member list -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?zoek=gemeente"])
async def test_member_list_downloads_are_the_page(client: AsyncTestClient[Any], query: str) -> None:
    await log_in_as(client, "dirk-directie")
    page = (await client.get(f"/leden{query}")).text
    labelledby = "tabel-members-list-1-titel"
    headings, rows = page_table(page, labelledby)
    assert rows
    href = download_link(page, labelledby, "csv")
    assert href == f"/leden.csv{query}"
    csv_rows = read_csv(await _get(client, href))
    assert csv_rows[0] == headings
    assert [r[:4] for r in csv_rows[1:]] == [r[:4] for r in rows]
    inhabitants = [f"{int(r[5]):,}".replace(",", ".") if r[5] else "Onbekend" for r in csv_rows[1:]]
    assert inhabitants == [r[5] for r in rows]
    _, xlsx_rows, _ = read_xlsx(await _get(client, download_link(page, labelledby, "xlsx")))
    assert [r[0] for r in xlsx_rows] == [r[0] for r in rows]
    assert (
        (await client.get(f"/leden.csv{query}&lang=en" if query else "/leden.csv?lang=en"))
        .content.decode("utf-8-sig")
        .startswith("Name;")
    )


async def test_public_member_list_downloads_are_the_page(client: AsyncTestClient[Any]) -> None:
    page = (await client.get("/leden-overzicht")).text
    labelledby = "tabel-public-members-titel"
    headings, rows = page_table(page, labelledby)
    assert rows
    csv_rows = read_csv(await _get(client, download_link(page, labelledby, "csv")))
    assert csv_rows[0][:3] == headings[:3]
    assert csv_rows[0][3:] == ["Inwoners", "Peildatum", "Gebruikt in productie"]
    assert [r[:3] for r in csv_rows[1:]] == [r[:3] for r in rows]
    # The page writes "52.299 (1 januari 2026)"; the file the number and the date apart.
    assert [f"{int(r[3]):,}".replace(",", ".") if r[3] else "Onbekend" for r in csv_rows[1:]] == [
        r[3].split(" (")[0] for r in rows
    ]
    for downloaded, shown in zip(csv_rows[1:], rows, strict=True):
        for name in downloaded[5].split(", "):
            assert name in shown[4]
    _, xlsx_rows, autofilter = read_xlsx(
        await _get(client, download_link(page, labelledby, "xlsx"))
    )
    assert autofilter == f"A1:F{len(rows) + 1}"
    assert [r[0] for r in xlsx_rows] == [r[0] for r in rows]
