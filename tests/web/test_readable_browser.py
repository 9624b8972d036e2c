"""Every main page at desktop (1280 px) and phone (375 px) width in headless Chromium.

At both widths the page itself never scrolls sideways (a wide table scrolls inside its own
labelled box), the header, the menu, the content and the footer start on one line, every
amount and figure in a table stays on one line and right-aligned, and a screenshot is kept
in var/screenshots/ (git-ignored: test artefacts, not committed). At phone width axe-core
finds no accessibility violation, on the main pages and on every other page type (forms,
public pages, login, 403, 404).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

import registry.labels  # noqa: F401  (declares every domain's labels)
from registry.kit.labels import labelled
from registry.settings import PROJECT_ROOT
from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, full_page_screenshot
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
WIDTHS = (1280, 375)

# The cells whose text must never wrap: amounts, counts, rates, days.
FIGURES = (
    ".utrecht-table__cell--numeric-data, .utrecht-table__cell--numeric-column,"
    " .utrecht-table__header-cell--numeric-column, .amount"
)

# For every cell: how many distinct lines its figure occupies (tops of its line boxes).
LINES_PER_CELL = """(selector) => [...document.querySelectorAll(selector)]
  .filter((cell) => cell.textContent.trim() !== "")
  .map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    // A breakdown under the figure (a sum of municipalities) is a note of its own.
    const note = cell.querySelector(".figure-breakdown");
    if (note) range.setEndBefore(note);
    const tops = new Set([...range.getClientRects()]
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => Math.round(r.top)));
    const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
    return {
      text: cell.textContent.trim(),
      lines: tops.size,
      height: range.getBoundingClientRect().height,
      lineHeight: lineHeight,
    };
  })"""

# The left edges of the header's name, the menu, the page's heading and the footer: one line.
EDGES = """() => Object.fromEntries([
  ["header", ".site-header__name"],
  ["menu", ".site-menu"],
  ["content", "main h1"],
  ["footer", ".site-footer__section"],
].map(([part, selector]) => [
  part, Math.round(document.querySelector(selector).getBoundingClientRect().left),
]))"""


# The cells of numeric columns (amounts, counts: a numeric heading or cell) that are not
# right-aligned, as "heading: text".
NOT_RIGHT_ALIGNED = """() => [...document.querySelectorAll("table")].flatMap((table) => {
  const numeric = (cell) => [
    "utrecht-table__header-cell--numeric-column", "utrecht-table__cell--numeric-column",
  ].some((name) => cell.classList.contains(name));
  const headings = [...table.querySelectorAll("thead tr:last-child > *")];
  const columns = headings.flatMap((heading, i) => numeric(heading) ? [i] : []);
  const cells = [...table.querySelectorAll("tbody tr, tfoot tr")].flatMap((row) =>
    row.children.length === headings.length ? columns.map((i) => row.children[i]) : []);
  return [...new Set([...cells, ...table.querySelectorAll("td, th")].filter(
    (cell) => numeric(cell) || cells.includes(cell)))]
    .filter((cell) => !["right", "end"].includes(getComputedStyle(cell).textAlign))
    .map((cell) => `${headings[cell.cellIndex]?.textContent.trim()}: ${cell.textContent.trim()}`);
})"""


async def _first_link(page: Page, path: str, pattern: str) -> str:
    await page.goto(path)
    href = await page.locator("main a[href]").evaluate_all(
        "(links, pattern) => links.map((a) => a.getAttribute('href'))"
        ".filter((h) => new RegExp(pattern).test(h))",
        pattern,
    )
    assert href, f"no link matching {pattern} on {path}"
    return str(href[0])


@pytest.fixture
async def directie_page(
    start_server: StartServer, page_on: PageOn, members_db_url: str, tmp_path: Path
) -> Page:
    page = await page_on(start_server(dev_settings(members_db_url, reports_dir=tmp_path)))
    await page.goto("/inloggen?volgende=/mijn")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(r"/mijn$"))
    return page


async def _pages(page: Page) -> dict[str, str]:
    return {
        "catalogus": "/",
        "applicatie": await _first_link(page, "/", r"^/applicaties/"),
        "leden": "/leden",
        "lid": "/leden/woerden",
        "gebruik": "/leden/woerden/gebruik",
        "kosten-lid": "/leden/woerden/kosten",
        "kostenpotten": "/kostenpotten",
        "kostenpot": "/kostenpotten/zaakafhandeling-bouw",
        "contributie": "/contributie",
        "contributiejaar": await _first_link(page, "/contributie", r"^/contributie/\d{4}$"),
        "facturen": "/facturen?status=paid",
        "facturen-lid": "/leden/woerden/facturen",
        "factuur": await _first_link(page, "/leden/woerden/facturen", r"^/facturen/\d+$"),
        "rapporten": "/rapporten",
    }


def _internal_codes() -> set[str]:
    """Enum values that read as codes ("own_staff", "latest_published") and never as words."""
    return {
        member.value
        for enum in labelled()
        for member in enum
        if isinstance(member.value, str) and "_" in member.value
    }


async def test_every_page_fits_and_keeps_figures_on_one_line(directie_page: Page) -> None:
    page = directie_page
    pages = await _pages(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    codes = _internal_codes()
    assert {"own_staff", "latest_published", "cases_handled", "bank_transfer"} <= codes
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    checked_cells = footers = 0
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = await page.goto(path)
            assert response is not None, (name, path)
            assert response.status == 200, (name, path)
            await full_page_screenshot(page, SCREENSHOTS / f"{name}-{width}.png")
            scroll_width, inner_width = await page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll_width <= inner_width, f"{path} scrolls sideways at {width} px"
            edges = await page.evaluate(EDGES)
            assert len(set(edges.values())) == 1, f"{path} at {width} px: edges {edges}"
            cells = await page.evaluate(LINES_PER_CELL, FIGURES)
            wrapped = [
                cell
                for cell in cells
                if cell["lines"] != 1 or cell["height"] > 1.5 * cell["lineHeight"]
            ]
            assert not wrapped, f"{path} at {width} px wraps {wrapped}"
            assert await page.evaluate(NOT_RIGHT_ALIGNED) == [], f"{path}: figures not aligned"
            checked_cells += len(cells)
            totals = await page.eval_on_selector_all(
                "tfoot th, tfoot td", "(cells) => cells.map((c) => getComputedStyle(c).fontWeight)"
            )
            assert all(int(weight) >= 700 for weight in totals), f"{path}: totals not bold"
            footers += len(totals)
            text = await page.locator("main").inner_text()
            shown = sorted(code for code in codes if code in text)
            assert shown == [], f"{path} shows internal codes"
    assert checked_cells > 100  # the demo's tables are really there
    assert footers > 0  # and their totals rows
    assert missing == []  # the favicon too


async def test_the_invoice_number_date_and_total_stay_whole_on_a_phone(
    directie_page: Page,
) -> None:
    page = directie_page
    await page.set_viewport_size({"width": 375, "height": 800})
    await page.goto("/facturen?status=paid")
    number = page.locator("main table tbody th a").first
    await expect(number).to_have_text(re.compile(r"^\d{4}-\d{6}$"))
    box = await number.bounding_box()
    line = await number.evaluate("(a) => parseFloat(getComputedStyle(a).lineHeight)")
    assert box is not None
    assert box["height"] <= 1.5 * line
    region = page.get_by_role("region", name="Uitgegeven facturen")
    await expect(region).to_have_attribute("tabindex", "0")
    overflow = await region.evaluate("(r) => r.scrollWidth > r.clientWidth")
    assert overflow, "the table should scroll inside its own box at 375 px"


async def test_axe_finds_no_violation_at_phone_width(directie_page: Page) -> None:
    page = directie_page
    pages = await _pages(page)
    await page.set_viewport_size({"width": 375, "height": 800})
    found: dict[str, list[str]] = {}
    for path in pages.values():
        await page.goto(path)
        if violations := await axe_violations(page):
            found[path] = violations
    assert found == {}


# The page types that are not in `_pages`: forms, lists of the directie, the public pages, the
# login page and an error page. Each at both widths: a screenshot, no sideways scroll, and
# axe-core at phone width.
OTHER_PAGES = {
    "mijn": ("/mijn", 200),
    "voorstellen": ("/voorstellen", 200),
    "geweigerd": ("/rollen", 403),  # only the registry admin manages roles
    "toelatingen": ("/toelatingen", 200),
    "besluiten": ("/besluiten", 200),
    "tarieven": ("/tarieven", 200),
    "kostenpot-nieuw": ("/kostenpotten/nieuw", 200),
    "contracten": ("/contracten", 200),
    "begroting": ("/begroting", 200),
    "directie": ("/directie", 200),
    "berichten": ("/berichten", 200),
    "bank": ("/bank", 200),
    "bank-wachtrij": ("/bank/wachtrij", 200),
    "boekjaren": ("/boekjaren", 200),
    "publiccode": ("/publiccode/controleren", 200),
    "publiccode-importeren": ("/publiccode/importeren", 200),
    "standaarden": ("/standaarden", 200),
    "applicatie-beheer": ("/applicaties/zaakafhandeling/beheer", 200),
    "over": ("/over", 200),
    "privacy": ("/privacy", 200),
    "toegankelijkheid": ("/toegankelijkheid", 200),
    "leden-overzicht": ("/leden-overzicht", 200),
    "niet-gevonden": ("/bestaat-niet", 404),
    "about-en": ("/over?lang=en", 200),
}


async def _fits_and_passes_axe(page: Page, name: str, path: str, status: int) -> list[str]:
    problems: list[str] = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        response = await page.goto(path)
        assert response is not None, path
        assert response.status == status, (path, response.status)
        await full_page_screenshot(page, SCREENSHOTS / f"{name}-{width}.png")
        scroll_width, inner_width = await page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems.append(f"{path} scrolls sideways at {width} px")
        if len(set((edges := await page.evaluate(EDGES)).values())) != 1:
            problems.append(f"{path} at {width} px: edges {edges}")
        problems += [f"{path}: {c} not aligned" for c in await page.evaluate(NOT_RIGHT_ALIGNED)]
        if width == 375:
            problems += [f"{path}: {v}" for v in await axe_violations(page)]
    return problems


async def test_every_other_page_type_fits_a_phone_and_passes_axe(
    directie_page: Page, page_on: PageOn, start_server: StartServer, members_db_url: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for name, (path, status) in OTHER_PAGES.items():
        problems += await _fits_and_passes_axe(directie_page, name, path, status)
    anonymous = await page_on(start_server(dev_settings(members_db_url)))
    problems += await _fits_and_passes_axe(anonymous, "inloggen", "/inloggen", 200)
    assert problems == []
    written = {p.name for p in SCREENSHOTS.glob("*.png")}
    for name in [*OTHER_PAGES, "inloggen"]:
        assert {f"{name}-1280.png", f"{name}-375.png"} <= written, name
