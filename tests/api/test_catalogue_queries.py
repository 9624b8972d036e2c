"""The public catalogue through GraphQL: the applications connection and one application."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import system_actor
from registry.catalogue.models import Application, ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.demo import APPLICATIONS, MEMBERS, RELEASES
from registry.graphql.relay import encode_cursor
from tests.helpers.graphql import GraphQLClient, error_messages

pytestmark = pytest.mark.usefixtures("demo")

LIFECYCLE = [
    "IDEA",
    "EXPLORATION",
    "BUILD",
    "ACCEPTANCE",
    "PRODUCTION",
    "RETIRED",
]

PAGE = """
query Page($first: Int!, $after: String, $filter: ApplicationFilter, $orderBy: ApplicationOrder) {
  applications(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug name status licence } }
  }
}
"""

DEMO_SLUGS = {slug for slug, _, _ in APPLICATIONS}
DEMO_BY_SLUG = {slug: (status, data) for slug, status, data in APPLICATIONS}

ACTOR = system_actor("test")


async def page(api: GraphQLClient, **variables: Any) -> dict[str, Any]:
    variables.setdefault("first", 100)
    connection: dict[str, Any] = (await api.data(PAGE, variables))["applications"]
    return connection


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


async def matching(api: GraphQLClient, filter_: dict[str, Any]) -> set[str]:
    connection = await page(api, filter=filter_)
    found = slugs(connection)
    assert connection["totalCount"] == len(found)
    return set(found)


# --- pagination ---------------------------------------------------------------------------


async def test_total_count_is_the_number_of_applications(api: GraphQLClient) -> None:
    connection = await page(api, first=2)
    assert connection["totalCount"] == len(APPLICATIONS)
    assert len(connection["edges"]) == 2


async def test_paging_visits_every_application_once_in_order(api: GraphQLClient) -> None:
    everything = slugs(await page(api))
    assert set(everything) == DEMO_SLUGS
    for size in (1, 2, 3, 7):
        assert await walk(api, size) == everything


async def walk(api: GraphQLClient, size: int) -> list[str]:
    """Follow endCursor page by page, checking pageInfo on the way."""
    total = len(APPLICATIONS)
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        connection = await page(api, first=size, after=after)
        info = connection["pageInfo"]
        batch = slugs(connection)
        assert connection["totalCount"] == total
        assert 1 <= len(batch) <= size
        assert info["hasPreviousPage"] is (pages > 0)
        assert info["startCursor"] == connection["edges"][0]["cursor"]
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        seen += batch
        pages += 1
        if not info["hasNextPage"]:
            break
        assert len(batch) == size
        after = info["endCursor"]
    assert pages == -(-total // size)
    return seen  # the caller checks: no duplicates, no gaps, same order


async def test_page_after_the_last_item_is_empty(api: GraphQLClient) -> None:
    last = (await page(api))["pageInfo"]["endCursor"]
    connection = await page(api, first=5, after=last)
    assert connection["edges"] == []
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }
    assert connection["totalCount"] == len(APPLICATIONS)


async def test_first_accepts_the_bounds(api: GraphQLClient) -> None:
    assert len((await page(api, first=1))["edges"]) == 1
    assert len((await page(api, first=100))["edges"]) == len(APPLICATIONS)


async def test_first_out_of_range_is_a_graphql_error_naming_first(api: GraphQLClient) -> None:
    for first in (0, -1, 101, 1000):
        body = await api.execute(PAGE, {"first": first})
        messages = error_messages(body)
        assert messages, body
        assert any("first" in m for m in messages), messages
        assert body["data"] is None


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


async def test_foreign_cursor_is_refused(api: GraphQLClient) -> None:
    for after in (
        "garbage",
        b64("not-a-cursor"),
        b64("offset:-3"),
        b64("offset:1e3"),
        b64("offset:\u00b2"),  # a Unicode digit, not an ASCII one
        b64("offset:01"),
        encode_cursor(0) + "!!",
    ):
        body = await api.execute(PAGE, {"first": 2, "after": after})
        messages = error_messages(body)
        assert any("after" in m for m in messages), (after, body)
        assert body["data"] is None
    # The genuine article works.
    everything = slugs(await page(api))
    assert slugs(await page(api, after=encode_cursor(1))) == everything[2:]


# --- filters ------------------------------------------------------------------------------


async def test_filter_by_status_list(api: GraphQLClient) -> None:
    wanted = [ApplicationStatus.PRODUCTION, ApplicationStatus.RETIRED]
    expected = {slug for slug, status, _ in APPLICATIONS if status in wanted}
    assert len(expected) >= 3
    found = await matching(api, {"status": [s.name for s in wanted]})
    assert found == expected
    one = await matching(api, {"status": ["IDEA"]})
    assert one == {s for s, status, _ in APPLICATIONS if status is ApplicationStatus.IDEA}


async def test_empty_status_list_does_not_filter(api: GraphQLClient) -> None:
    assert await matching(api, {"status": []}) == DEMO_SLUGS


async def test_filter_by_licence_finds_part_of_an_expression(api: GraphQLClient) -> None:
    found = await matching(api, {"licence": "MIT"})
    assert found == {s for s, _, d in APPLICATIONS if "MIT" in d.licence}
    assert "mijn-gemeente" in found
    connection = await page(api, filter={"licence": "MIT"})
    assert {e["node"]["licence"] for e in connection["edges"]} == {"EUPL-1.2 OR MIT"}
    eupl = await matching(api, {"licence": "eupl-1.2"})
    assert eupl == {s for s, _, d in APPLICATIONS if "EUPL-1.2" in d.licence}
    assert await matching(api, {"licence": "AGPL-3.0-only"}) == set()


async def test_filter_by_lead_member(api: GraphQLClient) -> None:
    for code in ("eindhoven", "woerden", "provincie-utrecht"):
        expected = {s for s, _, d in APPLICATIONS if d.lead_member == code}
        assert await matching(api, {"leadMember": code}) == expected
    assert len(await matching(api, {"leadMember": "eindhoven"})) == 2
    assert await matching(api, {"leadMember": "no-such-member"}) == set()


async def test_filters_combine(api: GraphQLClient) -> None:
    found = await matching(api, {"leadMember": "eindhoven", "status": ["PRODUCTION"]})
    assert found == {
        s
        for s, status, d in APPLICATIONS
        if d.lead_member == "eindhoven" and status is ApplicationStatus.PRODUCTION
    }
    assert len(found) == 1


async def test_search_name_and_descriptions_case_insensitively(api: GraphQLClient) -> None:
    for search, where in [
        ("burgerzaken", "name"),
        ("MIJN GEMEENTE", "name"),
        ("doorlooptijden", "description_nl"),
        ("Grants", "description_en"),
        ("OBJECTIONS", "description_en"),
    ]:
        expected = {s for s, _, d in APPLICATIONS if search.lower() in getattr(d, where).lower()}
        assert expected, f"{search!r} must occur in the demo data"
        # Only the intended column holds the term, so this tests that column.
        for column in {"name", "description_nl", "description_en"} - {where}:
            assert not any(search.lower() in getattr(d, column).lower() for *_, d in APPLICATIONS)
        assert await matching(api, {"search": search}) == expected, search


async def test_search_wildcards_are_literal(api: GraphQLClient, demo: AsyncSession) -> None:
    for slug, name in [
        ("korting", "Korting 100% zeker"),
        ("scan-tool", "Scan_tool"),
        ("plan-tool", "Plan-tool"),
        ("backslash", "Pad C:\\temp"),
    ]:
        await create_application(demo, ACTOR, slug, ApplicationInput(name=name))
    await demo.commit()
    assert await matching(api, {"search": "%"}) == {"korting"}
    assert await matching(api, {"search": "100%"}) == {"korting"}
    assert await matching(api, {"search": "_"}) == {"scan-tool"}
    assert await matching(api, {"search": "n_t"}) == {"scan-tool"}
    assert await matching(api, {"search": "\\"}) == {"backslash"}
    assert await matching(api, {"search": "%%"}) == set()


# --- ordering -----------------------------------------------------------------------------


async def test_order_by_name(api: GraphQLClient) -> None:
    names = {s: d.name for s, _, d in APPLICATIONS}
    asc = slugs(await page(api, orderBy={"field": "NAME", "direction": "ASC"}))
    assert asc == sorted(names, key=lambda s: names[s])
    desc = slugs(await page(api, orderBy={"field": "NAME", "direction": "DESC"}))
    assert desc == list(reversed(asc))
    assert slugs(await page(api)) == asc  # the default order


async def test_order_by_status_follows_the_lifecycle(api: GraphQLClient) -> None:
    rank = {s: LIFECYCLE.index(status.name) for s, status, _ in APPLICATIONS}
    asc = slugs(await page(api, orderBy={"field": "STATUS"}))
    assert asc == sorted(rank, key=lambda s: (rank[s], s))
    desc = slugs(await page(api, orderBy={"field": "STATUS", "direction": "DESC"}))
    assert desc == sorted(rank, key=lambda s: (-rank[s], s))
    # Alphabetical order (acceptance, build, exploration, idea, ...) would differ.
    statuses = [DEMO_BY_SLUG[s][0].value for s in asc]
    assert statuses != sorted(statuses)
    assert statuses[0] == "idea"
    assert statuses[-1] == "retired"


async def test_order_by_updated(api: GraphQLClient, demo: AsyncSession) -> None:
    # Give the applications a known, shuffled order of last change.
    base = datetime(2025, 1, 1, tzinfo=UTC)
    shuffled = sorted(DEMO_SLUGS, key=lambda s: s[::-1])
    for i, slug in enumerate(shuffled):
        await demo.execute(
            update(Application)
            .where(Application.slug == slug)
            .values(updated_at=base + timedelta(hours=i))
        )
    await demo.commit()
    asc = slugs(await page(api, orderBy={"field": "UPDATED", "direction": "ASC"}))
    assert asc == shuffled
    desc = slugs(await page(api, orderBy={"field": "UPDATED", "direction": "DESC"}))
    assert desc == list(reversed(shuffled))
    assert asc != slugs(await page(api, orderBy={"field": "NAME"}))


async def test_ordering_is_kept_across_pages(api: GraphQLClient) -> None:
    order = {"field": "STATUS", "direction": "DESC"}
    everything = slugs(await page(api, orderBy=order))
    first = await page(api, first=4, orderBy=order)
    rest = await page(api, first=4, after=first["pageInfo"]["endCursor"], orderBy=order)
    assert slugs(first) + slugs(rest) == everything


# --- one application ----------------------------------------------------------------------

DETAIL = """
query One($slug: String!) {
  application(slug: $slug) {
    slug name descriptionNl descriptionEn platform status licence repositoryUrl
    nl: description
    en: description(language: EN)
    leadMember { code name type }
    ownerMember { code name }
    ownedByCooperative
    releases { version releasedOn notes }
    standards
    allowedTransitions
  }
}
"""


async def detail(api: GraphQLClient, slug: str) -> dict[str, Any]:
    found: dict[str, Any] = (await api.data(DETAIL, {"slug": slug}))["application"]
    return found


async def test_application_detail_matches_what_was_entered(api: GraphQLClient) -> None:
    for slug in sorted(DEMO_SLUGS):
        await check_detail(api, slug)


async def check_detail(api: GraphQLClient, slug: str) -> None:
    status, data = DEMO_BY_SLUG[slug]
    members = {m.code: m for m in MEMBERS}
    got = await detail(api, slug)
    assert got["slug"] == slug
    assert got["name"] == data.name
    assert got["status"] == status.name
    assert got["licence"] == data.licence
    assert got["repositoryUrl"] == data.repository_url
    assert got["platform"] == data.platform
    assert got["nl"] == data.description_nl == got["descriptionNl"]
    assert got["en"] == data.description_en == got["descriptionEn"]
    assert data.lead_member is not None
    assert got["leadMember"] == {
        "code": data.lead_member,
        "name": members[data.lead_member].name,
        "type": members[data.lead_member].type.upper(),
    }
    if data.owner_member is None:
        assert got["ownerMember"] is None
        assert got["ownedByCooperative"] is True
    else:
        assert got["ownerMember"] == {
            "code": data.owner_member,
            "name": members[data.owner_member].name,
        }
        assert got["ownedByCooperative"] is False
    assert got["standards"] == sorted(set(data.standards))
    releases = sorted(
        (r for s, r in RELEASES if s == slug), key=lambda r: r.released_on, reverse=True
    )
    assert got["releases"] == [
        {"version": r.version, "releasedOn": r.released_on.isoformat(), "notes": r.notes}
        for r in releases
    ]


async def test_owner_member_and_cooperative_ownership(api: GraphQLClient) -> None:
    owned = await detail(api, "rapportage")
    assert owned["ownerMember"]["code"] == "tilburg"
    assert owned["ownedByCooperative"] is False
    cooperative = await detail(api, "zaakafhandeling")
    assert cooperative["ownerMember"] is None
    assert cooperative["ownedByCooperative"] is True


async def test_releases_newest_first(api: GraphQLClient) -> None:
    got = await detail(api, "zaakafhandeling")
    dates = [r["releasedOn"] for r in got["releases"]]
    assert len(dates) == 3
    assert dates == sorted(dates, reverse=True)
    assert got["releases"][0]["version"] == "2.0.0"


async def test_english_description_falls_back_to_dutch(
    api: GraphQLClient, demo: AsyncSession
) -> None:
    await create_application(
        demo,
        ACTOR,
        "alleen-nederlands",
        ApplicationInput(name="Alleen Nederlands", description_nl="Alleen in het Nederlands."),
    )
    await demo.commit()
    got = await detail(api, "alleen-nederlands")
    assert got["descriptionEn"] == ""
    assert got["en"] == "Alleen in het Nederlands."
    assert got["nl"] == "Alleen in het Nederlands."
    assert got["leadMember"] is None
    assert got["releases"] == []
    assert got["standards"] == []
    assert got["repositoryUrl"] is None


async def test_allowed_transitions(api: GraphQLClient) -> None:
    # One step forward or straight to retired; nothing after retired.
    for slug, expected in [
        ("burgerzaken-uittreksel", ["EXPLORATION", "RETIRED"]),  # idea
        ("burgerzaken-verhuizing", ["BUILD", "RETIRED"]),  # exploration
        ("rapportage", ["ACCEPTANCE", "RETIRED"]),  # build
        ("subsidieportaal", ["PRODUCTION", "RETIRED"]),  # acceptance
        ("zaakafhandeling", ["RETIRED"]),  # production
        ("klantcontact-v1", []),  # retired
    ]:
        got = await detail(api, slug)
        assert got["status"] == DEMO_BY_SLUG[slug][0].name
        assert got["allowedTransitions"] == expected, slug


async def test_unknown_slug_is_null(api: GraphQLClient) -> None:
    body = await api.execute(DETAIL, {"slug": "bestaat-niet"})
    assert body == {"data": {"application": None}}


async def test_connection_nodes_resolve_nested_fields(api: GraphQLClient) -> None:
    data = await api.data(
        "{ applications(first: 100) { edges { node { slug leadMember { code }"
        " ownedByCooperative releases { version } standards } } } }"
    )
    nodes = {e["node"]["slug"]: e["node"] for e in data["applications"]["edges"]}
    for slug, (_, entered) in DEMO_BY_SLUG.items():
        assert nodes[slug]["leadMember"]["code"] == entered.lead_member
        assert nodes[slug]["ownedByCooperative"] is (entered.owner_member is None)
        assert nodes[slug]["standards"] == sorted(set(entered.standards))
        assert {r["version"] for r in nodes[slug]["releases"]} == {
            r.version for s, r in RELEASES if s == slug
        }
