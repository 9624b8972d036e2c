"""People and roles on pages: the registry admin gives any role, a member admin revokes its own
member's roles after a confirmation; others are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

NEWCOMER = {
    "naam": "Nina Nieuw",
    "issuer": "https://login.woerden.example",
    "subject": "nina",
    "rol": "member_user",
    "lid": "woerden",
}


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], page: str, action: str, data: dict[str, str]) -> Any:
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def test_the_admin_gives_a_role_and_the_member_admin_revokes_it(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "bea-beheer")
    given = await post(client, "/rollen", "/rollen", NEWCOMER)
    assert given.status_code == 303
    admin_page = (await client.get("/rollen")).text
    assert "Nina Nieuw heeft de rol gekregen." in admin_page
    assert 'href="/rollen" aria-current="page"' in re.sub(r"\s+", " ", admin_page)

    await log_in_as(client, "wim-woerden")
    page = "/leden/woerden/rollen"
    listing = (await client.get(page)).text
    assert "Nina Nieuw" in listing
    summary = await post(client, page, f"{page}/intrekken", NEWCOMER)
    assert summary.status_code == 200
    assert "Nina Nieuw verliest de rol Medewerker" in summary.text
    assert "Nina Nieuw" in (await client.get(page)).text
    done = await post(client, page, f"{page}/intrekken", {**NEWCOMER, "bevestigd": "ja"})
    assert done.status_code == 303
    shown = (await client.get(page)).text
    assert "De rol van Nina Nieuw is ingetrokken." in shown
    assert not re.search(r"<th[^>]*>Nina Nieuw</th>", shown)
    again = await post(client, page, f"{page}/intrekken", {**NEWCOMER, "bevestigd": "ja"})
    assert again.status_code == 303


async def test_a_role_without_its_member_is_refused_next_to_the_field(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "bea-beheer")
    refused = await post(client, "/rollen", "/rollen", {**NEWCOMER, "lid": "", "subject": ""})
    assert refused.status_code == 422
    assert 'id="rol-lid-fout"' in refused.text
    assert 'id="rol-subject-fout"' in refused.text
    assert 'value="Nina Nieuw"' in refused.text


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("wim-woerden", "/rollen"),
        ("dirk-directie", "/rollen"),
        ("wendy-woerden", "/leden/woerden/rollen"),
        ("erik-eindhoven", "/leden/woerden/rollen"),
    ],
)
async def test_others_are_refused(client: AsyncTestClient[Any], person: str, path: str) -> None:
    await log_in_as(client, person)
    assert (await client.get(path)).status_code == 403
