"""Queries for cost pools, entries, participants and allocation runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.contracts.models import Contract
from registry.costs.models import (
    AllocationLine,
    AllocationRun,
    CostEntry,
    CostPool,
    PoolParticipant,
)


async def contract_id_by_reference(session: AsyncSession, reference: str) -> int | None:
    """The id of the contract a cost entry says it comes from."""
    return await session.scalar(select(Contract.id).where(Contract.reference == reference))


async def pool_by_code(session: AsyncSession, code: str) -> CostPool | None:
    return await session.scalar(select(CostPool).where(CostPool.code == code))


async def pools_by_codes(session: AsyncSession, codes: Sequence[str]) -> dict[str, CostPool]:
    return {
        p.code: p for p in await session.scalars(select(CostPool).where(CostPool.code.in_(codes)))
    }


async def pools(session: AsyncSession) -> list[CostPool]:
    return list(await session.scalars(select(CostPool).order_by(CostPool.code)))


async def entries_of(session: AsyncSession, pool_id: int) -> list[CostEntry]:
    return (await entries_of_pools(session, [pool_id]))[pool_id]


async def entries_of_pools(
    session: AsyncSession, pool_ids: Sequence[int]
) -> dict[int, list[CostEntry]]:
    result: dict[int, list[CostEntry]] = {i: [] for i in pool_ids}
    for entry in await session.scalars(
        select(CostEntry).where(CostEntry.pool_id.in_(pool_ids)).order_by(CostEntry.id)
    ):
        result[entry.pool_id].append(entry)
    return result


async def participants_of(session: AsyncSession, pool_id: int) -> list[PoolParticipant]:
    rows = await session.scalars(
        select(PoolParticipant)
        .where(PoolParticipant.pool_id == pool_id)
        .order_by(PoolParticipant.joined_on, PoolParticipant.id)
    )
    return list(rows)


class ParticipantRow(Protocol):
    """What a run needs of a participant: a `PoolParticipant`, or just its columns."""

    member_id: int
    joined_on: date
    left_on: date | None
    percentage: Decimal | None


async def participants_of_pools(
    session: AsyncSession, pool_ids: Sequence[int]
) -> dict[int, list[ParticipantRow]]:
    """Columns, not ORM objects: a year-end run reads members × pools of them."""
    result: dict[int, list[ParticipantRow]] = {i: [] for i in pool_ids}
    for row in await session.execute(
        select(
            PoolParticipant.pool_id,
            PoolParticipant.member_id,
            PoolParticipant.joined_on,
            PoolParticipant.left_on,
            PoolParticipant.percentage,
        )
        .where(PoolParticipant.pool_id.in_(pool_ids))
        .order_by(PoolParticipant.joined_on, PoolParticipant.id)
    ):
        result[row.pool_id].append(row)
    return result


async def runs_of(session: AsyncSession, pool_id: int) -> list[AllocationRun]:
    return (await runs_of_pools(session, [pool_id]))[pool_id]


async def runs_of_pools(
    session: AsyncSession, pool_ids: Sequence[int]
) -> dict[int, list[AllocationRun]]:
    result: dict[int, list[AllocationRun]] = {i: [] for i in pool_ids}
    for run in await session.scalars(
        select(AllocationRun)
        .where(AllocationRun.pool_id.in_(pool_ids))
        .order_by(AllocationRun.sequence)
        .options(selectinload(AllocationRun.lines))
    ):
        result[run.pool_id].append(run)
    return result


async def run_by_id(session: AsyncSession, run_id: int) -> AllocationRun | None:
    return await session.scalar(
        select(AllocationRun)
        .where(AllocationRun.id == run_id)
        .options(selectinload(AllocationRun.lines))
    )


async def runs_by_ids(session: AsyncSession, run_ids: Sequence[int]) -> list[AllocationRun]:
    """The runs with their lines, in the order of `run_ids`."""
    runs = {
        r.id: r
        for r in await session.scalars(
            select(AllocationRun)
            .where(AllocationRun.id.in_(run_ids))
            .options(selectinload(AllocationRun.lines))
        )
    }
    return [runs[i] for i in run_ids]


async def next_sequences(session: AsyncSession, pool_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(
        select(AllocationRun.pool_id, func.max(AllocationRun.sequence))
        .where(AllocationRun.pool_id.in_(pool_ids))
        .group_by(AllocationRun.pool_id)
    )
    current: dict[int, int] = {pool_id: sequence for pool_id, sequence in rows}
    return {i: current.get(i, 0) + 1 for i in pool_ids}


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
