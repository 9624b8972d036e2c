"""The charts of the member and pool pages in headless Chromium: an SVG drawn on the server
(no script), named by its title and described, one bar per member (or series) and year, the
same amounts in the table under it, readable and inside the page at 375 px, in Dutch and
English, and no axe-core violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from registry.settings import PROJECT_ROOT
from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, full_page_screenshot
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"

BARS = """(figure) => [...figure.querySelectorAll("rect.chart__bar")].map(
  (r) => r.querySelector("title").textContent)"""
TABLE = """(table) => [...table.querySelectorAll("tbody tr")].map(
  (tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent.trim()))"""
HEADINGS = """(table) => [...table.querySelectorAll("thead th")].map((c) => c.textContent.trim())"""
SMALLEST_TEXT = """(svg) => Math.min(...[...svg.querySelectorAll("text")].map(
  (t) => t.getBoundingClientRect().height))"""


@pytest.fixture
async def directie_page(
    start_server: StartServer, page_on: PageOn, members_db_url: str, tmp_path: Path
) -> Page:
    page = await page_on(start_server(dev_settings(members_db_url, reports_dir=tmp_path)))
    await page.goto("/inloggen?volgende=/mijn")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(r"/mijn$"))
    return page


async def _check_chart(page: Page, path: str, name: str, title: str) -> list[list[str]]:
    """The chart on `path` at phone and desktop width; its data table's rows."""
    rows: list[list[str]] = []
    for width in (375, 1280):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.goto(path)
        chart = page.get_by_role("img", name=title)
        await expect(chart).to_be_visible()
        figure = page.locator("figure.chart")
        assert await figure.evaluate("(f) => f.querySelectorAll('script').length") == 0
        description = await chart.evaluate("(svg) => svg.querySelector('desc').textContent")
        assert "€" not in description or "euro" in description.lower()
        table = page.get_by_role("region", name=re.compile(re.escape(title)))
        headings = await table.locator("table").evaluate(HEADINGS)
        rows = await table.locator("table").evaluate(TABLE)
        series = headings[1:]
        assert rows
        bars = await figure.evaluate(BARS)
        # One bar per series and year, each titled with the amount its table cell shows.
        expected = [
            f"{series[s]}, {row[0]}: {row[1 + s]}" for row in rows for s in range(len(series))
        ]
        assert bars == expected
        box = await chart.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
        scroll_width = await page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} scrolls sideways at {width} px"
        assert await chart.evaluate(SMALLEST_TEXT) >= 10, "chart text too small to read"
        await full_page_screenshot(page, SCREENSHOTS / f"grafiek-{name}-{width}.png")
        await figure.screenshot(path=SCREENSHOTS / f"grafiek-{name}-{width}-alleen.png")
        if width == 375:
            assert await axe_violations(page) == []
    return rows


async def test_member_page_chart(directie_page: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    rows = await _check_chart(
        directie_page,
        "/leden/woerden",
        "lid",
        "Contributie en kostenaandelen van Gemeente Woerden per jaar",
    )
    assert all(re.fullmatch(r"\d{4}", row[0]) for row in rows)
    assert all(cell.startswith("€") for row in rows for cell in row[1:])
    english = await _check_chart(
        directie_page,
        "/leden/woerden?lang=en",
        "lid-en",
        "Contribution and cost shares of Gemeente Woerden per year",
    )
    assert len(english) == len(rows)


async def test_pool_page_chart(directie_page: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = directie_page
    await page.goto("/kostenpotten/zaakafhandeling-bouw")
    pool_name = (await page.locator("h1").inner_text()).strip()
    rows = await _check_chart(
        page,
        "/kostenpotten/zaakafhandeling-bouw",
        "kostenpot",
        f"Kostenaandelen in {pool_name} per lid en per jaar",
    )
    # Per member, the chart's yearly amounts add up to what the stored runs list.
    table = page.get_by_role("region", name=re.compile("De bedragen van de grafiek"))
    series = (await table.locator("table").evaluate(HEADINGS))[1:]
    charted = {name: sum(_cents(row[1 + s]) for row in rows) for s, name in enumerate(series)}
    listed: dict[str, int] = {}
    for item in await page.locator("h3[id^=run-] + p + ul li").all_inner_texts():
        name, amount = item.rsplit(": ", 1)
        listed[name] = listed.get(name, 0) + _cents(amount)
    assert listed
    assert charted == listed


def _cents(euro: str) -> int:
    """ "€ 1.234,56" or "€ -0,50" as cents."""
    digits = euro.replace("€", "").replace("\xa0", "").replace(" ", "").replace(".", "")
    whole, _, rest = digits.partition(",")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int(rest or 0))
