"""Adoption and usage through GraphQL: member admins, a machine client's token, the public."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role, system_actor
from registry.auth.service import TokenInput, create_token
from registry.settings import Settings
from registry.usage.models import UsageRecord
from tests.helpers.graphql import SESSION_SECRET, GraphQLClient, grant, graphql_client
from tests.live import LiveServer

pytestmark = pytest.mark.usefixtures("demo")

BULK = """
mutation Bulk($member: String!, $records: [UsageInput!]!) {
  usageRecordBulk(member: $member, records: $records) {
    created replaced unchanged errors { field code message }
  }
}
"""


async def _token(factory: async_sessionmaker[AsyncSession], application: str | None) -> str:
    async with factory() as session, session.begin():
        _, secret = await create_token(
            session,
            system_actor("test"),
            TokenInput("woerden", "zaaksysteem", ["usage:write"], application),
        )
    return secret


@pytest.fixture
async def machine(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    """The zaakafhandeling installation of Woerden, with a token limited to that application."""
    secret = await _token(session_factory, "zaakafhandeling")
    async with graphql_client(db_url, dev_mode=False) as client:
        client.http.headers["Authorization"] = f"Bearer {secret}"
        yield client


def _records(count: int, application: str = "zaakafhandeling") -> list[dict[str, Any]]:
    return [
        {
            "application": application,
            "period": f"{2024 + i // 12}-{i % 12 + 1:02d}",
            "metric": "transactions",
            "quantity": str(100 + i),
        }
        for i in range(count)
    ]


async def test_token_reports_in_bulk_and_again_replaces(
    machine: GraphQLClient, demo: AsyncSession
) -> None:
    before = await demo.scalar(select(func.count()).select_from(UsageRecord))
    stored = (await machine.data(BULK, {"member": "woerden", "records": _records(24)}))[
        "usageRecordBulk"
    ]
    assert (stored["created"], stored["errors"]) == (24, [])
    changed = _records(24)
    changed[0]["quantity"] = "999"
    again = (await machine.data(BULK, {"member": "woerden", "records": changed}))["usageRecordBulk"]
    assert (again["created"], again["replaced"], again["unchanged"]) == (0, 1, 23)
    assert await demo.scalar(select(func.count()).select_from(UsageRecord)) == (before or 0) + 24


async def test_token_scope_is_enforced(machine: GraphQLClient) -> None:
    other_application = (
        await machine.data(BULK, {"member": "woerden", "records": _records(2, "subsidieportaal")})
    )["usageRecordBulk"]
    assert [(e["field"], e["code"]) for e in other_application["errors"]] == [
        ("records[0].application", "outside_token_scope"),
        ("records[1].application", "outside_token_scope"),
    ]
    other_member = await machine.execute(BULK, {"member": "eindhoven", "records": _records(1)})
    assert other_member["data"] is None
    assert "not allowed" in other_member["errors"][0]["message"]


async def test_bulk_error_names_each_record_and_stores_none(
    machine: GraphQLClient, demo: AsyncSession
) -> None:
    before = await demo.scalar(select(func.count()).select_from(UsageRecord))
    records = _records(3)
    records[1]["quantity"] = "-1"
    records[2]["metric"] = "bezoekers"
    refused = (await machine.data(BULK, {"member": "woerden", "records": records}))[
        "usageRecordBulk"
    ]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("records[1].quantity", "negative_quantity"),
        ("records[2].metric", "unknown_metric"),
    ]
    assert await demo.scalar(select(func.count()).select_from(UsageRecord)) == before


async def test_member_admin_adopts_and_advances(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    async with graphql_client(db_url, user_id=user_id) as client:
        adopted = (
            await client.data(
                """mutation { adoptionCreate(input: {member: "woerden",
                     application: "mijn-gemeente", acquisitionOn: "2026-10-01",
                     module: "Portaal", version: "3.2.1"}) {
                     adoption { id stage usageRight { licence startDate endDate } }
                     errors { field code } } }"""
            )
        )["adoptionCreate"]
        assert adopted["errors"] == []
        assert adopted["adoption"]["usageRight"]["startDate"] == "2026-10-01"
        advanced = (
            await client.data(
                """mutation($id: ID!) { adoptionAdvance(member: "woerden", id: $id,
                     stage: IN_PRODUCTION, on: "2026-11-02") { adoption { stage inProductionOn }
                     errors { field code } } }""",
                {"id": adopted["adoption"]["id"]},
            )
        )["adoptionAdvance"]
        assert advanced["adoption"] == {"stage": "IN_PRODUCTION", "inProductionOn": "2026-11-02"}
        not_ready = (
            await client.data(
                """mutation { adoptionCreate(input: {member: "woerden", application: "rapportage",
                     acquisitionOn: "2026-10-01"}) { adoption { id } errors { code } } }"""
            )
        )["adoptionCreate"]
        refused = (
            await client.data(
                """mutation($id: ID!) { adoptionAdvance(member: "woerden", id: $id,
                     stage: IN_PRODUCTION, on: "2026-11-02") { errors { field code } } }""",
                {"id": not_ready["adoption"]["id"]},
            )
        )["adoptionAdvance"]
        assert refused["errors"] == [{"field": "stage", "code": "application_not_ready"}]
        foreign = await client.execute(
            """mutation { adoptionCreate(input: {member: "eindhoven",
                 application: "subsidieportaal", acquisitionOn: "2026-10-01"})
                 { errors { code } } }"""
        )
        assert "not allowed" in foreign["errors"][0]["message"]


async def test_public_sees_who_uses_what_and_whom_they_serve(production_api: GraphQLClient) -> None:
    data = await production_api.data(
        """{ application(slug: "zaakafhandeling") {
               users { memberCodes inhabitants referenceDate } }
             member(code: "zwolle") { applicationsInUse } }"""
    )
    users = data["application"]["users"]
    assert users["memberCodes"] == [  # by name
        "eindhoven",
        "tilburg",
        "woerden",
        "gr-boxtel-sint-michielsgestel",
    ]
    # The latest shipped figures, of 1 January 2025: Eindhoven 249,035 + Woerden 53,976
    # + Tilburg 230,357 + Boxtel 34,241 + Sint-Michielsgestel 30,176
    assert users["inhabitants"] == 597_785
    assert users["referenceDate"] == "2025-01-01"
    assert data["member"]["applicationsInUse"] == ["mijn-gemeente"]


async def test_usage_fees_for_a_member(api: GraphQLClient) -> None:
    fees = (
        await api.data(
            """{ usageFees(member: "woerden", first: "2026-01", last: "2026-02") {
                 lines { period quantity price amount { amount } } total { amount } } }"""
        )
    )["usageFees"]
    # 2026-01: 980 + 37 = 1017 cases × 0.12 = 122.04; 2026-02: 1054 × 0.12 = 126.48
    assert [(line["period"], line["amount"]["amount"]) for line in fees["lines"]] == [
        ("2026-01", "122.04"),
        ("2026-02", "126.48"),
    ]
    assert Decimal(fees["total"]["amount"]) == Decimal("248.52")


async def test_a_token_reporting_many_times_at_once_is_answered_every_time(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], demo: AsyncSession
) -> None:
    """Ten reports of the same records at once to a real server (each also records the
    token's last use): every one is answered, the records are stored once."""
    before = await demo.scalar(select(func.count()).select_from(UsageRecord))
    secret = await _token(session_factory, "zaakafhandeling")
    settings = Settings(database_url=db_url, session_secret=SESSION_SECRET)
    with LiveServer(settings) as server:
        async with httpx.AsyncClient(
            base_url=server.url, timeout=120, headers={"Authorization": f"Bearer {secret}"}
        ) as http:
            client = GraphQLClient(http)
            variables = {"member": "woerden", "records": _records(24)}
            results = await asyncio.gather(*(client.data(BULK, variables) for _ in range(10)))
    answers = [r["usageRecordBulk"] for r in results]
    assert all(a["errors"] == [] for a in answers), answers
    assert sum(a["created"] for a in answers) == 24
    assert await demo.scalar(select(func.count()).select_from(UsageRecord)) == (before or 0) + 24


TARIFF = """
mutation($price: Decimal!) {
  usageTariffSet(application: "zaakafhandeling", metric: "active_users", price: $price,
                 validFrom: "2026-11", decision: "ALV-2023-12") {
    tariff { metric price validFrom } warnings { year } errors { field code }
  }
}
"""


async def test_the_directie_sets_a_tariff_once_per_month(api: GraphQLClient) -> None:
    stored = (await api.data(TARIFF, {"price": "0.55"}))["usageTariffSet"]
    assert stored == {
        "tariff": {"metric": "ACTIVE_USERS", "price": "0.55", "validFrom": "2026-11"},
        "warnings": [],  # nobody reported active users: nothing invoiced changes
        "errors": [],
    }
    again = (await api.data(TARIFF, {"price": "0.60"}))["usageTariffSet"]
    assert again["tariff"] is None
    assert again["errors"] == [{"field": "validFrom", "code": "duplicate"}]
    negative = (await api.data(TARIFF, {"price": "-1"}))["usageTariffSet"]
    assert negative["errors"][0]["field"] == "price"
