"""A GraphQL client on the real Litestar app, against the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.demo import load_demo
from registry.settings import Settings
from registry.web.app import create_app


class GraphQLClient:
    def __init__(self, client: AsyncTestClient[Any]) -> None:
        self.http = client

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Post a query; the HTTP status must be 200 (GraphQL errors are in the body)."""
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Post a query that must succeed without GraphQL errors."""
        body = await self.execute(query, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data


async def _client(db_url: str, *, dev_mode: bool) -> AsyncIterator[GraphQLClient]:
    app = create_app(Settings(database_url=db_url, dev_mode=dev_mode))
    async with AsyncTestClient(app=app) as client:
        yield GraphQLClient(client)


@pytest.fixture
async def api(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    """Client in development mode (mutations allowed until login exists)."""
    async for client in _client(db_url, dev_mode=True):
        yield client


@pytest.fixture
async def production_api(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    async for client in _client(db_url, dev_mode=False):
        yield client


@pytest.fixture
async def demo(session: AsyncSession) -> AsyncSession:
    """The demo cooperative (members, CBS 2020 figures, applications), committed."""
    assert await load_demo(session)
    await session.commit()
    return session


def error_messages(body: dict[str, Any]) -> list[str]:
    """The messages of the GraphQL errors in a response body (none: an empty list)."""
    return [str(e["message"]) for e in body.get("errors") or []]
