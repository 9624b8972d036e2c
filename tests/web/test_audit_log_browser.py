"""The audit log page in headless Chromium: an auditor finds it in the main navigation, filters
with the keyboard, reads the chain status, switches to English; no axe-core violations; the
directie finds no link to it and is refused."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


async def log_in(page: Page, person: str, then: str) -> None:
    await page.goto(f"/inloggen?volgende={then}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(f"{then}$"))


async def test_an_auditor_filters_the_log_with_the_keyboard(
    start_server: StartServer, page_on: PageOn, cooperative_db_url: str
) -> None:
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await log_in(page, "Anna Auditor", "/mijn")
    await (await menu_link(page, "Auditlog")).click()
    await expect(page).to_have_url(re.compile(r"/auditlog/?$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Auditlog")
    await expect(page.locator("#ketenstatus")).to_contain_text(
        re.compile(r"De keten is gecontroleerd en intact: \d+ gebeurtenissen\.")
    )
    events = page.get_by_role("table", name=re.compile("gebeurtenissen gevonden, nieuwste eerst"))
    await expect(events).to_be_visible()
    assert await axe_violations(page) == []

    # A filter typed and sent with the keyboard only; an unknown member is named.
    await page.get_by_label("Lid (code)").focus()
    await page.keyboard.type("atlantis")
    await page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Er is geen lid met de code 'atlantis'.")
    await summary.get_by_role("link", name=re.compile("^Lid")).click()
    await expect(page.get_by_label("Lid (code)")).to_be_focused()
    await expect(page.get_by_label("Lid (code)")).to_have_value("atlantis")
    assert await axe_violations(page) == []

    await page.get_by_label("Lid (code)").fill("woerden")
    await page.get_by_label("Gebeurtenissen per pagina").fill("2")
    await page.get_by_role("button", name="Zoeken").press("Enter")
    rows = page.get_by_role("table", name=re.compile("gevonden")).locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("Gemeente Woerden")
    download = page.get_by_role("link", name="Downloaden als CSV")
    await expect(download).to_have_attribute("href", re.compile(r"lid=woerden"))
    await page.get_by_role("link", name="Volgende pagina").click()
    await expect(page).to_have_url(re.compile(r"pagina=2"))
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    status = page.locator("#ketenstatus")
    await expect(status).to_contain_text("The chain was checked and is intact")
    assert await axe_violations(page) == []


async def test_the_directie_has_no_audit_log(
    start_server: StartServer, page_on: PageOn, cooperative_db_url: str
) -> None:
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await log_in(page, "Dirk Directie", "/besluiten")
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    await expect(await menu_link(page, "Besluiten")).to_be_visible()
    await expect(
        navigation.get_by_role("link", name="Auditlog", include_hidden=True)
    ).to_have_count(0)
    response = await page.goto("/auditlog")
    assert response is not None
    assert response.status == 403
