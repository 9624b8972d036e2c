"""A member admin's API tokens on pages: create (secret shown once), refusals, revoke with a
confirmation, and nobody else's tokens."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

PAGE = "/leden/woerden/tokens"


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], action: str, data: dict[str, Any]) -> Any:
    html = (await client.get(PAGE)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def test_a_member_admin_creates_a_token_sees_it_once_and_it_works(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wim-woerden")
    created = await post(client, PAGE, {"naam": "Zaaksysteem", "rechten": "usage:write"})
    assert created.status_code == 200
    secret = re.search(r'<code id="token-geheim">(crt_[^<]+)</code>', created.text)
    assert secret is not None
    assert 'src="/static/js/copy.js"' in created.text
    assert "<script>" not in created.text
    listing = (await client.get(PAGE)).text
    assert "Zaaksysteem" in listing
    assert secret.group(1) not in listing  # shown once only
    assert "nog niet" in listing
    # The token is accepted by the API.
    answer = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Authorization": f"Bearer {secret.group(1)}"},
    )
    assert answer.status_code == 200


async def test_a_token_without_permissions_is_refused_and_the_name_kept(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wim-woerden")
    refused = await post(client, PAGE, {"naam": "Zaaksysteem"})
    assert refused.status_code == 422
    assert 'id="token-recht-0-fout"' in refused.text
    assert 'href="#token-recht-0"' in refused.text
    assert 'value="Zaaksysteem"' in refused.text


async def test_revoking_asks_for_confirmation(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    await post(client, PAGE, {"naam": "Oud", "rechten": "usage:write"})
    listing = (await client.get(PAGE)).text
    action = re.search(r'action="(/leden/woerden/tokens/\d+/intrekken)"', listing)
    assert action is not None
    summary = await post(client, action.group(1), {})
    assert summary.status_code == 200
    assert "werkt na bevestigen niet meer" in summary.text
    assert "ingetrokken" not in (await client.get(PAGE)).text
    done = await post(client, action.group(1), {"bevestigd": "ja"})
    assert done.status_code == 303
    shown = (await client.get(PAGE)).text
    assert "Het token Oud is ingetrokken." in shown
    assert "Intrekken: Oud" not in shown
    again = await post(client, action.group(1), {"bevestigd": "ja"})
    assert again.status_code == 303  # a repeated confirmation revokes nothing more


@pytest.mark.parametrize("person", ["dirk-directie", "wendy-woerden", "erik-eindhoven"])
async def test_others_do_not_manage_woerdens_tokens(
    client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    assert (await client.get(PAGE)).status_code == 403
