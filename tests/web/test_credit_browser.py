"""Crediting an invoice in headless Chromium: the summary first (nothing stored, axe-clean),
then the confirmation issues the credit note."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.web.billing_data import WOERDEN_INVOICE_ID

pytestmark = pytest.mark.browser


async def test_a_credit_note_is_confirmed_on_a_summary(
    start_server: StartServer, page_on: PageOn, billing_url: str
) -> None:
    page = await page_on(start_server(dev_settings(billing_url)))
    invoice = f"/facturen/{WOERDEN_INVOICE_ID}"
    await page.goto(f"/inloggen?volgende={invoice}")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(f"{invoice}$"))
    form = page.get_by_role("form", name="Creditnota uitgeven")
    await form.get_by_role("checkbox").first.check()
    await form.get_by_label("Reden").fill("Verdeelsleutel herzien")
    await form.get_by_label("Verrekenen met de volgende factuur").check()
    await form.get_by_role("button", name="Creditnota uitgeven").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en bevestigen")
    await expect(page.get_by_role("table", name="Regels van de creditnota")).to_be_visible()
    assert await axe_violations(page) == []
    await page.get_by_role("link", name="Terug, niets opslaan").click()
    await expect(page).to_have_url(re.compile(f"{invoice}$"))

    form = page.get_by_role("form", name="Creditnota uitgeven")
    await form.get_by_role("checkbox").first.check()
    await form.get_by_label("Reden").fill("Verdeelsleutel herzien")
    await form.get_by_label("Verrekenen met de volgende factuur").check()
    await form.get_by_role("button", name="Creditnota uitgeven").click()
    await page.get_by_role("button", name="Bevestigen: creditnota uitgeven").click()
    await expect(page.get_by_role("status")).to_contain_text("De creditnota is uitgegeven.")
