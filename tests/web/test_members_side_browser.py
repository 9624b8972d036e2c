"""In headless Chromium: a member admin of Woerden proposes an application, the directie
publishes it, Woerden joins its community and sees what adopting would cost; axe-core finds
no violations on the new pages."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def app_page(start_server: StartServer, page_on: PageOn, demo_url: str) -> Page:
    return await page_on(start_server(dev_settings(demo_url)))


async def _log_in(page: Page, person: str, next_path: str) -> None:
    await page.goto(f"/inloggen?volgende={next_path}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


async def test_propose_publish_join_and_see_the_cost(app_page: Page) -> None:
    page = app_page
    await _log_in(page, "Wim Woerden", "/leden/woerden/voorstellen")
    assert await axe_violations(page) == []
    await page.get_by_label("Naam", exact=True).fill("Afvalkalender")
    await page.get_by_label("Korte naam (in het webadres)").fill("afvalkalender")
    await page.get_by_label("Welk probleem lost de applicatie op?").fill(
        "Inwoners bellen om te vragen wanneer het afval wordt opgehaald."
    )
    await page.get_by_label("Omschrijving (Nederlands)").fill("Ophaaldagen per adres.")
    await page.get_by_label("Standaarden").fill("WCAG 2.1 AA")
    await page.get_by_role("button", name="Voorstel indienen").click()
    await expect(page).to_have_url(re.compile(r"/applicaties/afvalkalender/beheer$"))
    await expect(page.get_by_role("status")).to_contain_text("Uw voorstel is ingediend")
    await expect(page.locator("#beoordeling-stand")).to_have_text(
        "Voorgesteld, wacht op de directie"
    )
    assert await axe_violations(page) == []
    await page.goto("/voorstellen")
    await expect(page.get_by_role("table", name="Voorstellen")).to_contain_text("Afvalkalender")
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Uitloggen").click()

    await _log_in(page, "Dirk Directie", "/applicaties/afvalkalender/beheer")
    await page.get_by_label("Besluit").select_option("publish")
    await page.get_by_role("button", name="Besluit vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text("Het voorstel is gepubliceerd.")
    await expect(page.locator("#beoordeling-stand")).to_have_text("Gepubliceerd")
    history = page.get_by_role("table", name="Geschiedenis")
    await expect(history).to_contain_text("Voorgesteld")
    await expect(history).to_contain_text("Gepubliceerd door de directie")
    await page.get_by_role("button", name="Uitloggen").click()

    # Published: the public sees it in the catalogue.
    await page.goto("/applicaties/afvalkalender")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Afvalkalender")

    await _log_in(page, "Wim Woerden", "/applicaties/zaakafhandeling/gemeenschap")
    assert await axe_violations(page) == []
    join = page.locator("form[action$='/deelnemen']")
    await join.get_by_label("Lid").select_option("woerden")
    await join.get_by_label("Fase").select_option("idea")
    await join.get_by_role("button", name="Deelnemen").click()
    await expect(page.get_by_role("alert")).to_contain_text("neemt al deel")  # an adopter
    await page.goto("/applicaties/afvalkalender/gemeenschap")
    join = page.locator("form[action$='/deelnemen']")
    await join.get_by_label("Lid").select_option("woerden")
    await join.get_by_label("Fase").select_option("idea")
    await join.get_by_role("button", name="Deelnemen").click()
    await expect(page.get_by_role("status")).to_have_text("U neemt deel aan de gemeenschap.")
    members = page.locator("#deelnemers-tabel")
    await expect(members).to_contain_text("Gemeente Woerden")
    await expect(members).to_contain_text("Idee")
    await expect(members).to_contain_text("53.976")  # Woerden, CBS 1 January 2025
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="Berekening voor Gemeente Woerden").click()
    await page.get_by_label("Applicatie").select_option("zaakafhandeling")
    await page.get_by_label("Verwacht gebruik per maand: Afgehandelde zaken").fill("100")
    await page.get_by_role("button", name="Berekenen").click()
    await expect(page.locator("#berekening-gebruik")).to_have_text("€\xa0144,00")
    await expect(page.get_by_role("table", name="Per kostenpot")).to_contain_text(
        "Bouw zaakafhandelcomponent"
    )
    assert await axe_violations(page) == []


async def test_the_trekkers_people_see_who_is_interested(app_page: Page) -> None:
    page = app_page
    community = "/applicaties/subsidieportaal/gemeenschap"  # Woerden is the trekker
    await _log_in(page, "Dirk Directie", community)
    interest = page.locator("form[action$='/belangstelling']")
    await interest.get_by_label("Lid").select_option("eindhoven")
    await interest.get_by_role("button", name="Belangstelling melden").click()
    await expect(page.get_by_role("status")).to_be_visible()
    await page.get_by_role("button", name="Uitloggen").click()

    # A staff member of the trekker sees the list; a member that is not the trekker does not.
    await _log_in(page, "Wendy Woerden", community)
    await expect(
        page.get_by_role("heading", name="Belangstelling (voor de trekker)")
    ).to_be_visible()
    await expect(page.locator("#belangstellenden")).to_contain_text("Gemeente Eindhoven")
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Uitloggen").click()

    await _log_in(page, "Erik Eindhoven", community)
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(
        page.get_by_role("heading", name="Belangstelling (voor de trekker)")
    ).to_have_count(0)
    await expect(page.locator("#belangstellenden")).to_have_count(0)


async def test_the_trekker_writes_its_business_case_draft(app_page: Page) -> None:
    page = app_page
    await _log_in(page, "Wim Woerden", "/applicaties/subsidieportaal/beheer")
    await page.get_by_role("link", name="Businesscase", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/applicaties/subsidieportaal/businesscase$"))
    assert await axe_violations(page) == []
    form = page.get_by_role("form", name="Businesscase schrijven of bijwerken")
    await form.get_by_label("Titel").fill("Subsidieportaal 2.0")
    await form.get_by_label("Ontwikkeling").fill("12,3,4")
    await form.get_by_role("button", name="Businesscase opslaan").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Ongeldig bedrag")
    await summary.get_by_role("link", name=re.compile("^Ontwikkeling")).click()
    await expect(page.get_by_label("Ontwikkeling")).to_be_focused()
    assert await axe_violations(page) == []
    await page.get_by_label("Ontwikkeling").fill("120.000,00")
    await page.get_by_label("Verwachte gebruiksvergoedingen").fill("2.400,00")
    await page.get_by_label("Gemeente Eindhoven").check()
    await page.get_by_label("Risico's").fill("Te weinig deelnemers in het eerste jaar.")
    await page.get_by_role("button", name="Businesscase opslaan").click()
    await expect(page.get_by_role("status")).to_have_text(
        "De businesscase 'Subsidieportaal 2.0' is opgeslagen."
    )
    costs = page.get_by_role("table", name="Kosten en opbrengsten van Subsidieportaal 2.0")
    await expect(costs.get_by_role("row").filter(has_text="Ontwikkeling")).to_contain_text(
        "€\xa0120.000,00"
    )
    await expect(page.get_by_text("Concept: de directie heeft nog niet besloten.")).to_be_visible()
    assert await axe_violations(page) == []
