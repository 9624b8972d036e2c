"""A GraphQL client on the real Litestar app, against the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from tests.conftest import DemoTemplate
from tests.helpers.graphql import GraphQLClient, grant, graphql_client


@pytest.fixture
async def api(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    """Client logged in as the directie, who manages the catalogue."""
    user_id = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(db_url, user_id=user_id) as client:
        yield client


@pytest.fixture
async def production_api(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    """Anonymous client of a service in production mode."""
    async with graphql_client(db_url, dev_mode=False) as client:
        yield client


@pytest.fixture
async def demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    """The demo cooperative (members, CBS 2020 figures, applications), committed."""
    await demo_template.copy_into(session)
    await session.commit()
    return session


@pytest.fixture
async def unbilled_demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    """The demo cooperative before anything was billed: these tests bill it themselves."""
    await demo_template.copy_into(session, invoices=False)
    await session.commit()
    return session
