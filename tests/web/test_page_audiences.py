"""Every page that needs a permission, opened by every kind of person: the walk over all pages.

The pages are found in the application itself (so a new page is walked without being listed
here); whether each person may open one is the policy's answer for its declared audience.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.auth.policy import RULES
from registry.auth.roles import Role
from registry.web.access import AUDIENCE, PageAudience
from tests.helpers.pages import dev_settings, log_in_as

PEOPLE = {
    "dirk-directie": Role.DIRECTIE,
    "anna-auditor": Role.AUDITOR,
    "wendy-woerden": Role.MEMBER_USER,
}
"""People of the test cooperative and their one role (the member user only for Woerden)."""

NEW_PAGES = {
    "/besluiten",
    "/contributie/tarieven",
    "/toelatingen",
    "/kostenpotten/nieuw",
    "/tarieven",
    "/rollen",
    "/auditlog",
}


def permission_pages(app: Litestar) -> dict[str, PageAudience]:
    """GET pages without path parameters that need a permission for no particular member."""
    pages = {}
    for route in app.routes:
        if "{" in route.path or route.path.startswith(("/graphql", "/static")):
            continue
        for handler in getattr(route, "route_handlers", ()):
            declared = handler.opt.get(AUDIENCE)
            if (
                "GET" in (handler.http_methods or ())
                and isinstance(declared, PageAudience)
                and declared.any_of
                and declared.member_param is None
            ):
                pages[route.path] = declared
    return pages


def may_open(role: Role, declared: PageAudience) -> bool:
    return any(role in RULES[permission].everywhere for permission in declared.any_of)


@pytest.fixture
async def app(cooperative_db_url: str) -> Litestar:
    return create_app(dev_settings(cooperative_db_url))


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=app) as client:
        yield client


def test_the_walk_includes_the_directies_pages(app: Litestar) -> None:
    assert set(permission_pages(app)) >= NEW_PAGES


async def test_anonymous_visitors_are_sent_to_the_login(
    app: Litestar, client: AsyncTestClient[Any]
) -> None:
    for path in permission_pages(app):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/inloggen?volgende="), path


@pytest.mark.parametrize("person", sorted(PEOPLE))
async def test_each_role_opens_exactly_the_pages_the_policy_gives_it(
    app: Litestar, client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    outcome = {}
    expected = {}
    for path, declared in sorted(permission_pages(app).items()):
        outcome[path] = (await client.get(path, follow_redirects=False)).status_code
        expected[path] = 200 if may_open(PEOPLE[person], declared) else 403
    assert outcome == expected
