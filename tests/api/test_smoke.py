from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.demo import load_demo
from tests.api.conftest import GraphQLClient


async def test_demo_catalogue_lists_applications(api: GraphQLClient, session: AsyncSession) -> None:
    assert await load_demo(session)
    await session.commit()
    data = await api.data(
        "{ applications(first: 3) { totalCount edges { node { slug leadMember { code } } } }"
        " members(first: 1) { totalCount } }"
    )
    assert data["applications"]["totalCount"] == 7
    assert len(data["applications"]["edges"]) == 3
    assert data["members"]["totalCount"] == 9
