"""The queries of governance."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.governance.models import (
    AgendaItem,
    Attendance,
    BodyPerson,
    Conflict,
    Meeting,
    Proxy,
    Vote,
)
from registry.governance.rules import MeetingForm
from registry.members.models import DecisionBody


async def people(session: AsyncSession, body: DecisionBody | None = None) -> list[BodyPerson]:
    query = select(BodyPerson).order_by(BodyPerson.body, BodyPerson.starts_on, BodyPerson.id)
    if body is not None:
        query = query.where(BodyPerson.body == body)
    return list(await session.scalars(query))


async def people_of_user(session: AsyncSession, user_id: int) -> list[BodyPerson]:
    return list(await session.scalars(select(BodyPerson).where(BodyPerson.user_id == user_id)))


async def meetings(
    session: AsyncSession, body: DecisionBody | None = None, limit: int = 200
) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)
    if body is not None:
        query = query.where(Meeting.body == body)
    return list(await session.scalars(query))


async def items_of(session: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    return list(
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


async def attendance_of(session: AsyncSession, meeting_id: int) -> list[Attendance]:
    return list(
        await session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting_id).order_by(Attendance.id)
        )
    )


async def proxies_of(session: AsyncSession, meeting_id: int) -> list[Proxy]:
    return list(
        await session.scalars(
            select(Proxy).where(Proxy.meeting_id == meeting_id).order_by(Proxy.id)
        )
    )


async def votes_of(session: AsyncSession, item_ids: Sequence[int]) -> list[Vote]:
    if not item_ids:
        return []
    return list(
        await session.scalars(
            select(Vote).where(Vote.agenda_item_id.in_(item_ids)).order_by(Vote.id)
        )
    )


async def conflicts(
    session: AsyncSession, person_ids: Sequence[int] | None = None
) -> list[Conflict]:
    query = select(Conflict).order_by(Conflict.person_id, Conflict.starts_on, Conflict.id)
    if person_ids is not None:
        query = query.where(Conflict.person_id.in_(person_ids))
    return list(await session.scalars(query))


async def item_of_decision(session: AsyncSession, decision_id: int) -> AgendaItem | None:
    return await session.scalar(select(AgendaItem).where(AgendaItem.decision_id == decision_id))


async def items_of_decisions(
    session: AsyncSession, decision_ids: Sequence[int]
) -> dict[int, AgendaItem]:
    if not decision_ids:
        return {}
    rows = await session.scalars(select(AgendaItem).where(AgendaItem.decision_id.in_(decision_ids)))
    return {i.decision_id: i for i in rows if i.decision_id is not None}


async def forms_of_meetings(
    session: AsyncSession, meeting_ids: Sequence[int]
) -> dict[int, MeetingForm]:
    if not meeting_ids:
        return {}
    rows = await session.execute(
        select(Meeting.id, Meeting.form).where(Meeting.id.in_(meeting_ids))
    )
    return {meeting_id: form for meeting_id, form in rows}
