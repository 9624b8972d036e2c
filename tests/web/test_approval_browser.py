"""Four-eyes approval in headless Chromium, two people in two browser contexts: Dirk (a
director) prepares a credit note, it waits on the approvals page; Dora (the second director)
sees what it will issue and approves it, and only then is the credit note issued."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.web.billing_data import WOERDEN_INVOICE_ID

pytestmark = pytest.mark.browser


async def _log_in(page: Page, person: str, then: str) -> None:
    await page.goto(f"/inloggen?volgende={then}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(f"{then}$"))


async def test_one_director_prepares_and_a_second_director_approves(
    start_server: StartServer, page_on: PageOn, billing_url: str
) -> None:
    server = start_server(dev_settings(billing_url, four_eyes=True))
    invoice = f"/facturen/{WOERDEN_INVOICE_ID}"

    dirk = await page_on(server)
    await _log_in(dirk, "Dirk Directie", invoice)
    form = dirk.get_by_role("form", name="Creditnota uitgeven")
    await form.get_by_role("checkbox").first.check()
    await form.get_by_label("Reden").fill("Verdeelsleutel herzien")
    await form.get_by_label("Verrekenen met de volgende factuur").check()
    await form.get_by_role("button", name="Creditnota uitgeven").click()
    await expect(dirk.get_by_role("note")).to_contain_text("tweede bestuurder")
    await dirk.get_by_role(
        "button", name="Bevestigen: voorleggen aan een tweede bestuurder"
    ).click()
    await expect(dirk).to_have_url(re.compile("/goedkeuringen$"))
    await expect(dirk.get_by_role("status")).to_contain_text("wacht op goedkeuring")
    # The preparer cannot approve; they may withdraw.
    await expect(dirk.get_by_role("button", name="Goedkeuren en uitvoeren")).to_have_count(0)
    await expect(dirk.get_by_role("button", name="Intrekken")).to_be_visible()
    # Nothing is issued yet: the invoice has no credit note.
    await dirk.goto(invoice)
    await expect(dirk.get_by_role("link", name=re.compile("Creditnota"))).to_have_count(0)

    dora = await page_on(server)
    await _log_in(dora, "Dora Directie", "/goedkeuringen")
    request = dora.get_by_role("region", name=re.compile("Creditnota uitgeven: Gemeente Woerden"))
    await expect(request).to_be_visible()
    await expect(request).to_contain_text("Verdeelsleutel herzien")
    await expect(request).to_contain_text("Dirk Directie")
    await expect(request.get_by_role("table", name="Regels van de creditnota")).to_contain_text("€")
    assert await axe_violations(dora) == []

    # A rejection needs a reason: the form comes back with the error.
    await request.get_by_role("button", name="Afwijzen").click()
    await expect(dora.get_by_text("Geef de reden van de afwijzing.").first).to_be_visible()
    assert await axe_violations(dora) == []

    request = dora.get_by_role("region", name=re.compile("Creditnota uitgeven: Gemeente Woerden"))
    await request.get_by_role("button", name="Goedkeuren en uitvoeren").click()
    await expect(dora.get_by_role("status")).to_contain_text("De creditnota is uitgegeven.")
    await expect(dora.get_by_role("heading", level=1)).to_contain_text("Creditnota")
    await dora.goto("/goedkeuringen")
    await expect(dora.locator("#geen-verzoeken")).to_be_visible()
    await expect(dora.get_by_role("table", name="Recent besloten verzoeken")).to_contain_text(
        "Goedgekeurd"
    )
