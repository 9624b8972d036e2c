"""The directie runs the year from pages in headless Chromium: a decision, a rate, an admission
and a cost pool with an entry through the real forms, each page without axe-core violations."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, menu_link, record_decision_on_page
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def directie_page(
    start_server: StartServer, page_on: PageOn, cooperative_db_url: str
) -> Page:
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await page.goto("/inloggen?volgende=/besluiten")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(r"/besluiten$"))
    return page


async def test_the_directie_records_a_decision_and_a_rate_and_admits_a_member(
    directie_page: Page,
) -> None:
    page = directie_page
    assert await axe_violations(page) == []

    # A refused decision: the summary links to the field, which says why; the values stay.
    form = page.locator("form[action='/besluiten'][method='post']")
    await form.get_by_label("Datum van het besluit").fill("2025-06-12")
    await form.get_by_label("Kenmerk").fill("ALV-2019-12")
    await form.get_by_role("button", name="Besluit vastleggen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Het besluit 'ALV-2019-12' is al vastgelegd.")
    await summary.get_by_role("link", name=re.compile("^Kenmerk")).click()
    await expect(page.get_by_label("Kenmerk", exact=True)).to_be_focused()
    await expect(page.get_by_label("Kenmerk", exact=True)).to_have_value("ALV-2019-12")
    assert await axe_violations(page) == []

    await record_decision_on_page(
        page, "ALV", "2025-06-12", "ALV-2025-06", "Contributie 2026: EUR 0,37 per inwoner"
    )
    await record_decision_on_page(
        page, "RvC", "2020-11-02", "RvC-2020-11", "Goedkeuring aanvraag Provincie Utrecht"
    )
    await page.get_by_label("Kenmerk of onderwerp bevat").fill("2025")
    await page.get_by_role("button", name="Zoeken").click()
    found = page.get_by_role("table", name="1 besluit gevonden")
    await expect(found.locator("tbody tr")).to_contain_text(["ALV-2025-06"])

    # The rate of 2026 from that decision.
    await page.get_by_role("link", name="Contributietarieven vastleggen").click()
    await page.get_by_label("Jaar", exact=True).fill("2026")
    await page.get_by_label("Tarief per inwoner").fill("0,37")
    await page.get_by_label("ALV-besluit").select_option("ALV-2025-06")
    await page.get_by_role("button", name="Tarief vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Het tarief van 2026 is vastgelegd: €\xa00,37 per inwoner."
    )
    rates = page.get_by_role("table", name="Vastgelegde tarieven")
    await expect(rates.get_by_role("row").filter(has_text="2026")).to_contain_text("ALV-2025-06")
    assert await axe_violations(page) == []

    # The RvC approves Provincie Utrecht's application; the directie admits it.
    await (await menu_link(page, "Toelatingen")).click()
    assert await axe_violations(page) == []
    waiting = page.get_by_role("table", name="Aanvragen die wachten op de RvC")
    await waiting.get_by_role("link", name="Provincie Utrecht").click()
    await page.get_by_label("Besluit van de RvC", exact=True).select_option("RvC-2020-11")
    await page.get_by_role("button", name="Besluit vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text(
        "De goedkeuring door de RvC is vastgelegd."
    )
    assert await axe_violations(page) == []
    await page.get_by_label("Lid vanaf").fill("2021-01-01")
    await page.get_by_label("Kenmerk van de getekende overeenkomst").fill("OVK-PU-2020")
    await page.get_by_label("Entreegeld", exact=True).fill("2.500,00")
    await page.get_by_label("ALV-besluit over het entreegeld").select_option("ALV-2020-06")
    await page.get_by_role("button", name="Verder naar de controle").click()
    await expect(page.locator("main").get_by_role("heading", level=2)).to_have_text(
        "Provincie Utrecht wordt toegelaten"
    )
    await expect(page.locator("#entreegeld")).to_have_text("€\xa02.500,00")
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Bevestigen: lid toelaten").click()
    await expect(page.get_by_role("status")).to_have_text("Het lid is toegelaten.")
    await expect(page.locator("#status")).to_have_text("Actief")

    await page.goto("/tarieven")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikstarieven en btw")
    assert await axe_violations(page) == []

    # A pool for the cooperative's operations, shared by inhabitants, with one entry.
    await page.goto("/kostenpotten")
    await page.get_by_role("link", name="Nieuwe kostenpot aanmaken").click()
    assert await axe_violations(page) == []
    await page.get_by_label("Code").fill("BV-2021")
    await page.get_by_label("Naam").fill("Bedrijfsvoering 2021")
    await page.get_by_label("Soort").select_option(label="Bedrijfsvoering van de coöperatie")
    await page.get_by_label("Verdeelsleutel").select_option(label="naar inwoners")
    await page.get_by_label("Peildatum van de inwonertallen").fill("2021-01-01")
    await page.get_by_role("button", name="Kostenpot aanmaken").click()
    await expect(page).to_have_url(re.compile(r"/kostenpotten/BV-2021/beheer$"))
    await expect(page.get_by_role("status")).to_have_text("De kostenpot is aangemaakt.")
    entry = page.get_by_role("form", name="Kostenpost vastleggen")
    await entry.get_by_label("Bedrag").fill("12.345,67")
    await entry.get_by_label("Datum").fill("2021-03-01")
    await entry.get_by_label("Categorie").select_option(label="Inzet eigen medewerkers van leden")
    await entry.get_by_label("Omschrijving").fill("Projectleiding")
    await entry.get_by_label("Kenmerk van het document").fill("F-2021-001")
    await entry.get_by_role("button", name="Kostenpost vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text("De kostenpost is vastgelegd.")
    entries = page.get_by_role("table", name="Kostenposten van Bedrijfsvoering 2021")
    await expect(entries.locator("tbody tr")).to_contain_text(
        ["Inzet eigen medewerkers van leden Projectleiding F-2021-001 €\xa012.345,67"]
    )
    assert await axe_violations(page) == []

    # The key, changed afterwards: a refusal next to its field first, the values kept.
    key = page.get_by_role("form", name="Verdeelsleutel")
    await key.get_by_label("Verdeelsleutel").select_option(label="één betaler")
    await key.get_by_role("button", name="Verdeelsleutel wijzigen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Betaler")
    await summary.get_by_role("link", name=re.compile("^Betaler")).click()
    await expect(page.get_by_label("Betaler")).to_be_focused()
    key = page.get_by_role("form", name="Verdeelsleutel")
    await expect(key.get_by_label("Verdeelsleutel")).to_have_value("single_payer")
    assert await axe_violations(page) == []
    await key.get_by_label("Verdeelsleutel").select_option(label="gelijke delen")
    await key.get_by_role("button", name="Verdeelsleutel wijzigen").click()
    await expect(page.get_by_role("status")).to_contain_text("De verdeelsleutel is gewijzigd")
    await expect(page.locator("#sleutel-nu")).to_contain_text("Nu: gelijke delen.")
    await page.get_by_role("link", name="Kostenpot, verdelingen en verrekeningen").click()
    await page.get_by_role(
        "link", name="Kostenposten, deelnemers en verdeelsleutel beheren"
    ).click()
    await expect(page).to_have_url(re.compile(r"/kostenpotten/BV-2021/beheer$"))


async def test_the_accessibility_check_finds_a_violation(browser: Browser) -> None:
    """axe-core really runs: an input without a label is reported."""
    page = await browser.new_page()
    try:
        await page.set_content(
            '<!doctype html><html lang="nl"><title>x</title><main><input></main></html>'
        )
        found = await axe_violations(page)
        assert any(v.startswith("label ") for v in found), found
    finally:
        await page.close()


async def test_a_member_admin_creates_a_token_and_copies_it(
    start_server: StartServer, page_on: PageOn, demo_url: str
) -> None:
    page = await page_on(start_server(dev_settings(demo_url)))
    await page.goto("/inloggen?volgende=/leden/woerden/tokens")
    await page.get_by_role("button", name="Wim Woerden").click()
    await expect(page).to_have_url(re.compile(r"/leden/woerden/tokens$"))
    assert await axe_violations(page) == []
    await page.get_by_label("Naam").fill("Zaaksysteem")
    await page.get_by_label("Gebruik melden").check()
    await page.get_by_role("button", name="Token aanmaken").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Token aangemaakt")
    await expect(page.locator("#token-geheim")).to_have_text(re.compile(r"^crt_"))
    copy = page.get_by_role("button", name="Kopiëren")
    await expect(copy).to_be_visible()  # shown by the static script, which the CSP allows
    await copy.click()
    await expect(page.locator("#kopieer-status")).to_have_text(
        re.compile(r"^(Gekopieerd|Kopiëren lukte niet)")
    )
    assert await axe_violations(page) == []
    await page.get_by_role("link", name="Terug naar de tokens").click()
    await page.get_by_role("button", name="Intrekken: Zaaksysteem").click()
    assert await axe_violations(page) == []
    await page.get_by_role("button", name="Bevestigen: token intrekken").click()
    await expect(page.get_by_role("status")).to_have_text("Het token Zaaksysteem is ingetrokken.")
