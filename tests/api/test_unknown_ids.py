"""An `ID` argument the API never handed out is a refusal in the mutation's payload (its
field, its code), like any other refusal: never a GraphQL error, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import Role
from tests.helpers.graphql import grant, graphql_client

pytestmark = pytest.mark.usefixtures("demo")

DIRECTIE = [
    (
        'mutation { approvalReject(id: "abc", reason: "Te hoog") { request { id } errors'
        " { field code } } }",
        "approvalReject",
        {"field": "", "code": "no_approval_request"},
    ),
    (
        'mutation { approvalWithdraw(id: "0") { request { id } errors { field code } } }',
        "approvalWithdraw",
        {"field": "", "code": "no_approval_request"},
    ),
    (
        'mutation { allocationRunCorrect(run: "x1") { runs { id } errors { field code } } }',
        "allocationRunCorrect",
        {"field": "run", "code": "invalid_id"},
    ),
    (
        'mutation { invoiceRemindersPause(id: "abc", reason: "Betalingsregeling") { reminders'
        " { invoiceId } errors { field code } } }",
        "invoiceRemindersPause",
        {"field": "id", "code": "invalid_id"},
    ),
    (
        'mutation { invoiceRemindersResume(id: "-1") { reminders { invoiceId } errors'
        " { field code } } }",
        "invoiceRemindersResume",
        {"field": "id", "code": "invalid_id"},
    ),
    (
        'mutation { membershipApprovalRecord(membershipId: "abc", decision: "RvC-1",'
        " approved: true) { membership { id } errors { field code } } }",
        "membershipApprovalRecord",
        {"field": "membershipId", "code": "invalid_id"},
    ),
    (
        'mutation { memberAdmit(input: {membershipId: "abc", startDate: "2026-11-01",'
        ' agreementReference: "OVK-1"}) { membership { id } errors { field code } } }',
        "memberAdmit",
        {"field": "membershipId", "code": "invalid_id"},
    ),
    (
        'mutation { membershipEnd(input: {membershipId: "x", noticeDate: "2026-11-01",'
        ' endDate: "2027-12-31"}) { membership { id } errors { field code } } }',
        "membershipEnd",
        {"field": "membershipId", "code": "invalid_id"},
    ),
]
MEMBER_ADMIN = [
    (
        'mutation { apiTokenRevoke(member: "woerden", id: "abc") { token { id } errors'
        " { field code } } }",
        "apiTokenRevoke",
        {"field": "", "code": "not_found"},
    ),
    (
        'mutation { subscriberDelete(member: "woerden", id: "-1") { ok errors { field code } } }',
        "subscriberDelete",
        {"field": "", "code": "not_found"},
    ),
    (
        'mutation { deliveryReplay(member: "woerden", id: "abc") { delivery { id } errors'
        " { field code } } }",
        "deliveryReplay",
        {"field": "", "code": "not_found"},
    ),
    (
        'mutation { adoptionAdvance(member: "woerden", id: "abc", stage: PLANNED,'
        ' on: "2026-01-05") { adoption { id } errors { field code } } }',
        "adoptionAdvance",
        {"field": "id", "code": "invalid_id"},
    ),
]


async def _events(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_an_id_the_api_never_handed_out_is_refused_in_the_payload(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    directie = await grant(session_factory, Role.DIRECTIE)
    admin = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    before = await _events(session_factory)
    for user_id, cases in ((directie, DIRECTIE), (admin, MEMBER_ADMIN)):
        async with graphql_client(db_url, user_id=user_id) as api:
            for query, name, refusal in cases:
                answer = (await api.data(query))[name]
                assert answer.pop("errors") == [refusal], name
                assert all(not value for value in answer.values()), name
    assert await _events(session_factory) == before
