"""The cost pool page in headless Chromium: preview and store the allocation, then settle the
late joiner, and the runs as the page shows them after."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings
from tests.web.costs_data import POOL, SETTLEMENT, SHARES

pytestmark = pytest.mark.browser


@pytest.fixture
async def cost_page(start_server: StartServer, page_on: PageOn, costs_url: str) -> Page:
    """The app with the development login, on this test's own copy of the worked example."""
    return await page_on(start_server(dev_settings(costs_url)))


async def test_preview_store_and_settle(cost_page: Page) -> None:
    page = cost_page
    await page.goto(f"/inloggen?volgende=/kostenpotten/{POOL}")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(rf"/kostenpotten/{POOL}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bouw zaakafhandelcomponent")
    await expect(await menu_link(page, "Kostenpotten")).to_have_attribute("aria-current", "page")
    await expect(page.get_by_text("Er is nog niets verdeeld.")).to_be_visible()

    preview = page.get_by_role(
        "table", name="Voorbeeld van de verdeling van nog niet verdeelde kosten"
    )
    for name, amount in SHARES.items():
        await expect(preview.get_by_role("row").filter(has_text=name)).to_contain_text(amount)
    digest = await page.locator("form[action$='/verdelen'] input[name='invoer']").get_attribute(
        "value"
    )
    await page.get_by_role("button", name="Verdeling opslaan").click()
    await expect(page).to_have_url(re.compile(rf"/kostenpotten/{POOL}$"))
    await expect(page.get_by_role("status")).to_have_text("De verdeling is opgeslagen.")
    await expect(
        page.get_by_role("heading", name=re.compile("^Run 1: verdeling op"))
    ).to_be_visible()
    await expect(page.locator("#runs ~ p code").first).to_have_text(digest or "")
    await expect(page.get_by_role("button", name="Verdeling opslaan")).to_have_count(0)

    settlement = page.get_by_role(
        "table", name="Voorbeeld van de verrekening voor Gemeente Tilburg"
    )
    for name, amount in SETTLEMENT.items():
        await expect(settlement.get_by_role("row").filter(has_text=name)).to_contain_text(amount)
    await expect(settlement.get_by_role("row").filter(has_text="Totaal")).to_contain_text(
        "€\xa00,00"
    )
    await page.get_by_role("button", name="Verrekening opslaan").click()
    await expect(page.get_by_role("status")).to_have_text("De verrekening is opgeslagen.")
    await expect(
        page.get_by_role("heading", name=re.compile("^Run 2: verrekening op"))
    ).to_be_visible()
    await expect(page.get_by_text("Alle kosten tot vandaag zijn verdeeld")).to_be_visible()
    await expect(page.get_by_role("button", name="Verrekening opslaan")).to_have_count(0)

    # Reloading does not repeat the message (nor a run).
    await page.reload()
    await expect(page.get_by_role("status")).to_have_count(0)
    await expect(page.get_by_role("heading", name=re.compile("^Run \\d"))).to_have_count(2)
