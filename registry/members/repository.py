"""Queries for municipalities, population figures and members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, cast

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.kit.pagination import Page, PageRequest, like_pattern, paginate
from registry.kit.rows import children_of
from registry.members.models import (
    Decision,
    DecisionBody,
    FigureStatus,
    Member,
    Membership,
    MemberType,
    Municipality,
    PopulationFigure,
    Succession,
    member_municipality,
)


async def municipalities_by_codes(
    session: AsyncSession, codes: Sequence[str]
) -> dict[str, Municipality]:
    if not codes:
        return {}
    rows = await session.scalars(select(Municipality).where(Municipality.cbs_code.in_(codes)))
    return {m.cbs_code: m for m in rows}


async def figures_for(
    session: AsyncSession, municipality_ids: Sequence[int]
) -> list[PopulationFigure]:
    if not municipality_ids:
        return []
    rows = await session.scalars(
        select(PopulationFigure)
        .where(PopulationFigure.municipality_id.in_(municipality_ids))
        .order_by(PopulationFigure.municipality_id, PopulationFigure.reference_date)
    )
    return list(rows)


class FigureRow(Protocol):
    """A population figure's columns: what computations and answers need of it."""

    municipality_id: int
    reference_date: date
    count: int
    source: str
    status: FigureStatus


async def figure_rows_for(
    session: AsyncSession, municipality_ids: Sequence[int]
) -> list[FigureRow]:
    """Columns, not ORM objects: every page that shows inhabitants reads hundreds of them."""
    if not municipality_ids:
        return []
    rows = await session.execute(
        select(
            PopulationFigure.municipality_id,
            PopulationFigure.reference_date,
            PopulationFigure.count,
            PopulationFigure.source,
            PopulationFigure.status,
        )
        .where(PopulationFigure.municipality_id.in_(municipality_ids))
        .order_by(PopulationFigure.municipality_id, PopulationFigure.reference_date)
    )
    # A row has the named columns of the protocol; its static type is a plain tuple.
    return cast("list[FigureRow]", rows.all())


async def list_municipalities(
    session: AsyncSession, page: PageRequest, *, search: str | None, valid_on: date | None
) -> Page[Municipality]:
    query = select(Municipality).order_by(Municipality.name, Municipality.cbs_code)
    if search:
        pattern = like_pattern(search)
        query = query.where(
            or_(
                Municipality.name.ilike(pattern, escape="\\"),
                Municipality.cbs_code.ilike(pattern, escape="\\"),
            )
        )
    if valid_on is not None:
        query = query.where(
            or_(Municipality.valid_from.is_(None), Municipality.valid_from <= valid_on),
            or_(Municipality.valid_to.is_(None), Municipality.valid_to >= valid_on),
        )
    return await paginate(session, query, page)


async def municipality_by_code(session: AsyncSession, cbs_code: str) -> Municipality | None:
    return await session.scalar(select(Municipality).where(Municipality.cbs_code == cbs_code))


async def list_members(
    session: AsyncSession, page: PageRequest, *, search: str | None, type_: MemberType | None
) -> Page[Member]:
    query = select(Member).order_by(Member.name, Member.code)
    if search:
        pattern = like_pattern(search)
        query = query.where(
            or_(Member.name.ilike(pattern, escape="\\"), Member.code.ilike(pattern, escape="\\"))
        )
    if type_ is not None:
        query = query.where(Member.type == type_)
    return await paginate(session, query, page)


async def member_by_code(session: AsyncSession, code: str) -> Member | None:
    return await session.scalar(select(Member).where(Member.code == code))


async def members_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in await session.scalars(select(Member).where(Member.id.in_(ids)))}


async def municipalities_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Municipality]]:
    result: dict[int, list[Municipality]] = {i: [] for i in member_ids}
    if not member_ids:
        return result
    rows = await session.execute(
        select(member_municipality.c.member_id, Municipality)
        .join(Municipality, Municipality.id == member_municipality.c.municipality_id)
        .where(member_municipality.c.member_id.in_(member_ids))
        .order_by(Municipality.cbs_code)
    )
    for member_id, municipality in rows:
        result[member_id].append(municipality)
    return result


