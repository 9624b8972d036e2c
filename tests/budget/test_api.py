"""The contracts register and the budget over GraphQL: the threshold refusal in the payload,
signing with the RvC's decision, a budget adopted and then read-only, the quarterly figures
and the calendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.members.decisions import DecisionInput, record_decision
from tests.helpers.cooperative import ACTOR, cooperative
from tests.helpers.graphql import grant, graphql_client

__all__ = ["cooperative"]

CREATE = """mutation($input: ContractInput!) {
  contractCreate(input: $input) {
    contract { reference status amount { amount } } errors { field code }
  }
}"""
SIGN = """mutation($approval: String) {
  contractSign(reference: "C-API-1", signedOn: "2026-03-01", approval: $approval) {
    contract { status signedOn } errors { field code message }
  }
}"""


async def test_the_directie_keeps_contracts_and_the_budget_over_graphql(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    await record_decision(
        cooperative, ACTOR, DecisionInput("rvc", date(2026, 2, 1), "RvC-API-1", "goedkeuring")
    )
    await record_decision(
        cooperative, ACTOR, DecisionInput("alv", date(2026, 11, 20), "ALV-API-1", "begroting")
    )
    await cooperative.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, dev_mode=False, user_id=directie) as client:
        created = await client.data(
            CREATE,
            {
                "input": {
                    "reference": "C-API-1",
                    "supplier": "Hosting BV",
                    "subject": "Hosting",
                    "amount": "75000.00",
                    "startDate": "2026-03-01",
                    "endDate": "2028-02-29",
                    "noticeDate": "2027-08-31",
                }
            },
        )
        assert created["contractCreate"] == {
            "contract": {
                "reference": "C-API-1",
                "status": "DRAFT",
                "amount": {"amount": "75000.00"},
            },
            "errors": [],
        }
        refused = (await client.data(SIGN, {"approval": None}))["contractSign"]
        assert refused["contract"] is None
        (error,) = refused["errors"]
        assert (error["field"], error["code"]) == ("approval", "rvc_approval_required")
        assert "50,000.00" in error["message"]
        signed = (await client.data(SIGN, {"approval": "RvC-API-1"}))["contractSign"]
        assert signed == {"contract": {"status": "SIGNED", "signedOn": "2026-03-01"}, "errors": []}

        for operation in (
            "budgetStart(year: 2027) { ok errors { code } }",
            'budgetLineSet(year: 2027, item: CONTRIBUTIONS, amount: "120000")'
            " { ok errors { code } }",
            'budgetAdopt(year: 2027, decision: "ALV-API-1") { ok errors { code } }',
        ):
            result = await client.data(f"mutation {{ {operation} }}")
            assert next(iter(result.values())) == {"ok": True, "errors": []}
        late = await client.data(
            'mutation { budgetLineSet(year: 2027, item: USAGE_FEES, amount: "1")'
            " { ok errors { code } } }"
        )
        assert late["budgetLineSet"] == {"ok": False, "errors": [{"code": "budget_adopted"}]}
    async with graphql_client(db_url, dev_mode=False, user_id=auditor) as client:
        read = await client.data(
            "{ budgets(year: 2027) { budgets { version status decision income { amount } } } "
            "contracts { reference status } "
            "statutoryCalendar(year: 2026) { deadlines { kind year state doneOn } } }"
        )
        assert read["budgets"]["budgets"] == [
            {
                "version": 1,
                "status": "ADOPTED",
                "decision": "ALV-API-1",
                "income": {"amount": "120000.00"},
            }
        ]
        assert read["contracts"] == [{"reference": "C-API-1", "status": "SIGNED"}]
        budget = next(d for d in read["statutoryCalendar"]["deadlines"] if d["kind"] == "BUDGET")
        assert budget == {"kind": "BUDGET", "year": 2027, "state": "DONE", "doneOn": "2026-11-20"}
        report = await client.data(
            "{ quarterlyReport(year: 2026, quarter: 1) { errors { code } report { quarter "
            "contracts { reference stillToCome { amount } } } } }"
        )
        # The first quarter of 2026 ended before any of this was recorded: nothing in it yet.
        assert report["quarterlyReport"]["report"]["contracts"] == []
