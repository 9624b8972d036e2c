"""Four-eyes approval in the API: invoiceIssue prepares a request, the preparer cannot
approve it, a second director approves it and the invoice is issued then."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.models import RoleAssignment, User
from registry.auth.roles import Role
from tests.helpers.billing_api import RUN, configure_billing_by_api
from tests.helpers.graphql import TEST_ISSUER, grant, graphql_client

ISSUE = """
mutation($id: ID!) {
  invoiceIssue(id: $id) {
    invoice { id number }
    approvalRequest { id kind status memberCode gross { amount } lines { lineNo net { amount } }
                      preparedBy }
    errors { field code }
  }
}
"""
APPROVE = """
mutation($id: ID!) {
  approvalApprove(id: $id) {
    request { status decidedBy resultInvoiceId }
    errors { field code }
  }
}
"""
REJECT = """
mutation($id: ID!, $reason: String!) {
  approvalReject(id: $id, reason: $reason) { request { status reason } errors { field code } }
}
"""
PENDING = "{ approvalRequests { id kind status } }"
NUMBER = "query($id: ID!) { invoice(id: $id) { number status } }"


async def _second_director(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session, session.begin():
        user = User(issuer=TEST_ISSUER, subject="second-director", name="Tweede bestuurder")
        session.add(user)
        await session.flush()
        session.add(RoleAssignment(user_id=user.id, role=Role.DIRECTIE, member_id=None))
        return user.id


@pytest.mark.usefixtures("unbilled_demo")
async def test_a_second_director_approves_what_the_first_prepared(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = await grant(session_factory, Role.DIRECTIE)
    second = await _second_director(session_factory)
    async with graphql_client(db_url, user_id=first, four_eyes=True) as anne:
        await configure_billing_by_api(anne)
        (draft,) = (await anne.data(RUN, {"codes": ["woerden"]}))["invoiceRunCreate"]["drafts"]
        prepared: dict[str, Any] = (await anne.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
        assert prepared["errors"] == []
        assert prepared["invoice"] is None
        request = prepared["approvalRequest"]
        assert request["kind"] == "ISSUE_INVOICE"
        assert request["status"] == "PENDING"
        assert request["memberCode"] == "woerden"
        assert request["gross"] == draft["gross"]
        # A double submit is the same request.
        again = (await anne.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
        assert again["approvalRequest"]["id"] == request["id"]
        assert (await anne.data(PENDING))["approvalRequests"] == [
            {"id": request["id"], "kind": "ISSUE_INVOICE", "status": "PENDING"}
        ]
        own = (await anne.data(APPROVE, {"id": request["id"]}))["approvalApprove"]
        assert own["errors"] == [{"field": "request", "code": "four_eyes_same_person"}]
        assert (await anne.data(NUMBER, {"id": draft["id"]}))["invoice"]["number"] is None
    async with graphql_client(db_url, user_id=second, four_eyes=True) as bart:
        done = (await bart.data(APPROVE, {"id": request["id"]}))["approvalApprove"]
        assert done["errors"] == []
        assert done["request"]["status"] == "APPROVED"
        assert done["request"]["resultInvoiceId"] == draft["id"]
        issued = (await bart.data(NUMBER, {"id": draft["id"]}))["invoice"]
        assert issued["number"] is not None
        twice = (await bart.data(APPROVE, {"id": request["id"]}))["approvalApprove"]
        assert twice["errors"] == [{"field": "request", "code": "approval_not_pending"}]
        rejected = await bart.data(REJECT, {"id": request["id"], "reason": "te laat"})
        assert rejected["approvalReject"]["errors"] == [
            {"field": "request", "code": "approval_not_pending"}
        ]
        assert (await bart.data(PENDING))["approvalRequests"] == []
