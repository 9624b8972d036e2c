"""Paying an invoice by card in headless Chromium, against localstripe: Stripe.js (localstripe's
stand-in) takes the card, 3-D Secure is completed in its modal, and the invoice turns paid when
localstripe's signed webhook reaches the registry. A declined card leaves the invoice open."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from registry.web.payments import WEBHOOK_PATH
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.live import LiveServer
from tests.localstripe import (
    API_KEY,
    PUBLISHABLE_KEY,
    WEBHOOK_EVENTS,
    WEBHOOK_SECRET,
    Localstripe,
)
from tests.web.billing_data import WOERDEN_INVOICE_ID, WOERDEN_TOTAL
from tests.web.conftest import csp_violations

pytestmark = pytest.mark.browser

INVOICE = f"/facturen/{WOERDEN_INVOICE_ID}"
THREE_D_SECURE = "4000002760003184"
DECLINED = "4000000000000341"


@pytest.fixture
def payment_server(
    start_server: StartServer, billing_url: str, localstripe: Localstripe
) -> LiveServer:
    """The app with payments on localstripe, and localstripe's webhook pointing at it."""
    settings = dev_settings(
        billing_url,
        stripe_api_key=API_KEY,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=localstripe.url,
        stripe_js_url=f"{localstripe.url}/js.stripe.com/v3/",
    )
    server = start_server(settings)
    response = httpx.post(
        f"{localstripe.url}/_config/webhooks/registry-pages",
        json={
            "url": f"{server.url}{WEBHOOK_PATH}",
            "secret": WEBHOOK_SECRET,
            "events": WEBHOOK_EVENTS,
        },
    )
    response.raise_for_status()
    return server


@pytest.fixture
async def payment_page(page_on: PageOn, payment_server: LiveServer) -> Page:
    return await page_on(payment_server)


async def _pay_with(page: Page, card_number: str) -> None:
    """As Woerden's member admin: from the invoice to the payment page, and submit the card."""
    await page.goto(f"/inloggen?volgende={INVOICE}")
    await page.get_by_role("button", name="Wim Woerden").click()
    await expect(page).to_have_url(re.compile(rf"{INVOICE}$"))
    await expect(page.locator("#status")).to_have_text("Openstaand")
    async with page.expect_response(lambda r: r.url.endswith("/betalen")) as answer:
        await page.get_by_role("link", name="Betalen").click()
    await expect(page).to_have_url(re.compile(rf"{INVOICE}/betalen$"))
    # Stripe.js may come from localstripe's origin on this page, and from nowhere else.
    policy = (await answer.value).headers["content-security-policy"]
    assert re.search(r"script-src 'self' http://127\.0\.0\.1:\d+;", policy), policy
    await expect(page.get_by_text(f"Te betalen: {WOERDEN_TOTAL}")).to_be_visible()
    card = page.get_by_role("group", name="Creditcard")
    for field, value in (
        ("number", card_number),
        ("exp_month", "12"),
        ("exp_year", "30"),
        ("cvc", "123"),
        ("postal_code", "3447"),
    ):
        await card.locator(f"input[placeholder='{field}']").fill(value)
    await page.get_by_role("button", name="Betalen").click()


async def test_a_card_with_3d_secure_pays_the_invoice(payment_page: Page) -> None:
    page = payment_page
    violations = csp_violations(page)
    await _pay_with(page, THREE_D_SECURE)
    await page.get_by_role("button", name="Complete authentication").click()
    done = page.locator("#betaald")
    await expect(done).to_contain_text(
        "Betaling verwerkt; de factuur wordt betaald gemeld zodra de betaling is bevestigd."
    )
    await done.get_by_role("link", name="Naar de factuur").click()
    await expect(page).to_have_url(re.compile(rf"{INVOICE}$"))
    # localstripe delivers its signed event a second later; the page shows it once it arrived.
    for _ in range(30):
        if await page.locator("#status").inner_text() == "Betaald":
            break
        await page.wait_for_timeout(500)
        await page.reload()
    await expect(page.locator("#status")).to_have_text("Betaald")
    await expect(page.locator("#openstaand")).to_have_text("€\xa00,00")
    await expect(page.get_by_role("cell", name="Online betaling")).to_be_visible()
    assert violations == []


async def test_a_declined_card_leaves_the_invoice_open(payment_page: Page) -> None:
    page = payment_page
    violations = csp_violations(page)
    await _pay_with(page, DECLINED)
    error = page.locator("#kaart-fout")
    await expect(error).to_contain_text("De betaling is geweigerd.")
    await expect(page.get_by_role("group", name="Creditcard")).to_have_attribute(
        "aria-invalid", "true"
    )
    await page.goto(INVOICE)
    await expect(page.locator("#status")).to_have_text("Openstaand")
    await expect(page.locator("#openstaand")).to_have_text(WOERDEN_TOTAL)
    assert violations == []
