"""The catalogue in headless Chromium against the app served by uvicorn."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser


async def test_search_filter_detail_and_english(browser_page: Page) -> None:
    page = browser_page
    await page.goto("/")
    await expect(page.locator("html")).to_have_attribute("lang", "nl")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Catalogus")

    await page.get_by_label("Zoeken", exact=True).fill("zaak")
    await page.get_by_label("Productie").check()
    await page.get_by_role("button", name="Zoeken").click()

    await expect(page).to_have_url(
        re.compile(
            r"/\?zoek=zaak&status=production&licentie="
            r"&platform=&standaard=&referentiecomponent=&categorie=&trekker=&gemeente="
            r"&sorteer=naam$"
        )
    )
    await expect(page.locator("#aantal-resultaten")).to_have_text("1 applicatie gevonden")
    results = page.locator("tbody th[scope=row]")
    await expect(results).to_have_text(["Zaakafhandelcomponent"])
    await expect(page.get_by_label("Productie")).to_be_checked()

    await page.get_by_role("link", name="Zaakafhandelcomponent").click()
    await expect(page).to_have_url(re.compile(r"/applicaties/zaakafhandeling$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Zaakafhandelcomponent")
    releases = page.get_by_role("table", name="Releases")
    await expect(releases.locator("tbody th")).to_have_text(["2.0.0", "1.4.0", "1.0.0"])
    await expect(releases.locator("tbody time").first).to_have_text("3 november 2025")

    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", name="Details")).to_be_visible()
    await expect(releases.locator("tbody time").first).to_have_text("3 November 2025")
    await expect(page.get_by_text("Case management system for applications")).to_be_visible()

    # The choice is remembered when navigating on.
    await (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Catalogue")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    await expect(page.get_by_label("Production")).to_be_visible()


async def test_tab_reaches_the_skip_link_first(browser_page: Page) -> None:
    page = browser_page
    await page.goto("/")

    await page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    await expect(skip_link).to_be_focused()
    box = await skip_link.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the skip link must be on screen once focused"
    assert box["height"] > 0

    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"#inhoud$"))
    await expect(page.locator("main#inhoud")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Zoeken", exact=True)).to_be_focused()


async def test_nl_design_system_styles_are_applied(browser_page: Page) -> None:
    page = browser_page
    await page.goto("/applicaties/zaakafhandeling")

    loaded = await page.evaluate(
        "() => [...document.styleSheets].map(s => [new URL(s.href).pathname, s.cssRules.length])"
    )
    sheets = dict(loaded)
    assert sheets["/static/vendor/utrecht-components.css"] > 1000
    assert sheets["/static/vendor/voorbeeld-theme.css"] > 0
    token = await page.locator("html").evaluate(
        "el => getComputedStyle(el).getPropertyValue('--utrecht-heading-1-font-size')"
    )
    assert token.strip(), "the voorbeeld-theme design tokens are not applied"

    badge = page.locator(".utrecht-status-badge")
    await expect(badge).to_have_text("Productie")
    await expect(badge).to_have_css("display", "inline-block")
    background = await badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    font = await page.locator("body").evaluate("el => getComputedStyle(el).fontFamily")
    assert "Noto Sans" in font


# WCAG 2.1 contrast ratio of an element's text against its own background colour.
CONTRAST = """el => {
    const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    const lum = c => {
        const [r, g, b] = rgb(c).map(v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const style = getComputedStyle(el);
    if (rgb(style.backgroundColor).length < 3 || /rgba\\(.*, 0\\)$/.test(style.backgroundColor)) {
        return 0;
    }
    const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""


async def test_status_badges_have_enough_contrast(browser_page: Page) -> None:
    page = browser_page
    # Only the demo applications, one per status: the trial ones are all MIT.
    await page.goto("/?licentie=-")
    badges = page.locator("tbody .utrecht-status-badge")
    labels = await badges.all_text_contents()
    assert set(labels) == {"Idee", "Verkenning", "Bouw", "Acceptatie", "Productie", "Uitgefaseerd"}
    for badge, label in zip(await badges.all(), labels, strict=True):
        ratio = await badge.evaluate(CONTRAST)
        assert ratio >= 4.5, f"badge {label}: contrast {ratio:.2f} < 4.5"
