"""Queries for adoptions, usage rights, usage records and tariffs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from registry.kit.rows import children_of
from registry.usage.models import (
    Adoption,
    Metric,
    UsageRecord,
    UsageRight,
    UsageTariff,
)
from registry.usage.rules import month_of


async def adoption_by_id(session: AsyncSession, adoption_id: int) -> Adoption | None:
    return await session.get(Adoption, adoption_id)


async def adoptions_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Adoption]]:
    return await children_of(
        session,
        Adoption.member_id,
        member_ids,
        Adoption.member_id,
        Adoption.acquisition_on,
        Adoption.id,
    )


async def adoptions_of_applications(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[Adoption]]:
    return await children_of(
        session, Adoption.application_id, application_ids, Adoption.application_id, Adoption.id
    )


async def rights_for(
    session: AsyncSession, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[UsageRight]]:
    """Usage rights per (member id, application id)."""
    result: dict[tuple[int, int], list[UsageRight]] = {}
    if not pairs:
        return result
    rows = await session.scalars(
        select(UsageRight).where(
            tuple_(UsageRight.member_id, UsageRight.application_id).in_(sorted(set(pairs)))
        )
    )
    for right in rows:
        result.setdefault((right.member_id, right.application_id), []).append(right)
    return result


async def right_of_adoption(session: AsyncSession, adoption_id: int) -> UsageRight | None:
    return await session.scalar(select(UsageRight).where(UsageRight.adoption_id == adoption_id))


async def quantities_by_keys(
    session: AsyncSession, keys: Sequence[tuple[int, int, date, str]]
) -> dict[tuple[int, int, date, str], Decimal]:
    """The stored quantity of each key that has a record, read as plain rows (no ORM objects)."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = await session.execute(
        select(
            UsageRecord.member_id,
            UsageRecord.application_id,
            UsageRecord.period,
            UsageRecord.metric,
            UsageRecord.quantity,
        ).where(
            UsageRecord.member_id.in_(sorted({k[0] for k in keys})),
            UsageRecord.application_id.in_(sorted({k[1] for k in keys})),
            UsageRecord.period.in_(sorted({k[2] for k in keys})),
        )
    )
    found: dict[tuple[int, int, date, str], Decimal] = {}
    for member_id, application_id, period, metric, quantity in rows:
        key = (member_id, application_id, period, metric.value)
        if key in wanted:
            found[key] = quantity
    return found


async def records_of_member(
    session: AsyncSession, member_id: int, first: date, last: date
) -> list[UsageRecord]:
    rows = await session.scalars(
        select(UsageRecord)
        .where(
            UsageRecord.member_id == member_id,
            UsageRecord.period >= first,
            UsageRecord.period <= last,
        )
        .order_by(UsageRecord.application_id, UsageRecord.period, UsageRecord.metric)
    )
    return list(rows)


async def records_of_members(
    session: AsyncSession, member_ids: Sequence[int], first: date, last: date
) -> dict[int, list[UsageRecord]]:
    result: dict[int, list[UsageRecord]] = {i: [] for i in member_ids}
    if member_ids:
        rows = await session.scalars(
            select(UsageRecord)
            .where(
                UsageRecord.member_id.in_(member_ids),
                UsageRecord.period >= first,
                UsageRecord.period <= last,
            )
            .order_by(UsageRecord.application_id, UsageRecord.period, UsageRecord.metric)
        )
        for record in rows:
            result[record.member_id].append(record)
    return result


async def tariffs_of(session: AsyncSession, application_ids: Sequence[int]) -> list[UsageTariff]:
    if not application_ids:
        return []
    rows = await session.scalars(
        select(UsageTariff)
        .where(UsageTariff.application_id.in_(application_ids))
        .order_by(UsageTariff.application_id, UsageTariff.metric, UsageTariff.valid_from)
    )
    return list(rows)


async def usage_totals(
    session: AsyncSession,
    member_ids: Sequence[int],
    application_id: int,
    metric: Metric,
    first: date,
    last: date,
) -> dict[int, Decimal]:
    """Recorded usage per member of one application and metric over the months of `first` to
    `last` (any days in them)."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(UsageRecord.member_id, UsageRecord.quantity).where(
            UsageRecord.member_id.in_(member_ids),
            UsageRecord.application_id == application_id,
            UsageRecord.metric == metric,
            UsageRecord.period >= month_of(first),
            UsageRecord.period <= month_of(last),
        )
    )
    totals: dict[int, Decimal] = {}
    for member_id, quantity in rows:
        totals[member_id] = totals.get(member_id, Decimal(0)) + quantity
    return totals
