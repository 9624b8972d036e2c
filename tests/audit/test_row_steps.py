"""The steps the services store rows through: each writes the row and exactly one audit event
with the row as it was and as it is, or nothing when its block is refused."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.audit.service import (
    add_recorded,
    recording_change,
    recording_upsert,
    update_recorded,
)
from registry.auth.models import User
from registry.auth.roles import system_actor
from registry.db import transaction

ACTOR = system_actor("cli:test")
SKIP = frozenset({"created_at", "last_login_at"})


async def _events(factory: async_sessionmaker[AsyncSession]) -> list[AuditEvent]:
    async with factory() as session:
        return list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def _user(subject: str = "jan") -> User:
    return User(issuer="https://idp.example", subject=subject, name="Jan", email="jan@x.nl")


async def test_add_recorded_names_the_new_row_by_its_id_and_table(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        user = _user()
        await add_recorded(session, ACTOR, user, member_id=4, exclude=SKIP, roles=["auditor"])
        user_id = user.id
    (event,) = await _events(session_factory)
    assert (event.operation, event.entity_type, event.entity_id, event.member_id) == (
        "create",
        "user_account",
        str(user_id),
        4,
    )
    assert event.before is None
    assert json.loads(event.after or "") == {
        "id": user_id,
        "issuer": "https://idp.example",
        "subject": "jan",
        "name": "Jan",
        "email": "jan@x.nl",
        "roles": ["auditor"],
    }


async def test_add_recorded_records_nothing_for_a_row_a_unique_key_refuses(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        await add_recorded(session, ACTOR, _user(), entity_type="person", entity_id="jan")
    with pytest.raises(IntegrityError):
        async with transaction(session_factory) as session:
            await add_recorded(session, ACTOR, _user(), entity_type="person", entity_id="jan")
    (event,) = await _events(session_factory)
    assert (event.entity_type, event.entity_id) == ("person", "jan")


async def test_update_recorded_holds_the_old_values_of_the_changed_columns_only(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        user = _user()
        session.add(user)
    async with transaction(session_factory) as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        await update_recorded(session, ACTOR, stored, {"name": "Jan de Vries"}, exclude=SKIP)
    (event,) = await _events(session_factory)
    assert event.operation == "update"
    assert json.loads(event.before or "") == {"name": "Jan"}
    assert json.loads(event.after or "")["name"] == "Jan de Vries"
    async with session_factory() as session:
        assert (await session.get(User, user.id)).name == "Jan de Vries"  # type: ignore[union-attr]


async def test_recording_change_records_the_row_before_and_after_the_block(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        user = _user()
        session.add(user)
    async with transaction(session_factory) as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        async with recording_change(session, ACTOR, "rename", stored, exclude=SKIP, why="typo"):
            stored.name, stored.email = "Jan de Vries", "jdv@x.nl"
    (event,) = await _events(session_factory)
    before, after = json.loads(event.before or ""), json.loads(event.after or "")
    assert event.operation == "rename"
    assert (before["name"], before["email"], "why" in before) == ("Jan", "jan@x.nl", False)
    assert (after["name"], after["email"], after["why"]) == ("Jan de Vries", "jdv@x.nl", "typo")


async def test_recording_change_records_nothing_when_the_block_is_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        user = _user()
        session.add(user)
    with pytest.raises(ValueError, match="refused"):
        await _rename_refused(session_factory, user.id)
    assert await _events(session_factory) == []
    async with session_factory() as session:
        assert (await session.get(User, user.id)).name == "Jan"  # type: ignore[union-attr]


async def _rename_refused(factory: async_sessionmaker[AsyncSession], user_id: int) -> None:
    """A rename whose block is refused after it changed the row."""
    async with transaction(factory) as session:
        stored = await session.get(User, user_id)
        assert stored is not None
        async with recording_change(session, ACTOR, "rename", stored):
            stored.name = "Jan de Vries"
            raise ValueError("refused")


async def test_recording_upsert_creates_then_updates(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    for name in ("Jan", "Jan de Vries"):
        async with transaction(session_factory) as session:
            found = await session.scalar(select(User).where(User.subject == "jan"))
            async with recording_upsert(
                session, ACTOR, found, _user, entity_id="jan", exclude=SKIP
            ) as user:
                user.name = name
    created, updated = await _events(session_factory)
    assert (created.operation, created.before, created.entity_id) == ("create", None, "jan")
    assert json.loads(created.after or "")["name"] == "Jan"
    assert (updated.operation, json.loads(updated.before or "")["name"]) == ("update", "Jan")
    assert json.loads(updated.after or "")["name"] == "Jan de Vries"
    async with session_factory() as session:
        assert len(list(await session.scalars(select(User)))) == 1
