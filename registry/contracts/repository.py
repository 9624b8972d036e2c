"""The contracts register's queries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.contracts.models import Contract, ContractReminder, ContractStatus


async def contract_by_reference(session: AsyncSession, reference: str) -> Contract | None:
    return await session.scalar(select(Contract).where(Contract.reference == reference))


async def all_contracts(session: AsyncSession, limit: int) -> Sequence[Contract]:
    """Newest first, at most `limit`."""
    return list(
        await session.scalars(
            select(Contract).order_by(Contract.start_date.desc(), Contract.id.desc()).limit(limit)
        )
    )


async def signed_contracts(session: AsyncSession) -> Sequence[Contract]:
    return list(
        await session.scalars(
            select(Contract)
            .where(Contract.status == ContractStatus.SIGNED)
            .order_by(Contract.reference)
        )
    )


async def notice_between(session: AsyncSession, first: date, last: date) -> Sequence[Contract]:
    """Signed contracts whose notice date lies from `first` up to `last`, soonest first."""
    return list(
        await session.scalars(
            select(Contract)
            .where(
                Contract.status == ContractStatus.SIGNED,
                Contract.notice_date.is_not(None),
                Contract.notice_date >= first,
                Contract.notice_date <= last,
            )
            .order_by(Contract.notice_date, Contract.reference)
        )
    )


async def notice_near(session: AsyncSession, today: date, days: int) -> Sequence[Contract]:
    return await notice_between(session, today, today + timedelta(days))


async def reminder_of(
    session: AsyncSession, contract_id: int, notice_date: date
) -> ContractReminder | None:
    return await session.scalar(
        select(ContractReminder).where(
            ContractReminder.contract_id == contract_id,
            ContractReminder.notice_date == notice_date,
        )
    )


async def reminders_of(
    session: AsyncSession, contract_ids: Sequence[int]
) -> dict[int, list[ContractReminder]]:
    result: dict[int, list[ContractReminder]] = {i: [] for i in contract_ids}
    for reminder in await session.scalars(
        select(ContractReminder)
        .where(ContractReminder.contract_id.in_(list(contract_ids)))
        .order_by(ContractReminder.id)
    ):
        result[reminder.contract_id].append(reminder)
    return result
