"""Calling the GraphQL API in tests: a client of the application, people with a role, the
errors of an answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth import sessions
from registry.auth.models import RoleAssignment, User
from registry.auth.roles import Role
from registry.db import create_engine, create_session_factory, transaction
from registry.http.security import SESSION_ID_KEY, session_config
from registry.members import repository as members
from registry.settings import Settings
from tests.live import LiveServer


class GraphQLClient:
    def __init__(self, client: httpx.AsyncClient) -> None:
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


SESSION_SECRET = "tQ8vXr2LmZ4pKw9sNb6eHc3JdY7gFa5uRk1oVi0zEx"
"""A random-looking secret: the service refuses guessable ones."""
TEST_ISSUER = "https://idp.test.example"


async def grant(
    factory: async_sessionmaker[AsyncSession], role: Role, member: str | None = None
) -> int:
    """A person holding `role` (for `member`), as an admin would have set it up; their id."""
    async with factory() as session, session.begin():
        member_id = None
        if member is not None:
            found = await members.member_by_code(session, member)
            assert found is not None, f"no member {member}"
            member_id = found.id
        user = User(issuer=TEST_ISSUER, subject=f"{role.value}-{member or 'all'}", name=role.value)
        session.add(user)
        await session.flush()
        session.add(RoleAssignment(user_id=user.id, role=role, member_id=member_id))
        return user.id


async def log_in(db_url: str, user_id: int) -> str:
    """A login session of the person, stored as a login would; its id for the cookie."""
    engine = create_engine(db_url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            return await sessions.open_session(session, user_id, timedelta(hours=8))
    finally:
        await engine.dispose()


@asynccontextmanager
async def graphql_client(
    db_url: str, *, dev_mode: bool = True, user_id: int | None = None, **overrides: Any
) -> AsyncIterator[GraphQLClient]:
    """`overrides` are further settings, e.g. the Stripe ones for a gateway on localstripe."""
    settings = Settings(
        database_url=db_url, dev_mode=dev_mode, session_secret=SESSION_SECRET, **overrides
    )
    app = create_app(settings)
    async with AsyncTestClient(
        app=app, base_url="https://testserver.local", session_config=session_config(settings)
    ) as client:
        if user_id is not None:
            await client.set_session_data({SESSION_ID_KEY: await log_in(db_url, user_id)})
        yield GraphQLClient(client)


@asynccontextmanager
async def live_graphql_client(
    db_url: str, user_id: int, **overrides: Any
) -> AsyncIterator[GraphQLClient]:
    """A client of the app served for real, so that its requests can run at the same moment."""
    settings = Settings(
        database_url=db_url, dev_mode=True, session_secret=SESSION_SECRET, **overrides
    )
    async with AsyncTestClient(
        app=create_app(settings), session_config=session_config(settings)
    ) as signer:
        await signer.set_session_data({SESSION_ID_KEY: await log_in(db_url, user_id)})
        cookies = {cookie.name: cookie.value or "" for cookie in signer.cookies.jar}
    with LiveServer(settings) as server:
        # Requests at the same moment wait for each other's write lock: on a busy machine that
        # can take longer than httpx's default of 5 s, which is no failure of the registry.
        async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=120) as http:
            yield GraphQLClient(http)


def error_messages(body: dict[str, Any]) -> list[str]:
    """The messages of the GraphQL errors in a response body (none: an empty list)."""
    return [str(e["message"]) for e in body.get("errors") or []]
