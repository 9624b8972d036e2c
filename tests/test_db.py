"""Writers and locks: the parts of `registry.db` that keep concurrent writes apart."""

from __future__ import annotations

import asyncio
import warnings

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import begin_writing, serialise, transaction


async def test_a_writer_must_begin_before_it_reads(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await session.execute(text("SELECT 1"))
        with warnings.catch_warnings():  # SQLAlchemy also warns that the option comes late
            warnings.simplefilter("ignore", SAWarning)
            with pytest.raises(RuntimeError, match="before the session's first statement"):
                await begin_writing(session)


async def test_a_second_writer_waits_for_the_first_ones_commit(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """What the first one holds (a member, on PostgreSQL; the database, on SQLite) keeps the
    second one out until the first one commits."""
    order: list[str] = []
    first_holds = asyncio.Event()

    async def first() -> None:
        async with transaction(session_factory) as session:
            await serialise(session, "member:1")
            order.append("first holds")
            first_holds.set()
            await asyncio.sleep(0.3)
            order.append("first commits")

    async def second() -> None:
        await first_holds.wait()
        async with transaction(session_factory) as session:
            await serialise(session, "member:1")
            order.append("second holds")

    await asyncio.gather(first(), second())
    assert order == ["first holds", "first commits", "second holds"]
