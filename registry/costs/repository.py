"""Queries for cost pools, entries, participants and allocation runs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.costs.models import (
    AllocationLine,
    AllocationRun,
    CostEntry,
    CostPool,
    PoolParticipant,
)


async def pool_by_code(session: AsyncSession, code: str) -> CostPool | None:
    return await session.scalar(select(CostPool).where(CostPool.code == code))


async def pools(session: AsyncSession) -> list[CostPool]:
    return list(await session.scalars(select(CostPool).order_by(CostPool.code)))


async def entries_of(session: AsyncSession, pool_id: int) -> list[CostEntry]:
    rows = await session.scalars(
        select(CostEntry).where(CostEntry.pool_id == pool_id).order_by(CostEntry.id)
    )
    return list(rows)


async def participants_of(session: AsyncSession, pool_id: int) -> list[PoolParticipant]:
    rows = await session.scalars(
        select(PoolParticipant)
        .where(PoolParticipant.pool_id == pool_id)
        .order_by(PoolParticipant.joined_on, PoolParticipant.id)
    )
    return list(rows)


async def runs_of(session: AsyncSession, pool_id: int) -> list[AllocationRun]:
    rows = await session.scalars(
        select(AllocationRun)
        .where(AllocationRun.pool_id == pool_id)
        .order_by(AllocationRun.sequence)
        .options(selectinload(AllocationRun.lines))
    )
    return list(rows)


async def run_by_id(session: AsyncSession, run_id: int) -> AllocationRun | None:
    return await session.scalar(
        select(AllocationRun)
        .where(AllocationRun.id == run_id)
        .options(selectinload(AllocationRun.lines))
    )


async def next_sequence(session: AsyncSession, pool_id: int) -> int:
    current = await session.scalar(
        select(func.max(AllocationRun.sequence)).where(AllocationRun.pool_id == pool_id)
    )
    return (current or 0) + 1


async def lines_of_member(
    session: AsyncSession, member_id: int
) -> list[tuple[AllocationRun, AllocationLine]]:
    rows = await session.execute(
        select(AllocationRun, AllocationLine)
        .join(AllocationLine, AllocationLine.run_id == AllocationRun.id)
        .where(AllocationLine.member_id == member_id)
        .order_by(AllocationRun.pool_id, AllocationRun.sequence, AllocationLine.entry_id)
    )
    return [(run, line) for run, line in rows]


async def lines_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[tuple[AllocationRun, AllocationLine]]]:
    result: dict[int, list[tuple[AllocationRun, AllocationLine]]] = {i: [] for i in member_ids}
    if member_ids:
        rows = await session.execute(
            select(AllocationRun, AllocationLine)
            .join(AllocationLine, AllocationLine.run_id == AllocationRun.id)
            .where(AllocationLine.member_id.in_(member_ids))
            .order_by(AllocationRun.pool_id, AllocationRun.sequence, AllocationLine.entry_id)
        )
        for run, line in rows:
            result[line.member_id].append((run, line))
    return result


async def pools_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, CostPool]:
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(CostPool).where(CostPool.id.in_(ids)))}


async def entries_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, CostEntry]:
    if not ids:
        return {}
    return {e.id: e for e in await session.scalars(select(CostEntry).where(CostEntry.id.in_(ids)))}


async def entry_by_submission(
    session: AsyncSession, pool_id: int, submission_key: str
) -> CostEntry | None:
    return await session.scalar(
        select(CostEntry).where(
            CostEntry.pool_id == pool_id, CostEntry.submission_key == submission_key
        )
    )
