"""A member admin in headless Chromium: adopt an application, take it into production,
report a month of usage, and see it listed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def usage_page(start_server: StartServer, page_on: PageOn, demo_url: str) -> Page:
    """The app with the development login, on this test's own copy of the demo."""
    return await page_on(start_server(dev_settings(demo_url)))


async def test_adopt_advance_and_report(usage_page: Page) -> None:
    page = usage_page
    await page.goto("/inloggen?volgende=/leden/woerden/gebruik")
    await page.get_by_role("button", name="Wim Woerden").click()
    await expect(page).to_have_url(re.compile(r"/leden/woerden/gebruik$"))

    await page.get_by_label("Applicatie", exact=True).first.select_option("mijn-gemeente")
    await page.get_by_label("Verworven op").fill("2026-10-01")
    await page.get_by_label("Module", exact=True).fill("Portaal")
    await page.get_by_role("button", name="In gebruik nemen").click()
    await expect(page.get_by_role("status")).to_contain_text("in gebruik genomen")

    row = page.locator("#gebruik-mijn-gemeente")
    await expect(row).to_contain_text("Verwerving")
    await row.get_by_label("Fase").select_option("in_production")
    await row.get_by_label("Bereikt op").fill("2026-11-02")
    await row.get_by_role("button", name="Vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text("De nieuwe fase is vastgelegd.")
    await expect(page.locator("#gebruik-mijn-gemeente")).to_contain_text("In productie")

    form = page.locator("form[action$='/registreren']")
    await form.get_by_label("Applicatie").select_option("mijn-gemeente")
    await form.get_by_label("Maand (JJJJ-MM)").fill("2026-11")
    await form.get_by_label("Soort").select_option("active_users")
    await form.get_by_label("Aantal").fill("340")
    await form.get_by_role("button", name="Registreren").click()
    await expect(page.get_by_role("status")).to_have_text("Het gebruik is vastgelegd.")
    usage = page.get_by_role("table", name="Geregistreerd gebruik, afgelopen twaalf maanden")
    reported = usage.get_by_role("row").filter(has_text="Actieve gebruikers")
    await expect(reported.get_by_role("cell")).to_contain_text(
        ["2026-11", "Actieve gebruikers", "340"]
    )

    await form.get_by_label("Aantal").fill("-1")
    await form.get_by_role("button", name="Registreren").click()
    await expect(page.locator("#foutmeldingen")).to_be_focused()
    await expect(page.locator("#usage-quantity-fout")).to_contain_text(
        "Een hoeveelheid is 0 of meer."
    )
    await expect(form.get_by_label("Aantal")).to_have_value("-1")
