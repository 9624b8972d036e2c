"""Two requests at the same moment, on two real connections: the same vote cast twice is
recorded once, and a proposal is closed into one decision."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import system_actor
from registry.db import transaction
from registry.governance import service as gov
from registry.governance.models import AgendaItem, Vote
from registry.governance.rules import Choice, ProposalKind
from registry.kit.errors import ValidationFailed
from registry.members.models import Decision

ACTOR = system_actor("test")
T = TypeVar("T")


async def _meeting(session: AsyncSession) -> int:
    meeting = await gov.create_meeting(
        session, ACTOR, gov.MeetingInput("alv", date(2026, 6, 11), "ALV juni 2026")
    )
    item = await gov.add_agenda_item(
        session, ACTOR, meeting.id, gov.ItemInput("Begroting 2027", ProposalKind.BUDGET)
    )
    for code in ("eindhoven", "woerden"):
        await gov.record_attendance(session, ACTOR, meeting.id, member_code=code)
    await session.commit()
    return item.id


async def _twice(
    factory: async_sessionmaker[AsyncSession], work: Callable[[AsyncSession], Awaitable[T]]
) -> list[T | Exception]:
    start = asyncio.Event()

    async def once() -> T | Exception:
        await start.wait()
        try:
            async with transaction(factory) as session:
                result = await work(session)
                await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
                return result
        except ValidationFailed as refused:
            return refused

    tasks = [asyncio.create_task(once()), asyncio.create_task(once())]
    start.set()
    return list(await asyncio.gather(*tasks))


async def test_the_same_vote_at_the_same_moment_is_recorded_once(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    item_id = await _meeting(demo)
    results = await _twice(
        session_factory,
        lambda s: gov.cast_vote(
            s, ACTOR, item_id, gov.VoteInput(Choice.FOR, member_code="woerden")
        ),
    )
    assert all(isinstance(r, Vote) for r in results), results
    async with session_factory() as session:
        votes = list(await session.scalars(select(Vote).where(Vote.agenda_item_id == item_id)))
    assert [(v.choice, v.member_id) for v in votes] == [(Choice.FOR, votes[0].member_id)]
    assert {r.id for r in results if isinstance(r, Vote)} == {votes[0].id}


async def test_closing_twice_at_the_same_moment_records_one_decision(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    item_id = await _meeting(demo)
    async with transaction(session_factory) as session:
        await gov.cast_vote(
            session, ACTOR, item_id, gov.VoteInput(Choice.FOR, member_code="woerden")
        )
    results = await _twice(
        session_factory, lambda s: gov.close_proposal(s, ACTOR, item_id, "ALV-2026-06-B")
    )
    assert sorted(type(r).__name__ for r in results) == ["Outcome", "ValidationFailed"]
    refused = next(r for r in results if isinstance(r, ValidationFailed))
    assert [e.code for e in refused.errors] == ["proposal_closed"]
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).select_from(Decision).where(Decision.reference == "ALV-2026-06-B")
        )
        item = await session.get(AgendaItem, item_id)
    assert count == 1
    assert item is not None
    assert item.adopted is True


async def test_two_proxies_to_one_holder_at_the_same_moment_keep_the_limit(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    item_id = await _meeting(demo)
    async with session_factory() as session:
        item = await session.get(AgendaItem, item_id)
        assert item is not None
        meeting_id = item.meeting_id
    grantors = iter(("groningen", "zaanstad"))

    async def give(session: AsyncSession) -> object:
        return await gov.record_proxy(session, ACTOR, meeting_id, next(grantors), "woerden", "V")

    results = await _twice(session_factory, give)
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(refused) == 1
    assert [e.code for e in refused[0].errors] == ["proxy_limit"]
    async with session_factory() as session:
        view = await gov.meeting_view(session, ACTOR, meeting_id)
    assert len(view.proxies) == 1


async def test_votes_of_two_members_at_the_same_moment_are_both_recorded(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    item_id = await _meeting(demo)
    voters = iter(("woerden", "eindhoven"))

    async def cast(session: AsyncSession) -> Vote:
        return await gov.cast_vote(
            session, ACTOR, item_id, gov.VoteInput(Choice.AGAINST, member_code=next(voters))
        )

    results = await _twice(session_factory, cast)
    assert all(isinstance(r, Vote) for r in results), results
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).select_from(Vote).where(Vote.agenda_item_id == item_id)
        )
    assert count == 2
