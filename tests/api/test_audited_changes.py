"""Changes through the API are on record with who made them; refused ones leave nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.catalogue.models import Application
from tests.helpers.graphql import GraphQLClient

CREATE = """mutation($slug: String!, $licence: String!) {
  applicationCreate(slug: $slug, input: {name: "Afvalkalender", licence: $licence}) {
    errors { code } } }"""
STATUS = """mutation { applicationStatusChange(slug: "afvalkalender", status: EXPLORATION) {
  errors { code } } }"""


async def _events(session: AsyncSession) -> list[AuditEvent]:
    session.expire_all()
    return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


async def test_each_change_is_one_event_and_a_refusal_none(
    api: GraphQLClient, session: AsyncSession
) -> None:
    refused = await api.data(CREATE, {"slug": "afvalkalender", "licence": "geen-licentie"})
    assert refused["applicationCreate"]["errors"] == [{"code": "invalid_spdx"}]
    assert await _events(session) == []
    assert await session.scalar(select(func.count()).select_from(Application)) == 0

    await api.data(CREATE, {"slug": "afvalkalender", "licence": "EUPL-1.2"})
    await api.data(STATUS)
    created, moved = await _events(session)
    assert (created.operation, created.entity_type, created.entity_id) == (
        "create",
        "application",
        "afvalkalender",
    )
    assert created.before is None
    assert json.loads(created.after or "")["licence"] == "EUPL-1.2"
    assert (created.actor_kind, created.role) == ("user", "directie")
    assert moved.operation == "transition"
    assert json.loads(moved.before or "")["status"] == "idea"
    assert json.loads(moved.after or "")["status"] == "exploration"
    assert moved.prev_hash == created.hash
