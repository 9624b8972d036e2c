"""The fee run in headless Chromium: preview, store, and the run as the page shows it after."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings
from tests.web.fees_data import RATED_YEAR, WOERDEN_2020

pytestmark = pytest.mark.browser


@pytest.fixture
async def fee_page(start_server: StartServer, page_on: PageOn, cooperative_db_url: str) -> Page:
    """The app with the development login, on this test's own copy of the cooperative."""
    return await page_on(start_server(dev_settings(cooperative_db_url)))


async def test_preview_then_store_the_run(fee_page: Page) -> None:
    page = fee_page
    await page.goto(f"/inloggen?volgende=/contributie/{RATED_YEAR}")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(rf"/contributie/{RATED_YEAR}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Contributie {RATED_YEAR}")
    await expect(await menu_link(page, "Contributie")).to_have_attribute("aria-current", "page")
    await expect(
        page.get_by_text(f"Er is nog geen run van {RATED_YEAR} opgeslagen.")
    ).to_be_visible()

    preview = page.get_by_role(
        "table", name=f"Voorvertoning van de contributie {RATED_YEAR} per lid"
    )
    woerden = preview.get_by_role("row").filter(has_text="Gemeente Woerden")
    await expect(woerden.get_by_role("cell")).to_contain_text(
        ["52.299", "1 januari 2020", "1 januari van het jaar", "366 van 366", WOERDEN_2020]
    )
    digest = await page.locator("#invoer-hash").text_content()

    await page.get_by_role("button", name="Run opslaan").click()
    await expect(page).to_have_url(re.compile(rf"/contributie/{RATED_YEAR}$"))
    await expect(page.get_by_role("status")).to_have_text(f"Run 1 van {RATED_YEAR} is opgeslagen.")
    runs = page.get_by_role("table", name=f"Opgeslagen runs van {RATED_YEAR}, nieuwste eerst")
    await expect(runs.locator("tbody tr")).to_have_count(1)
    await expect(runs.locator("tbody tr")).to_contain_text(["Dirk Directie"])
    await expect(runs.locator("tbody code")).to_have_text([digest or ""])
    await expect(
        page.get_by_text("Ongewijzigd: de invoer is gelijk aan die van run 1.")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Run opslaan")).to_have_count(0)

    # Reloading does not repeat the message (nor the run).
    await page.reload()
    await expect(page.get_by_role("status")).to_have_count(0)
    await expect(runs.locator("tbody tr")).to_have_count(1)
