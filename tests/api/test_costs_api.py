"""Cost pools through GraphQL: the directie's flow, typed errors, and a member's own view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from tests.helpers.graphql import GraphQLClient, grant, graphql_client

pytestmark = pytest.mark.usefixtures("demo")

ENTRY = """
mutation Entry($pool: String!, $input: CostEntryInput!) {
  costEntryAdd(pool: $pool, input: $input) { entry { id amount { amount } } errors { field code } }
}
"""
RUN = """
mutation Run($pool: String!, $until: Date!) {
  allocationRunCreate(pool: $pool, until: $until) {
    created
    runs { kind sequence total { amount } lines { memberCode amount { amount } weight } }
    errors { field code message }
  }
}
"""


def _errors(data: dict[str, Any], field: str) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in data[field]["errors"]]


async def test_demo_pools_show_the_worked_numbers(api: GraphQLClient) -> None:
    pool = (
        await api.data(
            """{ costPool(code: "oprichting") { key total { amount }
                 participants { memberCode percentage }
                 runs { kind reversed lines { memberCode amount { amount } } } } }"""
        )
    )["costPool"]
    assert pool["key"] == "FIXED_PERCENTAGES"
    assert pool["total"] == {"amount": "92500.00"}
    (run,) = pool["runs"]
    amounts = {line["memberCode"]: line["amount"]["amount"] for line in run["lines"]}
    assert amounts == {
        "eindhoven": "46250.00",
        "gr-boxtel-sint-michielsgestel": "23125.00",
        "woerden": "23125.00",
    }
    build = await api.data(
        '{ costPool(code: "zaakafhandeling-bouw") { runs { kind total { amount } } } }'
    )
    assert [r["kind"] for r in build["costPool"]["runs"]] == ["ALLOCATION", "SETTLEMENT"]
    assert build["costPool"]["runs"][1]["total"] == {"amount": "0.00"}


async def test_entry_preview_run_and_rerun(api: GraphQLClient) -> None:
    added = await api.data(
        ENTRY,
        {
            "pool": "zaakafhandeling-bouw",
            "input": {
                "amount": "1000.01",
                "entryDate": "2024-02-01",
                "category": "HOSTING",
                "description": "Hosting februari",
            },
        },
    )
    assert added["costEntryAdd"]["errors"] == []
    preview = await api.data(
        """{ allocationPreview(pool: "zaakafhandeling-bouw", until: "2024-12-31") {
             preview { total { amount } totals { memberCode amount { amount } } }
             errors { code } } }"""
    )
    totals = preview["allocationPreview"]["preview"]["totals"]
    assert sum(Decimal(t["amount"]["amount"]) for t in totals) == Decimal("1000.01")
    assert len(totals) == 4  # Tilburg takes part by now
    stored = (await api.data(RUN, {"pool": "zaakafhandeling-bouw", "until": "2024-12-31"}))[
        "allocationRunCreate"
    ]
    assert stored["created"] is True
    assert stored["runs"][0]["total"] == {"amount": "1000.01"}
    again = (await api.data(RUN, {"pool": "zaakafhandeling-bouw", "until": "2024-12-31"}))[
        "allocationRunCreate"
    ]
    assert (again["created"], again["runs"]) == (False, [])


async def test_typed_refusals(api: GraphQLClient) -> None:
    created = await api.data(
        """mutation { costPoolCreate(input: {code: "hosting-x", name: "Hosting",
             kind: OPERATING, key: FIXED_PERCENTAGES}) { errors { field code } } }"""
    )
    assert _errors(created, "costPoolCreate") == []
    for member, share in (("eindhoven", "60"), ("woerden", "30")):
        await api.data(
            """mutation($m: String!, $p: Decimal!) { poolParticipantAdd(pool: "hosting-x",
                 member: $m, joinedOn: "2025-01-01", percentage: $p) { errors { code } } }""",
            {"m": member, "p": share},
        )
    await api.data(
        ENTRY,
        {
            "pool": "hosting-x",
            "input": {
                "amount": "100",
                "entryDate": "2025-03-01",
                "category": "OTHER",
                "description": "x",
            },
        },
    )
    not_100 = await api.data(RUN, {"pool": "hosting-x", "until": "2025-12-31"})
    assert _errors(not_100, "allocationRunCreate") == [("participants", "percentages_not_100")]
    outsider = await api.data(
        """mutation { poolParticipantAdd(pool: "hosting-x", member: "provincie-utrecht",
             joinedOn: "2026-11-01") { errors { field code } } }"""
    )
    assert _errors(outsider, "poolParticipantAdd") == [("member", "not_a_member")]
    closed = await api.data(
        """mutation { costPoolClose(pool: "hosting-x", until: "2025-12-31") { errors { code } } }"""
    )
    assert closed["costPoolClose"]["errors"] == []
    late = await api.data(
        ENTRY,
        {
            "pool": "hosting-x",
            "input": {
                "amount": "5",
                "entryDate": "2025-12-31",
                "category": "OTHER",
                "description": "y",
            },
        },
    )
    assert _errors(late, "costEntryAdd") == [("entryDate", "closed_period")]


async def test_member_sees_its_own_shares_with_the_explanation(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await grant(session_factory, Role.MEMBER_USER, "woerden")
    query = """query($code: String!) { member(code: $code) {
        costShares { poolCode applicationSlug year amount { amount } }
        costLines { poolCode runKind key weight weightTotal amount { amount } }
    } }"""
    async with graphql_client(db_url, user_id=user_id) as client:
        own = await client.data(query, {"code": "woerden"})
        other = await client.execute(query, {"code": "eindhoven"})
    shares = {
        (s["poolCode"], s["year"]): s["amount"]["amount"] for s in own["member"]["costShares"]
    }
    assert shares[("oprichting", 2020)] == "23125.00"
    slugs = {s["poolCode"]: s["applicationSlug"] for s in own["member"]["costShares"]}
    assert slugs == {"oprichting": None, "zaakafhandeling-bouw": "zaakafhandeling"}
    settlement = [line for line in own["member"]["costLines"] if line["runKind"] == "SETTLEMENT"]
    assert settlement
    assert all(Decimal(line["amount"]["amount"]) < 0 for line in settlement)  # credited
    assert {line["weight"] for line in settlement} == {"52299"}
    assert other["data"]["member"] is None


KEY_CHANGE = """
mutation Key($pool: String!, $input: AllocationKeyInput!) {
  costPoolKeyChange(pool: $pool, input: $input) { pool { key } errors { field code message } }
}
"""


async def test_the_key_changes_for_what_is_still_to_allocate(api: GraphQLClient) -> None:
    async def change(**key: Any) -> dict[str, Any]:
        data: dict[str, Any] = await api.data(KEY_CHANGE, {"pool": "oprichting", "input": key})
        return data

    unchanged = await change(key="FIXED_PERCENTAGES")
    assert _errors(unchanged, "costPoolKeyChange") == [("key", "key_unchanged")]
    no_date = await change(key="INHABITANTS")
    assert _errors(no_date, "costPoolKeyChange") == [("referenceDate", "required")]
    outsider = await change(key="SINGLE_PAYER", singlePayer="tilburg")
    assert _errors(outsider, "costPoolKeyChange") == [("singlePayer", "payer_not_participant")]
    equal = await change(key="EQUAL")
    assert equal["costPoolKeyChange"] == {"pool": {"key": "EQUAL"}, "errors": []}

    # The stored run keeps its key; a new entry is split by the new one.
    added = await api.data(
        ENTRY,
        {
            "pool": "oprichting",
            "input": {
                "amount": "300",
                "entryDate": "2026-01-15",
                "category": "FOUNDING",
                "description": "Notaris",
            },
        },
    )
    assert added["costEntryAdd"]["errors"] == []
    run = (await api.data(RUN, {"pool": "oprichting", "until": "2026-01-31"}))[
        "allocationRunCreate"
    ]
    assert run["errors"] == []
    (new,) = run["runs"]
    assert {line["memberCode"]: line["amount"]["amount"] for line in new["lines"]} == {
        "eindhoven": "100.00",
        "gr-boxtel-sint-michielsgestel": "100.00",
        "woerden": "100.00",
    }
    kept = await api.data(
        '{ costPool(code: "oprichting") { runs { lines { amount { amount } } } } }'
    )
    first_run = kept["costPool"]["runs"][0]
    assert sorted(line["amount"]["amount"] for line in first_run["lines"]) == [
        "23125.00",
        "23125.00",
        "46250.00",
    ]


async def test_an_entry_sent_again_with_its_submission_key_is_stored_once(
    api: GraphQLClient,
) -> None:
    entry = {
        "amount": "75",
        "entryDate": "2026-01-20",
        "category": "FOUNDING",
        "description": "Griffierechten",
        "submissionKey": "a1b2c3",
    }
    first = await api.data(ENTRY, {"pool": "oprichting", "input": entry})
    again = await api.data(ENTRY, {"pool": "oprichting", "input": entry})
    assert first["costEntryAdd"]["errors"] == again["costEntryAdd"]["errors"] == []
    assert first["costEntryAdd"]["entry"]["id"] == again["costEntryAdd"]["entry"]["id"]
    other = await api.data(ENTRY, {"pool": "oprichting", "input": {**entry, "submissionKey": "x"}})
    assert other["costEntryAdd"]["entry"]["id"] != first["costEntryAdd"]["entry"]["id"]
    long = await api.data(
        ENTRY, {"pool": "oprichting", "input": {**entry, "submissionKey": "k" * 65}}
    )
    assert _errors(long, "costEntryAdd") == [("submissionKey", "too_long")]


async def test_a_pool_is_created_with_every_field_of_its_input(api: GraphQLClient) -> None:
    created = await api.data(
        """mutation { costPoolCreate(input: {code: "hosting-zaak", name: "Hosting zaken",
             kind: HOSTING, application: "zaakafhandeling", key: INHABITANTS,
             referenceDate: "2026-01-01", lateJoinerPolicy: DEPRECIATED,
             depreciationYears: 3}) {
           pool { code name kind applicationSlug key referenceDate singlePayer
                  lateJoinerPolicy depreciationYears }
           errors { field code } } }"""
    )
    assert created["costPoolCreate"] == {
        "pool": {
            "code": "hosting-zaak",
            "name": "Hosting zaken",
            "kind": "HOSTING",
            "applicationSlug": "zaakafhandeling",
            "key": "INHABITANTS",
            "referenceDate": "2026-01-01",
            "singlePayer": None,
            "lateJoinerPolicy": "DEPRECIATED",
            "depreciationYears": 3,
        },
        "errors": [],
    }
