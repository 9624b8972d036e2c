"""The voting page in headless Chromium: the directie opens an ALV, records who is present and
a proxy, casts votes, closes the proposal and sees the decision with its tally; a member admin
reads the outcome. axe-core finds nothing on the page, at 1280 and at 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


async def _log_in(page: Page, person: str, then: str) -> None:
    await page.goto(f"/inloggen?volgende={then}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(f"{then}$"))


async def test_voting_on_a_proposal(
    start_server: StartServer, page_on: PageOn, demo_url: str
) -> None:
    server = start_server(dev_settings(demo_url))
    page = await page_on(server)
    await _log_in(page, "Dirk Directie", "/bestuur")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    await expect(menu.locator("summary", has_text="Bestuur")).to_have_attribute(
        "aria-current", "true"
    )
    await expect(await menu_link(page, "Organen en vergaderingen")).to_have_attribute(
        "aria-current", "page"
    )
    assert await axe_violations(page) == []
    await page.set_viewport_size({"width": 375, "height": 800})
    assert await axe_violations(page) == []
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 375
    await page.set_viewport_size({"width": 1280, "height": 800})

    await page.get_by_label("Orgaan").first.select_option("alv")
    await page.get_by_label("Datum", exact=True).fill("2026-06-11")
    await page.get_by_label("Titel").fill("ALV juni 2026")
    await page.get_by_role("button", name="Vergadering vastleggen").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("ALV juni 2026")
    await expect(page.get_by_role("status")).to_have_text("Vastgelegd: ALV juni 2026.")

    await page.get_by_label("Titel").fill("Begroting 2027")
    await page.get_by_label("Soort voorstel").select_option("budget")
    await page.get_by_role("button", name="Agendapunt toevoegen").click()
    for member in ("Gemeente Woerden", "Gemeente Eindhoven", "Gemeente Tilburg"):
        await page.locator("#aanwezig-lid").select_option(label=member)
        await page.get_by_role("button", name="Aanwezig melden").click()
    await page.locator("#volmacht-gever").select_option(label="Gemeente Groningen")
    await page.locator("#volmacht-houder").select_option(label="Gemeente Woerden")
    await page.get_by_label("Volmacht (document)").fill("Volmacht Groningen juni")
    await page.get_by_role("button", name="Volmacht vastleggen").click()
    await expect(
        page.get_by_text("Gemeente Groningen wordt vertegenwoordigd door Gemeente Woerden")
    ).to_be_visible()

    vote = page.get_by_role("form", name="Stem uitbrengen over Begroting 2027")
    for member, choice in [
        ("Gemeente Woerden", "Voor"),
        ("Gemeente Groningen", "Voor"),
        ("Gemeente Eindhoven", "Tegen"),
        ("Gemeente Tilburg", "Onthouding"),
    ]:
        await vote.get_by_label("Lid", exact=True).select_option(label=member)
        await vote.get_by_label(choice, exact=True).check()
        await vote.get_by_role("button", name="Stem vastleggen").click()
        await expect(page.get_by_role("status")).to_have_text("Vastgelegd: Begroting 2027.")
    tally = page.get_by_role("table", name="Stemmen over Begroting 2027")
    await expect(tally.locator("[data-tally]")).to_have_text(["2", "1", "1"])
    await expect(tally.locator("[data-outcome]")).to_have_text("stemming open")
    assert await axe_violations(page) == []

    # A vote once cast stands: another choice for the same member is refused, with the reason.
    await vote.get_by_label("Lid", exact=True).select_option(label="Gemeente Woerden")
    await vote.get_by_label("Tegen", exact=True).check()
    await vote.get_by_role("button", name="Stem vastleggen").click()
    await expect(page.get_by_role("alert")).to_contain_text("een uitgebrachte stem blijft staan")
    assert await axe_violations(page) == []

    close = page.get_by_role("form", name="Stemming sluiten over Begroting 2027")
    await close.get_by_label("Kenmerk van het besluit").fill("ALV-2026-06-1")
    await close.get_by_role("button", name="Stemming sluiten en tellen").click()
    await expect(tally.locator("[data-outcome]")).to_have_text("aangenomen: besluit ALV-2026-06-1")
    await expect(
        page.get_by_role("form", name="Stem uitbrengen over Begroting 2027")
    ).to_have_count(0)

    await page.set_viewport_size({"width": 375, "height": 800})
    assert await axe_violations(page) == []
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375

    reader = await page_on(server)
    await _log_in(reader, "Wim Woerden", "/bestuur")
    await reader.get_by_role("link", name="ALV juni 2026").click()
    outcome = reader.get_by_role("table", name="Stemmen over Begroting 2027")
    await expect(outcome.locator("[data-outcome]")).to_have_text(
        "aangenomen: besluit ALV-2026-06-1"
    )
    await expect(reader.get_by_role("button", name="Stem vastleggen")).to_have_count(0)
    assert await axe_violations(reader) == []
