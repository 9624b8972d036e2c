"""In headless Chromium: the directie registers a webhook of another catalogue, a member's
proposal is published on the pages, the receiver on loopback gets the signed event, the
deliveries page shows the attempt and sends it again with the same event id; axe-core finds
no violations on the webhook pages."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import dev_settings
from tests.helpers.receiver import Receiver, receiver

pytestmark = pytest.mark.browser

PATIENCE_SECONDS = 60
"""A guard against waiting for ever, not a speed requirement."""


async def _log_in(page: Page, person: str, next_path: str) -> None:
    await page.goto(f"/inloggen?volgende={next_path}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


async def _received(web: Receiver, path: str, count: int) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while len(web.at(path)) < count:
        assert time.monotonic() < deadline, f"{path} got {len(web.at(path))} of {count}"
        await asyncio.sleep(0.05)


async def test_register_receive_and_replay(
    start_server: StartServer, page_on: PageOn, demo_url: str
) -> None:
    with receiver() as web:
        page = await page_on(start_server(dev_settings(demo_url)))
        await _log_in(page, "Dirk Directie", "/webhooks")
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Webhooks van andere catalogi"
        )
        assert await axe_violations(page) == []
        await page.get_by_label("URL").fill("https://catalogus.example/webhook")
        await page.get_by_role("button", name="Webhook aanmaken").click()
        await expect(page.locator("#webhook-gebeurtenissen-fout")).to_be_visible()
        await expect(page.get_by_label("URL")).to_have_value("https://catalogus.example/webhook")
        assert await axe_violations(page) == []
        await page.get_by_label("URL").fill(f"{web.url}/catalogus")
        await page.get_by_label("Applicatie gepubliceerd").check()
        await page.get_by_role("button", name="Webhook aanmaken").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Webhook aangemaakt")
        secret = await page.locator("#webhook-geheim").text_content()
        assert secret is not None
        assert secret.startswith("whsec_")
        assert await axe_violations(page) == []
        await page.get_by_role("button", name="Uitloggen").click()

        await _log_in(page, "Wim Woerden", "/leden/woerden/voorstellen")
        await page.get_by_label("Naam", exact=True).fill("Afvalkalender")
        await page.get_by_label("Korte naam (in het webadres)").fill("afvalkalender")
        await page.get_by_label("Welk probleem lost de applicatie op?").fill(
            "Inwoners bellen om te vragen wanneer het afval wordt opgehaald."
        )
        await page.get_by_label("Omschrijving (Nederlands)").fill("Ophaaldagen per adres.")
        await page.get_by_role("button", name="Voorstel indienen").click()
        await expect(page).to_have_url(re.compile(r"/applicaties/afvalkalender/beheer$"))
        await page.get_by_role("button", name="Uitloggen").click()
        assert web.requests == []  # a proposal is not public yet

        await _log_in(page, "Dirk Directie", "/applicaties/afvalkalender/beheer")
        await page.get_by_label("Besluit").select_option("publish")
        await page.get_by_role("button", name="Besluit vastleggen").click()
        await expect(page.get_by_role("status")).to_have_text("Het voorstel is gepubliceerd.")

        await _received(web, "/catalogus", 1)
        (first,) = web.at("/catalogus")
        assert first.signed_by(secret)
        assert first.event["type"] == "application.published"
        assert first.event["data"]["slug"] == "afvalkalender"

        await page.goto("/webhooks")
        await page.get_by_role("link", name=f"{web.url}/catalogus").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Verzendingen naar {web.url}/catalogus"
        )
        table = page.get_by_role("table", name="De nieuwste verzendingen")
        await expect(table).to_contain_text(first.event_id)
        await expect(table).to_contain_text("Applicatie gepubliceerd")
        deadline = time.monotonic() + PATIENCE_SECONDS
        while "antwoord 204" not in (await table.text_content() or ""):
            assert time.monotonic() < deadline, "the attempt was never shown"
            await page.reload()  # the page was read before the attempt was stored
        await expect(table).to_contain_text("Afgeleverd")
        assert await axe_violations(page) == []

        await page.get_by_role("button", name=f"Opnieuw verzenden: {first.event_id}").click()
        await expect(page.get_by_role("status")).to_have_text(
            f"Gebeurtenis {first.event_id} wordt opnieuw verzonden."
        )
        await _received(web, "/catalogus", 2)
        again = web.at("/catalogus")[1]
        assert again.event_id == first.event_id
        assert again.body == first.body
        assert again.signed_by(secret)

        await page.goto("/webhooks?lang=en")
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Webhooks of other catalogues"
        )
        await expect(page.get_by_role("table", name="Webhooks")).to_contain_text(
            "Application published"
        )
