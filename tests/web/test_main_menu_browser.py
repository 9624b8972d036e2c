"""The grouped main menu in headless Chromium: a group opens and its link is followed with the
keyboard alone, the page's group is then marked current, and axe-core finds no violations with
a group open, on a wide and on a narrow screen."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser

MAX_TABS = 40


async def tab_to(page: Page, text: str) -> None:
    """Press Tab until the focused element reads `text`, as a keyboard user moves on."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await page.evaluate("() => document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


async def test_a_group_opens_and_its_link_is_followed_with_the_keyboard(
    start_server: StartServer, page_on: PageOn, members_db_url: str
) -> None:
    page = await page_on(start_server(dev_settings(members_db_url)))
    await page.goto("/inloggen?volgende=/mijn")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(r"/mijn$"))
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    finance = menu.locator("details", has=page.locator("summary", has_text="Financiën"))
    await expect(menu.get_by_role("link", name="Contributie")).to_be_hidden()
    assert await axe_violations(page) == []

    await tab_to(page, "Financiën")
    await page.keyboard.press("Enter")
    await expect(finance).to_have_attribute("open", "")
    await expect(menu.get_by_role("link", name="Contributie")).to_be_visible()
    assert await axe_violations(page) == []
    await tab_to(page, "Contributie")
    await page.keyboard.press("Enter")

    await expect(page).to_have_url(re.compile(r"/contributie$"))
    await expect(menu.locator("summary", has_text="Financiën")).to_have_attribute(
        "aria-current", "true"
    )
    await expect(
        menu.get_by_role("link", name="Contributie", include_hidden=True)
    ).to_have_attribute("aria-current", "page")
    # Opening another group closes the first (one named group of disclosures).
    await menu.locator("summary", has_text="Financiën").click()
    await menu.locator("summary", has_text="Bestuur").click()
    await expect(finance).not_to_have_attribute("open", "")
    await expect(menu.get_by_role("link", name="Directie")).to_be_visible()

    await page.set_viewport_size({"width": 375, "height": 800})
    assert await axe_violations(page) == []
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 375
