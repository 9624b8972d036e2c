"""DataLoaders keep the number of SQL statements for a page constant, whatever its size."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from registry.app import create_app
from registry.auth.roles import system_actor
from registry.catalogue.service import ApplicationInput, ReleaseInput, add_release
from registry.catalogue.service import create_application as create
from registry.demo import MEMBERS
from registry.settings import Settings
from tests.conftest import DemoTemplate
from tests.helpers.graphql import GraphQLClient

ACTOR = system_actor("test")

PAGE = """
query Page($first: Int!) {
  applications(first: $first) {
    totalCount
    edges {
      node {
        slug
        licence
        leadMember { code name municipalities { cbsCode } }
        ownerMember { code name }
        ownedByCooperative
        releases { version releasedOn }
        standards
      }
    }
  }
}
"""

NOT_COUNTED = ("PRAGMA", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
EXTRA = 30


@pytest.fixture
async def app(db_url: str, session: AsyncSession, demo_template: DemoTemplate) -> Litestar:
    """The app on the test database, with the demo and 30 fully furnished applications."""
    await demo_template.copy_into(session)
    codes = [m.code for m in MEMBERS]
    for i in range(EXTRA):
        slug = f"applicatie-{i:02d}"
        await create(
            session,
            ACTOR,
            slug,
            ApplicationInput(
                name=f"Applicatie {i:02d}",  # sorts before the demo applications
                lead_member=codes[i % len(codes)],
                owner_member=codes[(i + 1) % len(codes)] if i % 2 else None,
                licence="EUPL-1.2 OR MIT" if i % 3 else "EUPL-1.2",
                standards=(f"Standaard {i}", "WCAG 2.1 AA"),
            ),
        )
        for n in range(2):
            await add_release(
                session,
                ACTOR,
                slug,
                ReleaseInput(f"{n}.{i}.0", date(2024, 1, 1) + timedelta(days=i + n)),
            )
    await session.commit()
    return create_app(Settings(database_url=db_url, dev_mode=True))


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[GraphQLClient]:
    async with AsyncTestClient(app=app) as http:
        yield GraphQLClient(http)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def count_for(client: GraphQLClient, engine: AsyncEngine, first: int) -> list[str]:
    with statements(engine) as seen:
        data = await client.data(PAGE, {"first": first})
    edges = data["applications"]["edges"]
    assert len(edges) == first
    for edge in edges:  # every relation is really there, so every loader ran
        node = edge["node"]
        assert node["leadMember"] is not None
        assert len(node["releases"]) == 2
        assert len(node["standards"]) == 2
    assert any(e["node"]["ownerMember"] for e in edges)
    assert any(e["node"]["leadMember"]["municipalities"] for e in edges)
    return list(seen)


async def test_statement_count_does_not_grow_with_the_page(
    app: Litestar, client: GraphQLClient
) -> None:
    engine: AsyncEngine = app.state.engine
    await client.data(PAGE, {"first": 1})  # warm up: connect, dialect initialisation
    small = await count_for(client, engine, 3)
    large = await count_for(client, engine, EXTRA)
    again = await count_for(client, engine, 3)
    assert len(small) == len(large) == len(again), "\n".join(["--- 3:", *small, "--- 30:", *large])
    assert len(large) <= 10, "\n".join(large)
    assert len(large) >= 6  # count, page, members, municipalities, releases, standards


async def test_a_node_field_without_relations_costs_two_statements(
    app: Litestar, client: GraphQLClient
) -> None:
    engine: AsyncEngine = app.state.engine
    await client.data("{ __typename }")
    with statements(engine) as seen:
        data = await client.data(
            "{ applications(first: 30) { totalCount edges { node { slug } } } }"
        )
    assert len(data["applications"]["edges"]) == 30
    assert len(seen) == 2, seen  # the total and the page
