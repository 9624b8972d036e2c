"""Refused forms in headless Chromium, as the NL Design System asks: the error summary takes
the focus and its links move the focus to the field, every choice and typed value stays, the
message stands next to its field, and axe-core finds nothing to fault on a page with errors."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from registry.billing.models import Invoice, InvoiceStatus
from registry.db import create_engine, create_session_factory
from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.web.conftest import csp_violations

pytestmark = pytest.mark.browser


@pytest.fixture
async def demo_page(start_server: StartServer, page_on: PageOn, demo_url: str) -> Page:
    """The app with the development login, on this test's own copy of the demo."""
    return await page_on(start_server(dev_settings(demo_url)))


async def _log_in(page: Page, name: str, path: str) -> None:
    await page.goto(f"/inloggen?volgende={path}")
    await page.get_by_role("button", name=name).click()
    await expect(page).to_have_url(re.compile(rf"{path}$"))


async def test_a_refused_usage_report_keeps_everything_and_leads_to_the_field(
    demo_page: Page,
) -> None:
    page = demo_page
    violations = csp_violations(page)
    await _log_in(page, "Wim Woerden", "/leden/woerden/gebruik")
    form = page.locator("form[action$='/registreren']")
    await form.get_by_label("Applicatie").select_option("zaakafhandeling")
    await form.get_by_label("Maand (JJJJ-MM)").fill("2031-01")
    await form.get_by_label("Soort").select_option("documents")
    await form.get_by_label("Aantal").fill("12,5")
    await form.get_by_role("button", name="Registreren").click()

    summary = page.locator("#foutmeldingen")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("2031-01 ligt in de toekomst")
    form = page.locator("form[action$='/registreren']")
    await expect(form.get_by_label("Applicatie")).to_have_value("zaakafhandeling")
    await expect(form.get_by_label("Soort")).to_have_value("documents")
    await expect(form.get_by_label("Aantal")).to_have_value("12,5")
    period = form.get_by_label("Maand (JJJJ-MM)")
    await expect(period).to_have_value("2031-01")
    await expect(period).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#usage-period-fout")).to_contain_text("ligt in de toekomst")

    await summary.get_by_role("link").click()
    await expect(period).to_be_focused()
    assert await axe_violations(page) == []
    assert violations == []


async def test_a_transfer_in_dutch_notation_and_an_ambiguous_amount(
    demo_page: Page, demo_url: str
) -> None:
    engine = create_engine(demo_url)
    async with create_session_factory(engine)() as session:
        invoice = await session.scalar(
            select(Invoice.id).where(
                Invoice.member_code == "eindhoven", Invoice.status == InvoiceStatus.ISSUED
            )
        )
    await engine.dispose()
    assert invoice is not None
    page = demo_page
    violations = csp_violations(page)
    await _log_in(page, "Dirk Directie", f"/facturen/{invoice}")

    amount = page.get_by_label("Bedrag in euro")
    await expect(amount).to_have_attribute("inputmode", "decimal")
    await amount.fill("1.000")
    await page.get_by_label("Kenmerk van de bank").fill("NL-BANK-AMBIGU")
    await page.get_by_role("button", name="Overboeking vastleggen").click()
    summary = page.locator("#foutmeldingen")
    await expect(summary).to_be_focused()
    error = page.locator("#overboeking-bedrag-fout")
    await expect(error).to_contain_text("'1.000' is niet eenduidig")
    await expect(error).to_contain_text("1000")
    await expect(error).to_contain_text("1,000")
    await expect(amount).to_have_value("1.000")
    await expect(page.get_by_label("Kenmerk van de bank")).to_have_value("NL-BANK-AMBIGU")
    await summary.get_by_role("link", name=re.compile("Bedrag in euro")).click()
    await expect(amount).to_be_focused()
    assert await axe_violations(page) == []
    await expect(page.locator("#betalingen ~ * td", has_text="NL-BANK-AMBIGU")).to_have_count(0)

    await amount.fill("40.000,00")
    await page.get_by_label("Kenmerk van de bank").fill("NL-BANK-40K")
    await page.get_by_role("button", name="Overboeking vastleggen").click()
    await expect(page.get_by_role("status")).to_contain_text("De overboeking is vastgelegd.")
    row = page.get_by_role("row").filter(has_text="NL-BANK-40K")
    await expect(row).to_contain_text("€\xa040.000,00")
    assert violations == []
