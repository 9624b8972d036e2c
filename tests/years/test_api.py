"""Financial years through GraphQL: the directie closes and reopens, writers are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.models import RoleAssignment, User
from registry.auth.roles import Role
from registry.members.decisions import DecisionInput, record_decision
from tests.api.conftest import demo
from tests.helpers.cooperative import ACTOR
from tests.helpers.graphql import TEST_ISSUER, grant, graphql_client

__all__ = ["demo"]

pytestmark = pytest.mark.usefixtures("demo")

YEARS = "{ financialYears { year status documents invoiced { amount } closedByDecision } }"
CLOSE = """
mutation Close($year: Int!, $decision: String!) {
  financialYearClose(year: $year, decision: $decision) {
    year { year status closedByDecision }
    errors { field code message }
  }
}
"""
REOPEN = """
mutation Reopen($year: Int!, $decision: String!) {
  financialYearReopen(year: $year, decision: $decision) {
    year { year status reopenedByDecision }
    errors { field code message }
  }
}
"""
RATE = """
mutation { contributionRateSet(input: {year: 2025, rate: "0.5", decision: "%s"}) {
  errors { field code message } } }
"""


async def test_the_directie_closes_and_reopens_a_year(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    for reference in ("DIR-2026-CLOSE", "DIR-2026-REOPEN"):
        await record_decision(
            session,
            ACTOR,
            DecisionInput("directie", date(2026, 3, 1), reference, "jaarrekening 2025"),
        )
    alv = await record_decision(
        session, ACTOR, DecisionInput("alv", date(2024, 12, 1), "ALV-TEST", "tarief 2025")
    )
    await session.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as api:
        refused = await api.execute(CLOSE, {"year": 2025, "decision": "DIR-2026-CLOSE"})
        assert refused["data"] is None or refused["data"]["financialYearClose"] is None
    async with graphql_client(db_url, user_id=directie) as api:
        closed = (await api.data(CLOSE, {"year": 2025, "decision": "DIR-2026-CLOSE"}))[
            "financialYearClose"
        ]
        assert closed["errors"] == []
        assert closed["year"] == {
            "year": 2025,
            "status": "CLOSED",
            "closedByDecision": "DIR-2026-CLOSE",
        }
        rate = (await api.data(RATE % alv.reference))["contributionRateSet"]
        assert [(e["field"], e["code"]) for e in rate["errors"]] == [("year", "year_closed")]
        assert "2025" in rate["errors"][0]["message"]
        years = {y["year"]: y for y in (await api.data(YEARS))["financialYears"]}
        assert years[2025]["status"] == "CLOSED"
        again = (await api.data(REOPEN, {"year": 2025, "decision": "DIR-2026-REOPEN"}))[
            "financialYearReopen"
        ]
        assert again["year"]["status"] == "OPEN"
        assert again["year"]["reopenedByDecision"] == "DIR-2026-REOPEN"
        rate = (await api.data(RATE % alv.reference))["contributionRateSet"]
        assert rate["errors"] == []


CLOSE_WAITING = """
mutation Close($year: Int!, $decision: String!) {
  financialYearClose(year: $year, decision: $decision) {
    year { year status closedByDecision }
    approvalRequest { id kind status year decision memberCode documents invoiced: gross { amount } }
    errors { field code message }
  }
}
"""
APPROVE = """
mutation($id: ID!) {
  approvalApprove(id: $id) { request { status resultInvoiceId } errors { field code } }
}
"""


async def test_with_four_eyes_on_a_second_director_approves_the_close(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    await record_decision(
        session, ACTOR, DecisionInput("directie", date(2026, 3, 1), "DIR-2026-4E", "jaarrekening")
    )
    await session.commit()
    first = await grant(session_factory, Role.DIRECTIE)
    async with session_factory() as s, s.begin():
        user = User(issuer=TEST_ISSUER, subject="second-director", name="Tweede bestuurder")
        s.add(user)
        await s.flush()
        s.add(RoleAssignment(user_id=user.id, role=Role.DIRECTIE, member_id=None))
        second = user.id
    variables = {"year": 2025, "decision": "DIR-2026-4E"}
    async with graphql_client(db_url, user_id=first, four_eyes=True) as anne:
        waiting = (await anne.data(CLOSE_WAITING, variables))["financialYearClose"]
        assert waiting["errors"] == []
        assert waiting["year"]["status"] == "OPEN"
        request = waiting["approvalRequest"]
        assert request["kind"] == "CLOSE_YEAR"
        assert request["status"] == "PENDING"
        assert (request["year"], request["decision"], request["memberCode"]) == (
            2025,
            "DIR-2026-4E",
            None,
        )
        again = (await anne.data(CLOSE_WAITING, variables))["financialYearClose"]
        assert again["approvalRequest"]["id"] == request["id"]
        own = (await anne.data(APPROVE, {"id": request["id"]}))["approvalApprove"]
        assert own["errors"] == [{"field": "request", "code": "four_eyes_same_person"}]
    async with graphql_client(db_url, user_id=second, four_eyes=True) as bart:
        done = (await bart.data(APPROVE, {"id": request["id"]}))["approvalApprove"]
        assert done["errors"] == []
        assert done["request"] == {"status": "APPROVED", "resultInvoiceId": None}
        years = {y["year"]: y for y in (await bart.data(YEARS))["financialYears"]}
        assert years[2025]["status"] == "CLOSED"
        assert years[2025]["closedByDecision"] == "DIR-2026-4E"
