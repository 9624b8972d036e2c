"""Sibling fields resolve concurrently; they must not trip over one shared database session.

On PostgreSQL (asyncpg) two coroutines using one AsyncSession at the same time fail with
"another operation is in progress"; this is the request that would show it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.catalogue.models import Application
from registry.demo import APPLICATIONS, MEMBERS, shipped_population_csv
from registry.members.population import parse_cbs_csv
from registry.members.shipped import SHIPPED_YEARS, population_csv
from tests.helpers.graphql import GraphQLClient, grant, graphql_client

pytestmark = pytest.mark.usefixtures("demo")

CBS_2020 = {row.cbs_code: row.population for row in parse_cbs_csv(shipped_population_csv())}
WOERDEN_EVERY_YEAR = [
    {"count": row.population}
    for year in SHIPPED_YEARS
    for row in parse_cbs_csv(population_csv(year))
    if row.cbs_code == "GM0632"
]
"""Woerden's figure of 1 January of every year the registry ships, oldest first."""

SIBLINGS = """
query Siblings {
  applications(first: 100) {
    totalCount
    edges { node { slug leadMember { code municipalities { cbsCode } } releases { version } } }
  }
  production: applications(first: 100, filter: {status: [PRODUCTION]}) {
    edges { node { slug standards } }
  }
  members(first: 100) { totalCount edges { node { code } } }
  municipalities(first: 5, filter: {search: "GM06"}) { totalCount edges { node { cbsCode } } }
  woerden: municipality(cbsCode: "GM0632") { name populationFigures { count } }
  application(slug: "mijn-gemeente") { name licence leadMember { code } standards }
  gr: member(code: "gr-boxtel-sint-michielsgestel") {
    name
    inhabitants(on: "2020-01-01") { total figures { cbsCode count } }
  }
  eindhoven: member(code: "eindhoven") { inhabitants(on: "2021-06-30") { total } }
}
"""


def check(data: dict[str, Any]) -> None:
    entered = {slug: (status, app) for slug, status, app in APPLICATIONS}
    applications = data["applications"]
    assert applications["totalCount"] == len(APPLICATIONS)
    nodes = {e["node"]["slug"]: e["node"] for e in applications["edges"]}
    assert set(nodes) == set(entered)
    for slug, node in nodes.items():
        assert node["leadMember"]["code"] == entered[slug][1].lead_member
        assert node["leadMember"]["municipalities"]
    assert {e["node"]["slug"] for e in data["production"]["edges"]} == {
        slug for slug, (status, _) in entered.items() if status.name == "PRODUCTION"
    }
    assert data["members"]["totalCount"] == len(MEMBERS)
    assert {e["node"]["code"] for e in data["members"]["edges"]} == {m.code for m in MEMBERS}
    assert data["municipalities"]["totalCount"] == sum(1 for c in CBS_2020 if "GM06" in c)
    assert data["woerden"] == {"name": "Woerden", "populationFigures": WOERDEN_EVERY_YEAR}
    mijn = entered["mijn-gemeente"][1]
    assert data["application"] == {
        "name": mijn.name,
        "licence": "EUPL-1.2 OR MIT",
        "leadMember": {"code": mijn.lead_member},
        "standards": sorted(mijn.standards),
    }
    gr = data["gr"]["inhabitants"]
    assert gr["total"] == CBS_2020["GM0757"] + CBS_2020["GM0845"] == 60_009
    assert gr["figures"] == [
        {"cbsCode": "GM0757", "count": CBS_2020["GM0757"]},
        {"cbsCode": "GM0845", "count": CBS_2020["GM0845"]},
    ]
    # On 30 June 2021 the latest figure is that of 1 January 2021.
    cbs_2021 = {row.cbs_code: row.population for row in parse_cbs_csv(population_csv(2021))}
    assert data["eindhoven"]["inhabitants"]["total"] == cbs_2021["GM0772"] == 235_689


async def test_sibling_fields_in_one_request(api: GraphQLClient) -> None:
    check(await api.data(SIBLINGS))


async def test_many_such_requests_at_once(api: GraphQLClient) -> None:
    results = await asyncio.gather(*(api.data(SIBLINGS) for _ in range(10)))
    for data in results:
        check(data)


async def test_reads_and_mutations_at_once(api: GraphQLClient) -> None:
    """Mutations use their own transaction while reads run alongside."""
    create = """
    mutation Create($slug: String!) {
      applicationCreate(slug: $slug, input: {name: "Parallel", leadMember: "woerden"}) {
        application { slug leadMember { code } }
        errors { code }
      }
    }
    """
    reads = [api.data(SIBLINGS) for _ in range(5)]
    writes = [api.data(create, {"slug": f"parallel-{i}"}) for i in range(5)]
    results = await asyncio.gather(*reads, *writes)
    for data in results[:5]:
        assert data["members"]["totalCount"] == len(MEMBERS)
        assert data["gr"]["inhabitants"]["total"] == 60_009
    for i, data in enumerate(results[5:]):
        payload = data["applicationCreate"]
        assert payload["errors"] == []
        assert payload["application"] == {
            "slug": f"parallel-{i}",
            "leadMember": {"code": "woerden"},
        }
    total = await api.data("{ applications { totalCount } }")
    assert total["applications"]["totalCount"] == len(APPLICATIONS) + 5


async def test_the_same_slug_created_twice_at_once_gives_one_application(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """The loser of the race gets a typed error, never a crash, and nothing half-stored."""
    create = """mutation { applicationCreate(slug: "tegelijk", input: {name: "Tegelijk"}) {
      application { slug } errors { code } } }"""
    directie = await grant(session_factory, Role.DIRECTIE)
    async with (
        graphql_client(db_url, user_id=directie) as first,
        graphql_client(db_url, user_id=directie) as second,
    ):
        results = await asyncio.gather(*(c.data(create) for c in (first, second, first, second)))
    payloads = [r["applicationCreate"] for r in results]
    assert sum(p["application"] is not None for p in payloads) == 1
    losers = [p["errors"] for p in payloads if p["application"] is None]
    assert all(len(e) == 1 and e[0]["code"] in {"duplicate", "conflict"} for e in losers)
    async with session_factory() as session:
        stored = await session.scalar(
            select(func.count()).select_from(Application).where(Application.slug == "tegelijk")
        )
    assert stored == 1


async def test_losing_the_race_after_the_check_is_a_typed_conflict(
    api: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if another request stored the slug between our uniqueness check and our insert."""

    async def nothing_yet(*_: object) -> None:
        return None

    monkeypatch.setattr("registry.catalogue.repository.application_by_slug", nothing_yet)
    body = await api.data(
        'mutation { applicationCreate(slug: "zaakafhandeling", input: {name: "Dubbel"}) '
        "{ application { slug } errors { field code } } }"
    )
    assert body["applicationCreate"] == {
        "application": None,
        "errors": [{"field": "", "code": "conflict"}],
    }
