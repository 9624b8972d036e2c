"""Two directors approve the same request at the same moment, on two connections: the
operation runs exactly once, the other approval is refused as already decided."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.approvals import service
from registry.approvals.errors import ApprovalRefusal
from registry.approvals.models import ApprovalRequest
from registry.approvals.rules import ApprovalStatus, IssueInvoice
from registry.billing.models import Invoice, InvoiceStatus
from registry.db import transaction
from registry.kit.errors import ValidationFailed
from tests.approvals.four_eyes import (
    ANNE,
    BART,
    CARLA,
    FOUR_EYES,
    TODAY,
    billed,
    cooperative,
    drafted,
    pool_members,
)

__all__ = ["billed", "cooperative", "drafted", "pool_members"]


async def test_two_approvals_at_once_issue_the_invoice_once(
    billed: AsyncSession,
    drafted: list[Invoice],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    draft_id = await billed.scalar(
        select(Invoice.id).where(Invoice.member_code == "woerden", Invoice.status == "draft")
    )
    assert draft_id is not None
    submitted = await service.submit(billed, ANNE, FOUR_EYES, IssueInvoice(draft_id), TODAY)
    assert submitted.request is not None
    request_id = submitted.request.id
    await billed.commit()
    start = asyncio.Event()

    async def approve(director: object) -> str:
        await start.wait()
        try:
            async with transaction(session_factory) as session:
                await service.approve(session, director, request_id, TODAY, FOUR_EYES)  # type: ignore[arg-type]
                await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
        except ValidationFailed as refused:
            return refused.errors[0].phrase.refusal.name
        return "approved"

    tasks = [asyncio.create_task(approve(BART)), asyncio.create_task(approve(CARLA))]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert sorted(outcomes) == sorted(["approved", ApprovalRefusal.NOT_PENDING.name])
    async with session_factory() as session:
        numbers = list(
            await session.scalars(select(Invoice.number).where(Invoice.number.is_not(None)))
        )
        assert numbers == ["2023-000001"]
        stored = await session.get(ApprovalRequest, request_id)
        assert stored is not None
        assert stored.status is ApprovalStatus.APPROVED
        assert stored.result_invoice_id == draft_id
        issued = await session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.status != InvoiceStatus.DRAFT)
        )
        assert issued == 1


async def test_the_same_operation_prepared_twice_at_once_is_one_request(
    billed: AsyncSession,
    drafted: list[Invoice],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    draft_id = await billed.scalar(
        select(Invoice.id).where(Invoice.member_code == "woerden", Invoice.status == "draft")
    )
    assert draft_id is not None
    await billed.commit()
    start = asyncio.Event()

    async def prepare() -> int:
        await start.wait()
        async with transaction(session_factory) as session:
            submitted = await service.submit(
                session, ANNE, FOUR_EYES, IssueInvoice(draft_id), TODAY
            )
            assert submitted.request is not None
            await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
            return submitted.request.id

    tasks = [asyncio.create_task(prepare()), asyncio.create_task(prepare())]
    start.set()
    first, second = await asyncio.gather(*tasks)
    assert first == second
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ApprovalRequest)) == 1