async def member_count(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(Member))) or 0


async def memberships_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Membership]]:
    """Every membership of the given members, oldest first, with signatories loaded."""
    return await children_of(
        session,
        Membership.member_id,
        member_ids,
        Membership.member_id,
        Membership.applied_on,
        Membership.id,
        options=[selectinload(Membership.signatories)],
    )


async def membership_by_id(
    session: AsyncSession, membership_id: int, *, fresh: bool = False
) -> Membership | None:
    """`fresh`: as stored now, also when this session read it before (e.g. after a lock)."""
    return await session.scalar(
        select(Membership)
        .where(Membership.id == membership_id)
        .options(selectinload(Membership.signatories))
        .execution_options(populate_existing=fresh)
    )


async def memberships_overlapping(
    session: AsyncSession, first: date, last: date
) -> list[Membership]:
    """Admitted memberships that run on at least one day between `first` and `last`."""
    rows = await session.scalars(
        select(Membership)
        .where(
            Membership.start_date.is_not(None),
            Membership.start_date <= last,
            or_(Membership.end_date.is_(None), Membership.end_date >= first),
        )
        .order_by(Membership.member_id, Membership.start_date)
    )
    return list(rows)


async def decisions_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Decision]:
    if not ids:
        return {}
    rows = await session.scalars(select(Decision).where(Decision.id.in_(ids)))
    return {d.id: d for d in rows}


async def decision_by_reference(session: AsyncSession, reference: str) -> Decision | None:
    return await session.scalar(select(Decision).where(Decision.reference == reference))


async def list_decisions(
    session: AsyncSession, page: PageRequest, *, body: DecisionBody | None
) -> Page[Decision]:
    query = select(Decision).order_by(Decision.decided_on.desc(), Decision.id.desc())
    if body is not None:
        query = query.where(Decision.body == body)
    return await paginate(session, query, page)


async def members_of_municipalities(
    session: AsyncSession, municipality_ids: Sequence[int]
) -> list[Member]:
    if not municipality_ids:
        return []
    rows = await session.scalars(
        select(Member)
        .join(member_municipality, member_municipality.c.member_id == Member.id)
        .where(member_municipality.c.municipality_id.in_(municipality_ids))
        .distinct()
        .order_by(Member.code)
    )
    return list(rows)


async def set_member_municipalities(
    session: AsyncSession, member_id: int, municipality_ids: Sequence[int]
) -> None:
    await session.execute(
        delete(member_municipality).where(member_municipality.c.member_id == member_id)
    )
    await session.execute(
        insert(member_municipality),
        [{"member_id": member_id, "municipality_id": i} for i in dict.fromkeys(municipality_ids)],
    )


async def successions_into(session: AsyncSession, successor_ids: Sequence[int]) -> list[Succession]:
    if not successor_ids:
        return []
    rows = await session.scalars(
        select(Succession).where(Succession.successor_id.in_(successor_ids))
    )
    return list(rows)


async def municipalities_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Municipality]:
    if not ids:
        return []
    rows = await session.scalars(
        select(Municipality).where(Municipality.id.in_(ids)).order_by(Municipality.cbs_code)
    )
    return list(rows)


async def member_ids_by_codes(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = await session.execute(select(Member.code, Member.id).where(Member.code.in_(codes)))
    return {code: member_id for code, member_id in rows}


async def all_memberships(session: AsyncSession) -> list[Membership]:
    """Every membership with its signatories, by member code: a few hundred at most."""
    rows = await session.scalars(
        select(Membership)
        .join(Member, Member.id == Membership.member_id)
        .options(selectinload(Membership.signatories))
        .order_by(Member.code, Membership.applied_on, Membership.id)
    )
    return list(rows)


async def members_by_codes(session: AsyncSession, codes: Sequence[str]) -> dict[str, Member]:
    if not codes:
        return {}
    return {m.code: m for m in await session.scalars(select(Member).where(Member.code.in_(codes)))}
