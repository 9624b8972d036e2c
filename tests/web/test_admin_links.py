"""A person finds the pages for a member and a pool by links, each only when allowed: the
member page links to proposals, the calculator, people and roles, API tokens, admissions and
the member's audit events; the pool pages link to creating a pool and to its management."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from tests.helpers.pages import dev_settings, log_in_as

ALL = {
    "/leden/woerden/voorstellen",
    "/leden/woerden/kostenberekening",
    "/leden/woerden/rollen",
    "/leden/woerden/tokens",
    "/toelatingen",
    "/auditlog?lid=woerden",
}


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


def linked(html: str) -> set[str]:
    return {path for path in ALL if f'href="{path}"' in html}


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (
            "wim-woerden",
            {
                "/leden/woerden/voorstellen",
                "/leden/woerden/kostenberekening",
                "/leden/woerden/rollen",
                "/leden/woerden/tokens",
            },
        ),
        ("wendy-woerden", {"/leden/woerden/kostenberekening"}),
        ("dirk-directie", {"/leden/woerden/kostenberekening", "/toelatingen"}),
        ("anna-auditor", {"/auditlog?lid=woerden"}),
        ("bea-beheer", {"/leden/woerden/rollen", "/auditlog?lid=woerden"}),
    ],
)
async def test_the_member_page_links_what_each_person_may_open(
    client: AsyncTestClient[Any], person: str, expected: set[str]
) -> None:
    await log_in_as(client, person)
    page = await client.get("/leden/woerden")
    assert page.status_code == 200
    assert linked(page.text) == expected
    for path in expected:  # every link opens
        assert (await client.get(path)).status_code == 200, path


@pytest.mark.parametrize(("person", "manages"), [("dirk-directie", True), ("anna-auditor", False)])
async def test_the_pool_pages_link_to_their_management(
    client: AsyncTestClient[Any], person: str, manages: bool
) -> None:
    await log_in_as(client, person)
    index = (await client.get("/kostenpotten")).text
    assert ('href="/kostenpotten/nieuw"' in index) is manages
    pool = (await client.get("/kostenpotten/zaakafhandeling-bouw")).text
    assert ('href="/kostenpotten/zaakafhandeling-bouw/beheer"' in pool) is manages
