"""Members, municipalities and population figures through GraphQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import system_actor
from registry.demo import MEMBERS, shipped_population_csv
from registry.members.figures import CBS_SOURCE, import_population
from registry.members.models import FigureStatus
from registry.members.population import PopulationRow, parse_cbs_csv
from registry.members.shipped import SHIPPED_YEARS, SOURCES, population_csv
from tests.helpers.graphql import GraphQLClient, error_messages

pytestmark = pytest.mark.usefixtures("demo")

CBS_2020 = {row.cbs_code: row for row in parse_cbs_csv(shipped_population_csv())}
SHIPPED = {
    year: {row.cbs_code: row for row in parse_cbs_csv(population_csv(year))}
    for year in SHIPPED_YEARS
}
"""The demo loads the figures of every shipped year (1 January 2020 to 2025)."""
CBS_2025 = SHIPPED[2025]
EVER_KNOWN = {code for figures in SHIPPED.values() for code in figures}
"""The municipalities of 2020 and the successors of the mergers since."""
GR = "gr-boxtel-sint-michielsgestel"

MEMBERS_PAGE = """
query Members($first: Int!, $after: String, $filter: MemberFilter) {
  members(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { code name type oin kvk } }
  }
}
"""

MEMBER = """
query Member($code: String!, $on: Date!) {
  member(code: $code) {
    code name type
    municipalities { cbsCode name }
    inhabitants(on: $on) {
      on total
      figures { cbsCode municipality referenceDate count source status }
    }
  }
}
"""

ACTOR = system_actor("test")


async def member_codes(api: GraphQLClient, filter_: dict[str, Any] | None = None) -> list[str]:
    connection = (await api.data(MEMBERS_PAGE, {"first": 100, "filter": filter_}))["members"]
    codes = [e["node"]["code"] for e in connection["edges"]]
    assert connection["totalCount"] == len(codes)
    return codes


async def test_members_are_listed_by_name(api: GraphQLClient) -> None:
    names = {m.code: m.name for m in MEMBERS}
    assert await member_codes(api) == sorted(names, key=lambda c: (names[c], c))


async def test_members_pages(api: GraphQLClient) -> None:
    everything = await member_codes(api)
    seen: list[str] = []
    after = None
    while True:
        connection = (await api.data(MEMBERS_PAGE, {"first": 4, "after": after}))["members"]
        assert connection["totalCount"] == len(MEMBERS)
        assert connection["pageInfo"]["hasPreviousPage"] is bool(seen)
        seen += [e["node"]["code"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == everything


async def test_member_fields(api: GraphQLClient) -> None:
    data = await api.data(MEMBERS_PAGE, {"first": 100})
    nodes = {e["node"]["code"]: e["node"] for e in data["members"]["edges"]}
    for entered in MEMBERS:
        assert nodes[entered.code] == {
            "code": entered.code,
            "name": entered.name,
            "type": entered.type.upper(),
            "oin": entered.oin,
            "kvk": entered.kvk,
        }


async def test_filter_members_by_type(api: GraphQLClient) -> None:
    for type_ in ("GEMEENTE", "GEMEENSCHAPPELIJKE_REGELING", "PARTNERSHIP", "PROVINCIE"):
        expected = {m.code for m in MEMBERS if m.type.upper() == type_}
        assert expected
        assert set(await member_codes(api, {"type": type_})) == expected
    assert await member_codes(api, {"type": "WATERSCHAP"}) == []


async def test_unknown_member_type_is_a_graphql_error(api: GraphQLClient) -> None:
    body = await api.execute(MEMBERS_PAGE, {"first": 5, "filter": {"type": "VERENIGING"}})
    assert error_messages(body)
    assert body.get("data") is None


async def test_search_members_by_name_or_code(api: GraphQLClient) -> None:
    for search in ("utrecht", "GEMEENTE", "Boxtel", "enschede-apeldoorn", "zwol"):
        expected = {m.code for m in MEMBERS if search.lower() in m.name.lower() or search in m.code}
        assert expected, search
        assert set(await member_codes(api, {"search": search})) == expected, search
    assert await member_codes(api, {"search": "%"}) == []
    both = await member_codes(api, {"search": "gemeente", "type": "GEMEENTE"})
    assert set(both) == {m.code for m in MEMBERS if m.type == "gemeente"}


async def test_member_with_municipalities_and_inhabitants(api: GraphQLClient) -> None:
    member = (await api.data(MEMBER, {"code": GR, "on": "2020-01-01"}))["member"]
    entered = next(m for m in MEMBERS if m.code == GR)
    assert member["type"] == "GEMEENSCHAPPELIJKE_REGELING"
    assert [m["cbsCode"] for m in member["municipalities"]] == sorted(entered.municipalities)
    assert {m["name"] for m in member["municipalities"]} == {"Boxtel", "Sint-Michielsgestel"}
    inhabitants = member["inhabitants"]
    assert inhabitants["on"] == "2020-01-01"
    expected = sum(CBS_2020[code].population for code in entered.municipalities)
    assert inhabitants["total"] == expected == 60_009  # 30,801 + 29,208 (CBS, 1 January 2020)
    assert inhabitants["figures"] == [
        {
            "cbsCode": code,
            "municipality": CBS_2020[code].name,
            "referenceDate": "2020-01-01",
            "count": CBS_2020[code].population,
            "source": CBS_SOURCE,
            "status": "FINAL",
        }
        for code in sorted(entered.municipalities)
    ]


async def test_single_municipality_members(api: GraphQLClient) -> None:
    for code, cbs, count in [("woerden", "GM0632", 52_299), ("eindhoven", "GM0772", 234_394)]:
        member = (await api.data(MEMBER, {"code": code, "on": "2020-07-01"}))["member"]
        assert member["inhabitants"]["total"] == CBS_2020[cbs].population == count
        assert [f["cbsCode"] for f in member["inhabitants"]["figures"]] == [cbs]


async def test_member_without_municipalities_has_no_inhabitants(api: GraphQLClient) -> None:
    member = (await api.data(MEMBER, {"code": "provincie-utrecht", "on": "2020-01-01"}))["member"]
    assert member["municipalities"] == []
    assert member["inhabitants"] == {"on": "2020-01-01", "total": 0, "figures": []}


async def test_unknown_member_is_null(api: GraphQLClient) -> None:
    assert await api.data(MEMBER, {"code": "bestaat-niet", "on": "2020-01-01"}) == {"member": None}


async def test_inhabitants_use_the_latest_figure_on_or_before_the_date(
    api: GraphQLClient, demo: AsyncSession
) -> None:
    await import_population(
        demo,
        ACTOR,
        [PopulationRow(2, "GM0757", "Boxtel", 2026, 31_000)],
        source="test figures 2026",
        status=FigureStatus.PROVISIONAL,
    )
    await demo.commit()
    # The shipped figures end with 1 January 2025.
    smg = CBS_2025["GM0845"].population

    before = (await api.data(MEMBER, {"code": GR, "on": "2025-12-31"}))["member"]["inhabitants"]
    assert before["total"] == CBS_2025["GM0757"].population + smg

    after = (await api.data(MEMBER, {"code": GR, "on": "2026-01-01"}))["member"]["inhabitants"]
    assert after["total"] == 31_000 + smg
    boxtel, gestel = after["figures"]
    assert boxtel == {
        "cbsCode": "GM0757",
        "municipality": "Boxtel",
        "referenceDate": "2026-01-01",
        "count": 31_000,
        "source": "test figures 2026",
        "status": "PROVISIONAL",
    }
    assert gestel["referenceDate"] == "2025-01-01"
    assert gestel["count"] == smg


async def test_inhabitants_before_any_figure_name_the_missing_municipalities(
    api: GraphQLClient,
) -> None:
    body = await api.execute(MEMBER, {"code": GR, "on": "2019-12-31"})  # asserts HTTP 200
    messages = error_messages(body)
    assert len(messages) == 1, body
    assert "GM0757" in messages[0]
    assert "GM0845" in messages[0]
    assert "31 December 2019" in messages[0]
    assert body["errors"][0]["path"] == ["member", "inhabitants"]
    assert body["data"] == {"member": None}


async def test_missing_figure_of_one_municipality_is_named(
    api: GraphQLClient, demo: AsyncSession
) -> None:
    # A figure from 2019 for Boxtel only: on 2019-06-01 only Sint-Michielsgestel is missing.
    await import_population(demo, ACTOR, [PopulationRow(2, "GM0757", "Boxtel", 2019, 30_672)])
    await demo.commit()
    body = await api.execute(MEMBER, {"code": GR, "on": "2019-06-01"})
    messages = error_messages(body)
    assert len(messages) == 1
    assert "GM0845" in messages[0]
    assert "GM0757" not in messages[0]


MUNICIPALITIES = """
query Municipalities($first: Int!, $after: String, $filter: MunicipalityFilter) {
  municipalities(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { cbsCode name validFrom validTo } }
  }
}
"""


async def municipality_codes(api: GraphQLClient, **variables: Any) -> tuple[int, list[str]]:
    variables.setdefault("first", 100)
    connection = (await api.data(MUNICIPALITIES, variables))["municipalities"]
    return connection["totalCount"], [e["node"]["cbsCode"] for e in connection["edges"]]


async def test_municipalities_connection_pages_through_all(api: GraphQLClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        variables = {"first": 100, "after": after}
        connection = (await api.data(MUNICIPALITIES, variables))["municipalities"]
        assert connection["totalCount"] == len(EVER_KNOWN)
        seen += [e["node"]["cbsCode"] for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        assert len(connection["edges"]) == 100
        after = connection["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen))
    assert set(seen) == EVER_KNOWN


async def test_search_municipalities_by_name_and_code(api: GraphQLClient) -> None:
    for search in ("woerden", "GM0632", "gm0632", "sint-michiels", "boxtel"):
        expected = {
            c
            for c, row in CBS_2020.items()
            if search.lower() in row.name.lower() or search.lower() in c.lower()
        }
        assert expected, search
        total, found = await municipality_codes(api, filter={"search": search})
        assert set(found) == expected, search
        assert total == len(expected)


async def test_municipality_by_cbs_code(api: GraphQLClient) -> None:
    query = """
    query One($code: String!) {
      municipality(cbsCode: $code) {
        cbsCode name
        populationFigures { referenceDate count source status }
      }
    }
    """
    for given in ("GM0632", "gm0632", " Gm0632 "):
        found = (await api.data(query, {"code": given}))["municipality"]
        assert found == {
            "cbsCode": "GM0632",
            "name": CBS_2020["GM0632"].name,
            "populationFigures": [
                {
                    "referenceDate": f"{year}-01-01",
                    "count": SHIPPED[year]["GM0632"].population,
                    "source": SOURCES[year],
                    "status": "FINAL",
                }
                for year in SHIPPED_YEARS
            ],
        }
    assert found["populationFigures"][0]["count"] == 52_299
    assert (await api.data(query, {"code": "GM9999"}))["municipality"] is None


async def test_population_figures_oldest_first(api: GraphQLClient, demo: AsyncSession) -> None:
    await import_population(
        demo,
        ACTOR,
        [
            PopulationRow(2, "GM0632", "Woerden", 2022, 52_700),
            PopulationRow(3, "GM0632", "Woerden", 2019, 51_900),
        ],
        source="test",
    )
    await demo.commit()
    data = await api.data(
        '{ municipality(cbsCode: "GM0632") { populationFigures { referenceDate count } } }'
    )
    figures = data["municipality"]["populationFigures"]
    # The 2022 figure replaced the shipped one of that date; 2019 comes first.
    assert figures == [
        {"referenceDate": "2019-01-01", "count": 51_900},
        *(
            {
                "referenceDate": f"{year}-01-01",
                "count": 52_700 if year == 2022 else SHIPPED[year]["GM0632"].population,
            }
            for year in SHIPPED_YEARS
        ),
    ]
    member = (await api.data(MEMBER, {"code": "woerden", "on": str(date(2021, 5, 1))}))["member"]
    assert member["inhabitants"]["total"] == SHIPPED[2021]["GM0632"].population


async def test_member_municipalities_with_figures_in_one_query(api: GraphQLClient) -> None:
    data = await api.data(
        "{ members(first: 100) { edges { node { code"
        " municipalities { cbsCode populationFigures { count } } } } } }"
    )
    nodes = {e["node"]["code"]: e["node"] for e in data["members"]["edges"]}
    for entered in MEMBERS:
        got = nodes[entered.code]["municipalities"]
        assert [m["cbsCode"] for m in got] == sorted(entered.municipalities)
        for m in got:
            assert m["populationFigures"] == [
                {"count": SHIPPED[year][m["cbsCode"]].population} for year in SHIPPED_YEARS
            ]


async def test_page_size_bounds_apply_to_every_connection(api: GraphQLClient) -> None:
    for query in (MEMBERS_PAGE, MUNICIPALITIES):
        for first in (0, 101):
            body = await api.execute(query, {"first": first})
            assert any("first" in m for m in error_messages(body)), body
            assert body["data"] is None
        body = await api.execute(query, {"first": 5, "after": "niet-van-ons"})
        assert any("after" in m for m in error_messages(body)), body
