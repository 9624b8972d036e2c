"""A member admin's webhooks on pages: registered for the own member with the secret shown
once, refusals shown on the form with what was typed, deleted after a confirmation, no
other member's webhooks, and why an attempt got no answer in the page's language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.db import create_engine, create_session_factory
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.webhooks.attempts import OLD_DETAIL, failed_three_ways

PAGE = "/leden/woerden/webhooks"


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], action: str, data: dict[str, Any]) -> Any:
    html = (await client.get(PAGE)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def test_a_member_admin_registers_and_deletes_a_webhook(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wim-woerden")
    assert 'href="/leden/woerden/webhooks"' in (await client.get("/leden/woerden")).text
    refused = await post(
        client, PAGE, {"url": "http://woerden.example/hook", "gebeurtenissen": "invoice.paid"}
    )
    assert refused.status_code == 422
    assert 'href="#webhook-url"' in refused.text
    assert 'value="http://woerden.example/hook"' in refused.text
    assert re.search(r'value="invoice.paid"\s+checked', refused.text)

    created = await post(
        client,
        PAGE,
        {
            "url": "https://woerden.example/hook",
            "gebeurtenissen": ["invoice.paid", "invoice.issued"],
        },
    )
    assert created.status_code == 200
    secret = re.search(r'<code id="webhook-geheim">(whsec_[^<]+)</code>', created.text)
    assert secret is not None
    listing = (await client.get(PAGE)).text
    assert "https://woerden.example/hook" in listing
    assert "Factuur betaald" in listing
    assert secret.group(1) not in listing  # shown once only

    action = re.search(r'action="(/leden/woerden/webhooks/\d+/verwijderen)"', listing)
    assert action is not None
    asked = await post(client, action.group(1), {})
    assert "stuurt het register niets meer" in asked.text
    assert "https://woerden.example/hook" in (await client.get(PAGE)).text
    done = await post(client, action.group(1), {"bevestigd": "ja"})
    assert done.status_code == 303
    shown = (await client.get(PAGE)).text
    assert "De webhook naar https://woerden.example/hook is verwijderd." in shown
    assert "Nog geen webhooks." in shown


async def test_another_members_webhooks_are_not_for_a_member_admin(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wim-woerden")
    assert (await client.get("/leden/eindhoven/webhooks")).status_code == 403
    assert (await client.get("/webhooks")).status_code == 403


async def test_why_an_attempt_got_no_answer_is_shown_in_the_pages_language(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    """Sent for real: a port nothing listens on, then (outside development) refused as an
    address of this machine; an attempt stored before the reasons reads as another error, its
    old text as the detail."""
    engine = create_engine(demo_url)
    try:
        subscriber, _ = await failed_three_ways(create_session_factory(engine), "woerden")
    finally:
        await engine.dispose()
    await log_in_as(client, "wim-woerden")
    page = f"{PAGE}/{subscriber}"
    dutch = (await client.get(page)).text
    assert "geen antwoord: kon geen verbinding maken (<code>ConnectError: " in dutch
    assert (
        "geen antwoord: niet verzonden, want het adres is van deze machine of een intern"
        " netwerk (<code>127.0.0.1</code>)"
    ) in dutch
    assert f"geen antwoord: andere fout bij het verzenden (<code>{OLD_DETAIL}</code>)" in dutch
    assert "could not connect" not in dutch.lower()
    english = (await client.get(f"{page}?lang=en")).text
    assert "no answer: could not connect (<code>ConnectError: " in english
    assert (
        "no answer: not sent, as the address is of this machine or a private network"
        " (<code>127.0.0.1</code>)"
    ) in english
    assert f"no answer: other error while sending (<code>{OLD_DETAIL}</code>)" in english
    assert "geen antwoord" not in english
