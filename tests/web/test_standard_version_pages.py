"""The lead member's admins set the version a standard claim follows on the maintain page
(`Name; version` per line); the application page shows it with the standard's owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

MANAGE = "/applicaties/subsidieportaal/beheer"


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def _maintain(client: AsyncTestClient[Any], standards: str) -> Any:
    page = await client.get(MANAGE)
    return await client.post(
        "/applicaties/subsidieportaal/onderhouden",
        data={
            "_csrf_token": csrf_token_in(page.text),
            "description_nl": "Subsidies aanvragen.",
            "description_en": "Applying for grants.",
            "repository_url": "",
            "standards": standards,
        },
        follow_redirects=False,
    )


async def test_the_lead_member_sets_a_standards_version(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")  # Woerden leads subsidieportaal
    stored = await _maintain(client, "DigiD; 4.2\nNL GOV API Design Rules; 2.0.0")
    assert stored.status_code == 303, stored.text
    manage = (await client.get(MANAGE)).text
    assert "DigiD; 4.2\nNL GOV API Design Rules; 2.0.0" in manage  # the form keeps the versions
    page = (await client.get("/applicaties/subsidieportaal")).text
    claims = page.split('id="standaarden"')[1].split("</ul>")[0]
    assert "DigiD</a>, versie 4.2" in claims or "DigiD, versie 4.2" in claims
    assert "versie 2.0.0 (beheerd door Forum Standaardisatie)" in claims
    english = (await client.get("/applicaties/subsidieportaal?lang=en")).text
    assert "version 2.0.0 (maintained by Forum Standaardisatie)" in english
