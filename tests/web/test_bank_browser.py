"""The directie reads a bank statement in through the page, sees a malformed file refused
with its line, and deals with the waiting lines in the review queue; every state axe-clean."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from registry.billing.models import Invoice, InvoiceStatus
from registry.db import create_engine, create_session_factory
from tests.helpers.axe import axe_violations
from tests.helpers.bankfiles import UNKNOWN_IBAN, Line, camt053
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.web.billing_data import WOERDEN_INVOICE_ID

pytestmark = pytest.mark.browser


async def _invoice(url: str) -> Invoice:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            invoice = await session.get(Invoice, WOERDEN_INVOICE_ID)
            assert invoice is not None
            return invoice
    finally:
        await engine.dispose()


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


async def test_the_directie_imports_a_statement_and_reviews_its_lines(
    start_server: StartServer, page_on: PageOn, billing_url: str
) -> None:
    invoice = await _invoice(billing_url)
    assert invoice.number is not None
    page = await page_on(start_server(dev_settings(billing_url)))
    await page.goto("/inloggen?volgende=/bank")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile("/bank$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bankafschriften")
    assert await axe_violations(page) == []

    broken = "<?xml version='1.0'?>\n<Document>\n<BkToCstmrStmt>\n</Document>\n"
    await page.get_by_label("Bestand").set_input_files(
        {"name": "kapot.xml", "mimeType": "text/xml", "buffer": broken.encode()}
    )
    await page.get_by_role("button", name="Inlezen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("niet goed gevormd op regel 4")
    await expect(page.get_by_text("Er is nog geen afschrift ingelezen.")).to_be_visible()
    assert await axe_violations(page) == []

    statement = camt053(
        [
            Line(_euros(invoice.due_cents), party="Stichting Onbekend", iban=UNKNOWN_IBAN),
            Line("12.10", credit=False, party="ABN AMRO", iban=None, text="Kosten juli"),
        ],
        version="08",
    )
    await page.get_by_label("Bestand").set_input_files(
        {"name": "afschrift.xml", "mimeType": "text/xml", "buffer": statement}
    )
    await page.get_by_role("button", name="Inlezen").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "2 boekingen, 2 nieuw: 0 gekoppeld, 2 wachten op beoordeling"
    )
    await expect(page.get_by_role("link", name="STMT-2023-07-01/126")).to_be_visible()

    await page.get_by_role("link", name="2 boekingen wachten op beoordeling").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Te beoordelen bankboekingen")
    assert await axe_violations(page) == []
    await page.set_viewport_size({"width": 375, "height": 900})  # a phone: nothing sideways
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    assert await axe_violations(page) == []
    await page.set_viewport_size({"width": 1280, "height": 900})

    costs = page.locator("section.bank-review").filter(has_text="ABN AMRO")
    await costs.get_by_role("button", name="Afhandelen zonder factuur").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Geef aan waarom de boeking niet bij een factuur hoort."
    )
    assert await axe_violations(page) == []
    costs = page.locator("section.bank-review").filter(has_text="ABN AMRO")
    await costs.get_by_label("Hoort niet bij een factuur, want").fill("Bankkosten")
    await costs.get_by_role("button", name="Afhandelen zonder factuur").click()
    await expect(page.get_by_role("status")).to_contain_text("niet bij een factuur horend")

    payment = page.locator("section.bank-review").filter(has_text="Stichting Onbekend")
    select = payment.get_by_label("Koppelen aan")
    await select.select_option(invoice.number)
    await payment.get_by_role("button", name="Koppelen", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("De boeking is gekoppeld")
    await expect(page.get_by_text("Er wacht geen boeking op beoordeling.")).to_be_visible()

    paid = await _invoice(billing_url)
    assert paid.status is InvoiceStatus.PAID

    await page.goto("/bank?lang=en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Bank statements")
    await page.get_by_role("link", name="STMT-2023-07-01/126").click()
    await expect(page.get_by_text("Unrelated to invoices: Bankkosten")).to_be_visible()
    assert await axe_violations(page) == []
