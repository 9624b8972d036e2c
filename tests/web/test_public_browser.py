"""In Chromium: a visitor narrows the catalogue down with the filters and the sort, and the new
public pages pass axe-core (from npm, web/node_modules) without a single violation."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.web.conftest import csp_violations

pytestmark = pytest.mark.browser


async def test_filter_and_sort_the_catalogue(browser_page: Page) -> None:
    page = browser_page
    violations = csp_violations(page)
    await page.goto("/")

    await page.get_by_label("Standaard", exact=True).select_option("WCAG 2.1 AA")
    await page.get_by_label("Sorteren op").select_option(label="Meeste gebruikers")
    await page.get_by_role("button", name="Zoeken").click()

    await expect(page).to_have_url(re.compile(r"standaard=WCAG\+2\.1\+AA.*sorteer=gebruikers"))
    results = page.locator("tbody th[scope=row]")
    await expect(results).to_have_text(
        ["Zaakafhandelcomponent", "Mijn Gemeente", "Subsidieportaal"]
    )
    users = page.locator("tbody td.catalogue-users")
    await expect(users).to_have_text(
        [
            "4 leden gebruiken het, voor 597.785 inwoners",
            "1 lid gebruikt het, voor 133.810 inwoners",
            "Nog geen leden",
        ]
    )
    # The form shows what was chosen.
    await expect(page.get_by_label("Sorteren op")).to_have_value("gebruikers")
    await expect(page.get_by_label("Standaard", exact=True)).to_have_value("WCAG 2.1 AA")

    # Narrowed down to what is used in Sint-Michielsgestel (through the GR with Boxtel).
    await page.get_by_label("Gebruikt in gemeente").select_option(label="Sint-Michielsgestel")
    await page.get_by_role("button", name="Zoeken").click()
    await expect(page).to_have_url(re.compile(r"gemeente=GM0845"))
    await expect(results).to_have_text(["Zaakafhandelcomponent"])
    assert await axe_violations(page) == []

    # The same, in English; then by lead member and platform, newest first.
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("#aantal-resultaten")).to_have_text("1 application found")
    await expect(users).to_have_text(["4 members use it, serving 597,785 inhabitants"])
    await page.get_by_role("link", name="Clear filters").click()
    await page.get_by_label("Lead member", exact=True).select_option(label="Gemeente Eindhoven")
    await page.get_by_label("Platform").select_option("PHP")
    await page.get_by_label("Sort by").select_option(label="Newest first")
    await page.get_by_role("button", name="Search").click()
    await expect(results).to_have_text(["Klantcontactsysteem (versie 1)"])
    await expect(page).to_have_url(re.compile(r"trekker=eindhoven.*sorteer=nieuwste"))
    assert violations == []


async def test_sorting_with_pages_keeps_the_choice(browser_page: Page) -> None:
    page = browser_page
    await page.goto("/?sorteer=nieuwste")
    results = page.locator("tbody th[scope=row]")
    await expect(results.first).to_have_text("Proefapplicatie 25")
    await page.get_by_role("link", name="Volgende").click()
    await expect(page).to_have_url(re.compile(r"/\?sorteer=nieuwste&pagina=2$"))
    await expect(page.get_by_label("Sorteren op")).to_have_value("nieuwste")
    await expect(results.first).to_have_text("Proefapplicatie 05")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?sorteer=inwoners&standaard=DigiD",
        "/applicaties/mijn-gemeente",
        "/leden-overzicht",
        "/over",
        "/privacy",
        "/toegankelijkheid",
        "/leden-overzicht?lang=en",
        "/over?lang=en",
    ],
)
async def test_public_pages_have_no_axe_violations(browser_page: Page, path: str) -> None:
    page = browser_page
    violations = csp_violations(page)
    response = await page.goto(path)
    assert response is not None
    assert response.status == 200
    await expect(page.locator("footer")).to_contain_text(
        "Accessibility" if "lang=en" in path else "Toegankelijkheid"
    )
    assert await axe_violations(page) == []
    assert violations == []


async def test_axe_reports_what_is_wrong(browser_page: Page) -> None:
    """The check above is real: a field without a label is a violation."""
    page = browser_page
    await page.goto("/over")
    await page.evaluate(
        """() => document.querySelector("main").appendChild(document.createElement("input"))"""
    )
    assert any(v.startswith("label ") for v in await axe_violations(page))


async def test_footer_takes_a_visitor_to_the_statements_and_contact(browser_page: Page) -> None:
    page = browser_page
    await page.goto("/applicaties/zaakafhandeling")
    footer = page.locator("footer")
    await footer.get_by_role("link", name="Toegankelijkheidsverklaring").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Toegankelijkheidsverklaring")
    await page.locator("footer").get_by_role("link", name="Contactgegevens").click()
    await expect(page).to_have_url(re.compile(r"/over#contact$"))
    await expect(
        page.locator("main").get_by_role("heading", name="Contact", exact=True)
    ).to_be_in_viewport()
    await page.locator("footer").get_by_role("link", name="Leden en wie wat gebruikt").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Leden en wie wat gebruikt")
    await page.get_by_role("link", name="Zaakafhandelcomponent").first.click()
    await expect(page).to_have_url(re.compile(r"/applicaties/zaakafhandeling$"))
    # No GraphQL in the main menu.
    await expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name=re.compile("GraphQL")
        )
    ).to_have_count(0)
