"""Helpers for the audit tests: events written as the services write them, and tampering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit import service
from registry.audit.models import AuditEvent
from registry.audit.service import record
from registry.auth.roles import system_actor
from registry.members.models import Member, MemberType

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


async def seed(
    factory: async_sessionmaker[AsyncSession], count: int = 5, *, member_id: int | None = None
) -> list[AuditEvent]:
    """`count` committed events, one a day from T0, alternating applications and members."""
    days = iter(range(count))
    events = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "utcnow", lambda: T0 + timedelta(days=next(days)))
        async with factory() as session, session.begin():
            for i in range(count):
                events.append(
                    await record(
                        session,
                        system_actor(f"cli:test-{i}"),
                        operation="create" if i < 2 else "update",
                        entity_type="application" if i % 2 == 0 else "member",
                        entity_id=str(i),
                        before=None if i < 2 else {"name": f"oud {i}"},
                        after={"name": f"nieuw {i}", "kosten": "12.50", "café": True},
                        member_id=member_id if i % 2 else None,
                    )
                )
    return events


async def tamper(factory: async_sessionmaker[AsyncSession], sql: str, **params: Any) -> None:
    """Change the log behind the registry's back, as someone with database access could.

    On PostgreSQL that means switching off the append-only triggers (superuser only).
    """
    async with factory() as session, session.begin():
        if (await session.connection()).dialect.name == "postgresql":
            await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text(sql), params)


async def add_member(factory: async_sessionmaker[AsyncSession]) -> int:
    """Add the member Woerden (committed) and return its id, for events that name a member."""
    async with factory() as session, session.begin():
        member = Member(code="woerden", name="Gemeente Woerden", type=MemberType.GEMEENTE)
        session.add(member)
        await session.flush()
        return member.id
