"""Membership and contributions through GraphQL: the directie's flow and its typed errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.fees.models import FeeRun
from tests.helpers.graphql import GraphQLClient, grant, graphql_client

pytestmark = pytest.mark.usefixtures("demo")

APPLY = """
mutation Apply($input: MemberApplyInput!) {
  memberApply(input: $input) {
    membership { id status appliedOn }
    errors { field code message }
  }
}
"""
APPROVE = """
mutation Approve($id: ID!, $decision: String!) {
  membershipApprovalRecord(membershipId: $id, decision: $decision, approved: true) {
    membership { status approvalDecision { reference body } }
    errors { field code message }
  }
}
"""
ADMIT = """
mutation Admit($input: AdmissionInput!) {
  memberAdmit(input: $input) {
    membership { status startDate entryFee { amount currency } entryFeeDecision { reference } }
    errors { field code message }
  }
}
"""
DECIDE = """
mutation Decide($input: DecisionInput!) {
  decisionRecord(input: $input) { decision { reference body } errors { field code message } }
}
"""
RATE = """
mutation Rate($input: ContributionRateInput!) {
  contributionRateSet(input: $input) {
    rate { year rate proRata populationPolicy decision { reference } }
    errors { field code message }
  }
}
"""
RUN = """
mutation Run($year: Int!) {
  feeRunCreate(year: $year) {
    created
    run { year sequence inputsSha256 total { amount }
          lines { memberCode inhabitants amount { amount } } }
    errors { field code message }
  }
}
"""
PREVIEW = """
query Preview($year: Int!) {
  feeRunPreview(year: $year) {
    preview {
      unchanged inputsSha256 total { amount }
      lines { memberCode inhabitants referenceDate populationBasis rate decisionReference
              daysBillable daysInYear amount { amount currency } figures { cbsCode count } }
      differences { memberCode previous { amount } current { amount } difference { amount } }
    }
    errors { field code message }
  }
}
"""


def _errors(data: dict[str, Any], field: str) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in data[field]["errors"]]


async def test_admission_flow_with_entry_fee(api: GraphQLClient) -> None:
    applied = await api.data(
        APPLY,
        {
            "input": {
                "code": "amersfoort",
                "name": "Gemeente Amersfoort",
                "type": "gemeente",
                "municipalities": ["GM0307"],
                "appliedOn": "2026-09-01",
            }
        },
    )
    membership = applied["memberApply"]["membership"]
    assert membership["status"] == "APPLIED"
    await api.data(
        DECIDE,
        {
            "input": {
                "body": "RVC",
                "decidedOn": "2026-10-15",
                "reference": "RvC-2026-10",
                "subject": "Toelating Amersfoort",
            }
        },
    )
    approved = await api.data(APPROVE, {"id": membership["id"], "decision": "RvC-2026-10"})
    assert approved["membershipApprovalRecord"]["membership"]["status"] == "APPROVED"
    early = await api.data(
        ADMIT,
        {
            "input": {
                "membershipId": membership["id"],
                "startDate": "2026-10-01",
                "agreementReference": "OVK-AMF",
            }
        },
    )
    assert _errors(early, "memberAdmit") == [("startDate", "before_approval")]
    admitted = await api.data(
        ADMIT,
        {
            "input": {
                "membershipId": membership["id"],
                "startDate": "2026-11-01",
                "agreementReference": "OVK-AMF",
                "entryFee": "2500.00",
                "entryFeeDecision": "ALV-2021-02",
            }
        },
    )
    result = admitted["memberAdmit"]["membership"]
    assert result["startDate"] == "2026-11-01"
    assert result["entryFee"] == {"amount": "2500.00", "currency": "EUR"}
    assert result["entryFeeDecision"] == {"reference": "ALV-2021-02"}


async def test_typed_refusals(api: GraphQLClient) -> None:
    company = await api.data(
        APPLY,
        {"input": {"code": "acme", "name": "Acme BV", "type": "bv", "appliedOn": "2026-09-01"}},
    )
    assert _errors(company, "memberApply") == [("type", "not_government_body")]
    rate = await api.data(RATE, {"input": {"year": 2027, "rate": "0.36", "decision": "ALV-9"}})
    assert _errors(rate, "contributionRateSet") == [("decision", "unknown_decision")]
    second = await api.data(
        """mutation { membershipApply(memberCode: "woerden", appliedOn: "2026-01-01")
           { errors { field code } } }"""
    )
    assert _errors(second, "membershipApply") == [("memberCode", "membership_open")]
    no_rate = await api.data(PREVIEW, {"year": 2019})
    assert _errors(no_rate, "feeRunPreview") == [("year", "no_rate")]


async def test_preview_then_run_then_rerun(api: GraphQLClient, demo: AsyncSession) -> None:
    runs_before = await demo.scalar(select(func.count()).select_from(FeeRun))
    preview = (await api.data(PREVIEW, {"year": 2026}))["feeRunPreview"]["preview"]
    assert preview["unchanged"] is True  # the demo already stored this run
    woerden = next(line for line in preview["lines"] if line["memberCode"] == "woerden")
    # 2026 is rated by the latest published figure, of 1 January 2025: 53,976 × 0.35.
    assert woerden["amount"] == {"amount": "18891.60", "currency": "EUR"}
    assert woerden["populationBasis"] == "LATEST_PUBLISHED"
    assert (woerden["referenceDate"], woerden["rate"]) == ("2025-01-01", "0.35")
    assert woerden["figures"] == [{"cbsCode": "GM0632", "count": 53976}]
    gr = next(
        line for line in preview["lines"] if line["memberCode"] == "gr-boxtel-sint-michielsgestel"
    )
    # Boxtel 34,241 + Sint-Michielsgestel 30,176 (1 January 2025) = 64,417 × 0.35
    assert (gr["inhabitants"], gr["amount"]["amount"]) == (64417, "22545.95")
    rerun = (await api.data(RUN, {"year": 2026}))["feeRunCreate"]
    assert rerun["created"] is False
    assert rerun["run"]["inputsSha256"] == preview["inputsSha256"]
    assert await demo.scalar(select(func.count()).select_from(FeeRun)) == runs_before

    changed = await api.data(
        RATE,
        {
            "input": {
                "year": 2026,
                "rate": "0.36",
                "decision": "ALV-2025-12",
                "populationPolicy": "LATEST_PUBLISHED",
            }
        },
    )
    assert changed["contributionRateSet"]["rate"]["rate"] == "0.36"
    new = (await api.data(PREVIEW, {"year": 2026}))["feeRunPreview"]["preview"]
    assert new["unchanged"] is False
    woerden_difference = next(d for d in new["differences"] if d["memberCode"] == "woerden")
    # 53,976 × 0.01 more = EUR 539.76
    assert woerden_difference["difference"] == {"amount": "539.76"}
    stored = (await api.data(RUN, {"year": 2026}))["feeRunCreate"]
    assert (stored["created"], stored["run"]["sequence"]) == (True, 2)


async def test_member_sees_its_own_history_and_contributions(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await grant(session_factory, Role.MEMBER_USER, "woerden")
    query = """query($code: String!) { member(code: $code) {
        memberships { status startDate approvalDecision { reference } }
        contributions { year amount { amount } inhabitants decisionReference populationBasis }
    } }"""
    async with graphql_client(db_url, user_id=user_id) as client:
        own = await client.data(query, {"code": "woerden"})
        other = await client.execute(query, {"code": "eindhoven"})
    memberships = own["member"]["memberships"]
    assert memberships == [
        {
            "status": "ACTIVE",
            "startDate": "2020-01-01",
            "approvalDecision": {"reference": "RvC-2019-11"},
        }
    ]
    by_year = {c["year"]: c for c in own["member"]["contributions"]}
    assert by_year[2026]["amount"] == {"amount": "18891.60"}  # 53,976 (1 January 2025) × 0.35
    assert by_year[2026]["decisionReference"] == "ALV-2025-12"
    assert by_year[2024]["amount"] == {"amount": "17728.92"}  # 53,724 (1 January 2024) × 0.33
    assert other["data"]["member"] is None
    assert any("not allowed" in e["message"] for e in other["errors"])


async def test_merger_through_the_api(api: GraphQLClient) -> None:
    merged = await api.data(
        """mutation { municipalityMerge(input: {effectiveDate: "2027-01-01",
             successorCode: "GM1990", successorName: "Woerden-Oudewater",
             predecessorCodes: ["GM0632"], successorMemberCode: "woerden-oudewater"}) {
             successor { cbsCode validFrom } successorMember { code }
             absorbed { code } errors { field code } } }"""
    )
    result = merged["municipalityMerge"]
    assert result["errors"] == []
    assert result["successor"] == {"cbsCode": "GM1990", "validFrom": "2027-01-01"}
    assert result["successorMember"] == {"code": "woerden-oudewater"}
    assert result["absorbed"] == [{"code": "woerden"}]
    moved = await api.data(
        """{ member(code: "woerden-oudewater") { adoptions { applicationSlug stage } }
             costPool(code: "oprichting") { participants { memberCode percentage } } }"""
    )
    assert sorted(a["applicationSlug"] for a in moved["member"]["adoptions"]) == [
        "subsidieportaal",
        "zaakafhandeling",
    ]
    assert {"memberCode": "woerden-oudewater", "percentage": "25"} in moved["costPool"][
        "participants"
    ]


async def test_memberships_by_status(api: GraphQLClient) -> None:
    waiting = await api.data("{ memberships(status: APPLIED) { appliedOn member { code } } }")
    assert waiting["memberships"] == [
        {"appliedOn": "2026-10-01", "member": {"code": "provincie-utrecht"}}
    ]
    leaving = await api.data(
        """{ memberships(status: ENDED, on: "2027-01-01") { member { code }
             exitCharge { requested { amount } cap { amount } charged { amount } } } }"""
    )
    # Zwolle asked EUR 75,000; one year of 2026 is 133,810 (1 January 2025, the latest
    # published) × 0.35 = EUR 46,833.50.
    assert leaving["memberships"] == [
        {
            "member": {"code": "zwolle"},
            "exitCharge": {
                "requested": {"amount": "75000.00"},
                "cap": {"amount": "46833.50"},
                "charged": {"amount": "46833.50"},
            },
        }
    ]
