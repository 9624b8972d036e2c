"""record(): one chained event per change, in the change's own transaction, on both databases."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit import repository
from registry.audit.chain import GENESIS_HASH, event_hash
from registry.audit.models import AuditEvent
from registry.audit.service import record, verify_log
from registry.auth.models import User
from registry.auth.roles import Actor, ActorKind, Grant, Role, system_actor
from registry.db import transaction
from tests.audit.conftest import seed, tamper


async def _events(factory: async_sessionmaker[AsyncSession]) -> list[AuditEvent]:
    async with factory() as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


async def _head(factory: async_sessionmaker[AsyncSession]) -> tuple[int, str]:
    async with factory() as session:
        return await repository.head(session)


async def test_events_are_chained_and_complete(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    actor = Actor(
        kind=ActorKind.USER,
        label="Jan de Vries <jan@woerden.nl>",
        user_id=7,
        grants=frozenset({Grant(Role.MEMBER_ADMIN, 3), Grant(Role.AUDITOR)}),
    )
    async with transaction(session_factory) as session:
        await record(
            session,
            actor,
            operation="create",
            entity_type="api_token",
            entity_id="1",
            before=None,
            after={"name": "Zaaksysteem", "member_id": 3},
            member_id=3,
        )
        await record(
            session,
            system_actor("cli:test"),
            operation="update",
            entity_type="application",
            entity_id="zaken",
            before={"status": "build", "naam": "Zaken é"},
            after={"status": "acceptance", "naam": "Zaken é"},
        )
    first, second = await _events(session_factory)
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert [event_hash(e) for e in (first, second)] == [first.hash, second.hash]
    assert (first.actor_kind, first.actor_label, first.actor_user_id, first.role) == (
        "user",
        "Jan de Vries <jan@woerden.nl>",
        7,
        "auditor,member_admin@3",
    )
    assert (first.member_id, first.operation, first.entity_type, first.entity_id) == (
        3,
        "create",
        "api_token",
        "1",
    )
    assert first.before is None
    assert json.loads(first.after or "") == {"name": "Zaaksysteem", "member_id": 3}
    assert (second.actor_kind, second.actor_label, second.role) == ("system", "cli:test", "system")
    assert second.before == '{"naam":"Zaken é","status":"build"}'
    assert first.occurred_at.tzinfo is UTC
    assert first.occurred_at <= second.occurred_at
    assert await _head(session_factory) == (2, second.hash)
    async with session_factory() as session:
        assert (await verify_log(session)).intact


async def _register_user_then_fail(factory: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(factory) as session:
        user = User(issuer="https://idp.example", subject="x", name="X")
        session.add(user)
        await session.flush()
        await record(
            session,
            system_actor("cli:test"),
            operation="create",
            entity_type="user",
            entity_id=str(user.id),
            before=None,
            after={"name": "X"},
        )
        raise RuntimeError("refused later in the same operation")


async def test_a_failed_operation_leaves_neither_data_nor_event(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed(session_factory, 2)
    head = await _head(session_factory)
    with pytest.raises(RuntimeError, match="refused later"):
        await _register_user_then_fail(session_factory)
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
    assert [e.seq for e in await _events(session_factory)] == [1, 2]
    assert await _head(session_factory) == head
    # The next change continues the chain where it was.
    await seed(session_factory, 1)
    async with session_factory() as session:
        verdict = await verify_log(session)
    assert (verdict.intact, verdict.events) == (True, 3)


async def test_concurrent_transactions_append_one_after_the_other(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Each transaction records several events, yielding in between, all at the same time."""

    async def change(n: int) -> None:
        async with transaction(session_factory) as session:
            for i in range(3):
                await record(
                    session,
                    system_actor(f"job-{n}"),
                    operation="update",
                    entity_type="application",
                    entity_id=f"{n}.{i}",
                    before={"i": i},
                    after={"i": i + 1},
                )
                await asyncio.sleep(0)

    await asyncio.gather(*(change(n) for n in range(8)))
    events = await _events(session_factory)
    assert [e.seq for e in events] == list(range(1, 25))
    # A transaction's events are consecutive: the head stays locked until it commits.
    for start in range(0, 24, 3):
        assert len({e.actor_label for e in events[start : start + 3]}) == 1
    async with session_factory() as session:
        verdict = await verify_log(session, batch_size=5)
    assert (verdict.intact, verdict.events) == (True, 24)
    assert await _head(session_factory) == (24, events[-1].hash)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor_label = 'someone else' WHERE seq = 1",
        "DELETE FROM audit_event WHERE seq = 2",
        "TRUNCATE audit_event",
    ],
)
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_postgresql_refuses_changes_to_the_log(
    session_factory: async_sessionmaker[AsyncSession], statement: str
) -> None:
    """Enforced in the database on PostgreSQL (on SQLite the code has no path to do it)."""
    await seed(session_factory, 2)
    with pytest.raises(DBAPIError, match="audit_event is append-only"):
        async with session_factory() as session, session.begin():
            await session.execute(text(statement))
    assert [e.actor_label for e in await _events(session_factory)] == ["cli:test-0", "cli:test-1"]


async def test_verify_finds_a_changed_event_and_events_removed_at_the_end(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events = await seed(session_factory, 4)
    await tamper(session_factory, "DELETE FROM audit_event WHERE seq = 4")
    async with session_factory() as session:
        verdict = await verify_log(session)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (4, "head_mismatch")
    assert verdict.last_hash == events[2].hash

    await tamper(session_factory, "UPDATE audit_event SET role = 'admin' WHERE seq = 2")
    async with session_factory() as session:
        verdict = await verify_log(session, batch_size=1)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (2, "hash_mismatch")
    assert verdict.broken.event is not None
    assert verdict.broken.event.id == events[1].id
