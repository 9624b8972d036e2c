"""Two invoice runs at the same moment: numbers without gaps or duplicates."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice
from registry.db import transaction
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]


async def test_concurrent_runs_take_consecutive_numbers(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await billed.commit()
    start = asyncio.Event()

    async def run(members: list[str]) -> list[str]:
        await start.wait()
        async with transaction(session_factory) as session:
            drafts = await run_invoices(session, ACTOR, TODAY, members)
            issued = [await issue(session, ACTOR, d.id, TODAY, SETTINGS) for d in drafts]
            await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
            return [str(i.number) for i in issued]

    tasks = [
        asyncio.create_task(run(["eindhoven", "gr-meierijstad-noord"])),
        asyncio.create_task(run(["woerden"])),
    ]
    start.set()
    first, second = await asyncio.gather(*tasks)
    assert sorted(first + second) == ["2023-000001", "2023-000002", "2023-000003"]
    async with session_factory() as session:
        stored = list(await session.scalars(select(Invoice.number).order_by(Invoice.number)))
    assert stored == ["2023-000001", "2023-000002", "2023-000003"]
