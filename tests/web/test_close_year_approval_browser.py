"""Four-eyes approval of closing a financial year in headless Chromium: Dirk closes a year on
the financial years page and is told it waits; Dora sees on the approvals page which year, by
which decision and what it locks (no axe-core violations, in Dutch and English) and approves
it, and only then is the year closed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.helpers.years import DECISION, YEAR, record_close_decision

pytestmark = pytest.mark.browser


async def _log_in(page: Page, person: str, then: str) -> None:
    await page.goto(f"/inloggen?volgende={then}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(f"{then}$"))


async def test_one_director_closes_a_year_and_a_second_director_approves(
    start_server: StartServer, page_on: PageOn, billing_url: str
) -> None:
    await record_close_decision(billing_url)
    server = start_server(dev_settings(billing_url, four_eyes=True))

    dirk = await page_on(server)
    await _log_in(dirk, "Dirk Directie", "/boekjaren")
    close = dirk.locator("form[action='/boekjaren/afsluiten']")
    await close.get_by_label("Boekjaar").select_option(str(YEAR))
    await close.get_by_label("Besluit van de directie").select_option(DECISION)
    await close.get_by_role("button", name="Boekjaar afsluiten").click()
    await expect(dirk.get_by_role("status")).to_contain_text("wacht op goedkeuring")
    await expect(dirk.locator(f"#jaar-{YEAR}")).to_contain_text("Open")

    dora = await page_on(server)
    await _log_in(dora, "Dora Directie", "/goedkeuringen")
    request = dora.get_by_role("region", name=f"Boekjaar afsluiten: {YEAR}")
    await expect(request).to_contain_text(DECISION)
    await expect(request).to_contain_text("Dirk Directie")
    await expect(request).to_contain_text("kan niets meer in dat jaar worden gedateerd")
    assert await axe_violations(dora) == []
    await dora.goto("/goedkeuringen?lang=en")
    request = dora.get_by_role("region", name=f"Close a financial year: {YEAR}")
    await expect(request).to_contain_text("nothing can be dated in it")
    assert await axe_violations(dora) == []
    await dora.goto("/goedkeuringen?lang=nl")

    request = dora.get_by_role("region", name=f"Boekjaar afsluiten: {YEAR}")
    await request.get_by_role("button", name="Goedkeuren en uitvoeren").click()
    await expect(dora).to_have_url(re.compile("/boekjaren$"))
    await expect(dora.get_by_role("status")).to_contain_text(f"Boekjaar {YEAR} is afgesloten.")
    await expect(dora.locator(f"#jaar-{YEAR}")).to_contain_text("Afgesloten")
