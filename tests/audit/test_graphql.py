"""auditEvents and auditChainStatus: for auditors (and admins), refused to everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from tests.audit.conftest import add_member, seed, tamper
from tests.helpers.graphql import error_messages, grant, graphql_client

EVENTS = """
query ($first: Int!, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      seq occurredAt actorKind actorLabel role memberId operation entityType entityId
      before after prevHash hash member { code }
    } }
  }
}
"""

STATUS = "{ auditChainStatus { intact events firstBrokenSeq reason } }"


def _seqs(data: dict[str, Any]) -> list[int]:
    return [edge["node"]["seq"] for edge in data["auditEvents"]["edges"]]


async def test_auditors_list_and_filter_events(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    member_id = await add_member(session_factory)
    events = await seed(session_factory, 5, member_id=member_id)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as api:
        page = await api.data(EVENTS, {"first": 2})
        assert page["auditEvents"]["totalCount"] == 5
        assert _seqs(page) == [5, 4]  # newest first
        newest = page["auditEvents"]["edges"][0]["node"]
        assert newest == {
            "seq": 5,
            "occurredAt": "2026-03-05T09:00:00+00:00",
            "actorKind": "SYSTEM",
            "actorLabel": "cli:test-4",
            "role": "system",
            "memberId": None,
            "operation": "update",
            "entityType": "application",
            "entityId": "4",
            "before": {"name": "oud 4"},
            "after": {"café": True, "kosten": "12.50", "name": "nieuw 4"},
            "prevHash": events[3].hash,
            "hash": events[4].hash,
            "member": None,
        }
        rest = await api.data(
            EVENTS, {"first": 10, "after": page["auditEvents"]["pageInfo"]["endCursor"]}
        )
        assert _seqs(rest) == [3, 2, 1]

        async def only(**criteria: Any) -> list[int]:
            return _seqs(await api.data(EVENTS, {"first": 10, "filter": criteria}))

        assert await only(entityType="member") == [4, 2]
        assert await only(entityType="application", entityId="2") == [3]
        assert await only(operation="create") == [2, 1]
        assert await only(actorLabel="TEST-3") == [4]
        assert await only(memberCode="woerden") == [4, 2]
        assert await only(memberCode="nergens") == []
        assert await only(since="2026-03-02T09:00:00Z", until="2026-03-04T09:00:00Z") == [4, 3, 2]
        assert await only(since="2026-03-04T10:00:00+01:00") == [5, 4]  # 09:00 UTC
        assert await only(until="2026-03-01T09:00:00") == [1]  # no offset: UTC
        member = await api.data(EVENTS, {"first": 1, "filter": {"memberCode": "woerden"}})
        assert member["auditEvents"]["edges"][0]["node"]["member"] == {"code": "woerden"}


async def test_auditors_see_whether_the_chain_is_intact(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(session_factory, 3)
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as api:
        intact = await api.data(STATUS)
        assert intact["auditChainStatus"] == {
            "intact": True,
            "events": 3,
            "firstBrokenSeq": None,
            "reason": None,
        }
        await tamper(session_factory, "UPDATE audit_event SET entity_id = '99' WHERE seq = 2")
        broken = (await api.data(STATUS))["auditChainStatus"]
    assert (broken["intact"], broken["events"], broken["firstBrokenSeq"]) == (False, 1, 2)
    assert broken["reason"].startswith("hash_mismatch: ")


@pytest.mark.parametrize("role", [None, Role.DIRECTIE, Role.MEMBER_USER])
async def test_others_may_not_read_the_log(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], role: Role | None
) -> None:
    await add_member(session_factory)
    await seed(session_factory, 2)
    user = (
        None
        if role is None
        else await grant(session_factory, role, "woerden" if role is Role.MEMBER_USER else None)
    )
    async with graphql_client(db_url, user_id=user) as api:
        for query, variables in ((EVENTS, {"first": 5}), (STATUS, None)):
            body = await api.execute(query, variables)
            assert body["data"] is None
            expected = "log in first" if role is None else "requires audit:read"
            assert any(expected in message for message in error_messages(body))


async def test_admins_may_read_the_log(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(session_factory, 2)
    admin = await grant(session_factory, Role.ADMIN)
    async with graphql_client(db_url, user_id=admin) as api:
        assert _seqs(await api.data(EVENTS, {"first": 5})) == [2, 1]
