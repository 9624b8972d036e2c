"""Queries for contribution rates and fee runs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.fees.models import ContributionRate, FeeLine, FeeRun


async def rate_for(session: AsyncSession, year: int) -> ContributionRate | None:
    return await session.scalar(select(ContributionRate).where(ContributionRate.year == year))


async def rates(session: AsyncSession) -> list[ContributionRate]:
    return list(
        await session.scalars(select(ContributionRate).order_by(ContributionRate.year.desc()))
    )


async def latest_run(session: AsyncSession, year: int) -> FeeRun | None:
    return await session.scalar(
        select(FeeRun)
        .where(FeeRun.year == year)
        .order_by(FeeRun.sequence.desc())
        .limit(1)
        .options(selectinload(FeeRun.lines))
    )


async def run_by_id(session: AsyncSession, run_id: int) -> FeeRun | None:
    return await session.scalar(
        select(FeeRun).where(FeeRun.id == run_id).options(selectinload(FeeRun.lines))
    )


async def runs_by_ids(session: AsyncSession, run_ids: Sequence[int]) -> dict[int, FeeRun]:
    if not run_ids:
        return {}
    rows = await session.scalars(
        select(FeeRun).where(FeeRun.id.in_(run_ids)).options(selectinload(FeeRun.lines))
    )
    return {run.id: run for run in rows}


async def runs(session: AsyncSession, year: int | None = None) -> list[FeeRun]:
    query = select(FeeRun).order_by(FeeRun.year.desc(), FeeRun.sequence.desc())
    if year is not None:
        query = query.where(FeeRun.year == year)
    return list(await session.scalars(query.options(selectinload(FeeRun.lines))))


async def next_sequence(session: AsyncSession, year: int) -> int:
    current = await session.scalar(select(func.max(FeeRun.sequence)).where(FeeRun.year == year))
    return (current or 0) + 1


async def current_lines_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> list[tuple[int, FeeLine]]:
    """Each member's lines from the latest run of every year: its contributions per year."""
    if not member_ids:
        return []
    latest = (
        select(FeeRun.year, func.max(FeeRun.sequence).label("sequence"))
        .group_by(FeeRun.year)
        .subquery()
    )
    rows = await session.execute(
        select(FeeRun.year, FeeLine)
        .join(FeeRun, FeeRun.id == FeeLine.run_id)
        .join(latest, (latest.c.year == FeeRun.year) & (latest.c.sequence == FeeRun.sequence))
        .where(FeeLine.member_id.in_(member_ids))
        .order_by(FeeRun.year.desc(), FeeLine.member_code)
    )
    return [(year, line) for year, line in rows]
