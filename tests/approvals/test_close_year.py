"""Four-eyes approval of closing a financial year: one director prepares it, a second
director's approval closes the year (once); the same director is refused; a double submit is
one request; with four-eyes off the close acts at once; two approvals at the same moment, on
two real connections, close the year once."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.approvals import service
from registry.approvals.errors import ApprovalRefusal
from registry.approvals.models import ApprovalRequest
from registry.approvals.rules import ApprovalKind, ApprovalStatus, CloseYear
from registry.audit.models import AuditEvent
from registry.auth.roles import Actor
from registry.billing.invoicing import issue, run_invoices
from registry.db import transaction
from registry.kit.errors import ValidationFailed
from registry.members.decisions import DecisionInput, record_decision
from registry.years.errors import YearsRefusal
from registry.years.models import FinancialYear, YearStatus
from registry.years.overview import year_overview
from registry.years.service import closed_years
from tests.approvals.four_eyes import (
    ACTOR,
    ANNE,
    BART,
    CARLA,
    FOUR_EYES,
    ONE_DIRECTOR,
    billed,
    cooperative,
    pool_members,
)

__all__ = ["billed", "cooperative", "pool_members"]

DECISION = "DIR-2024-02"
AFTER_2023 = date(2024, 3, 1)
CLOSE_2023 = CloseYear(2023, DECISION)


@pytest.fixture
async def invoiced_2023(billed: AsyncSession) -> AsyncSession:
    """The billed cooperative with its 2023 invoices issued and a directie decision of 2024."""
    for draft in await run_invoices(billed, ACTOR, date(2023, 7, 1)):
        await issue(billed, ACTOR, draft.id, date(2023, 7, 1), ONE_DIRECTOR)
    await record_decision(
        billed, ACTOR, DecisionInput("directie", date(2024, 2, 20), DECISION, "Jaarrekening 2023")
    )
    await billed.commit()
    return billed


async def _closes(session: AsyncSession) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "financial_year", AuditEvent.operation == "close")
    )
    return int(found or 0)


async def test_a_second_director_approves_and_the_year_is_closed_once(
    invoiced_2023: AsyncSession,
) -> None:
    session = invoiced_2023
    submitted = await service.submit(session, ANNE, FOUR_EYES, CLOSE_2023, AFTER_2023)
    request = submitted.request
    assert submitted.performed is None
    assert request is not None
    assert request.kind is ApprovalKind.CLOSE_YEAR
    assert request.pending_key == "close_year:2023"
    assert request.member_id is None
    # Prepared, not done: the year stays open and no close was recorded.
    assert 2023 not in await closed_years(session)
    assert await _closes(session) == 0
    summary = service.summary_of(request)
    shown = next(y for y in await year_overview(session, AFTER_2023) if y.year == 2023)
    assert shown.documents > 0
    assert shown.invoiced_cents > 0
    assert (summary.year, summary.decision) == (2023, DECISION)
    assert (summary.gross_cents, summary.credited_cents, summary.documents) == (
        shown.invoiced_cents,
        shown.credited_cents,
        shown.documents,
    )
    assert summary.member_code is None
    assert summary.document is None
    assert service.operation_of(request) == CLOSE_2023

    approved, performed = await service.approve(session, BART, request.id, AFTER_2023, FOUR_EYES)
    assert approved.status is ApprovalStatus.APPROVED
    assert approved.result_invoice_id is None
    assert performed.document is None
    assert performed.year is not None
    year = await session.get(FinancialYear, 2023)
    assert year is not None
    assert year.status is YearStatus.CLOSED
    assert year.closed_by == BART.label
    assert await _closes(session) == 1
    # Decided: approving again is refused and closes nothing more.
    with pytest.raises(ValidationFailed) as again:
        await service.approve(session, CARLA, request.id, AFTER_2023, FOUR_EYES)
    assert again.value.errors[0].phrase.refusal is ApprovalRefusal.NOT_PENDING
    assert await _closes(session) == 1


async def test_the_director_who_prepared_it_cannot_approve_it(
    invoiced_2023: AsyncSession,
) -> None:
    session = invoiced_2023
    submitted = await service.submit(session, ANNE, FOUR_EYES, CLOSE_2023, AFTER_2023)
    assert submitted.request is not None
    with pytest.raises(ValidationFailed) as refused:
        await service.approve(session, ANNE, submitted.request.id, AFTER_2023, FOUR_EYES)
    assert refused.value.errors[0].phrase.refusal is ApprovalRefusal.SAME_PERSON
    assert 2023 not in await closed_years(session)
    assert submitted.request.status is ApprovalStatus.PENDING


async def test_a_double_submit_makes_one_request(invoiced_2023: AsyncSession) -> None:
    session = invoiced_2023
    first = await service.submit(session, ANNE, FOUR_EYES, CLOSE_2023, AFTER_2023)
    second = await service.submit(session, ANNE, FOUR_EYES, CLOSE_2023, AFTER_2023)
    assert first.request is not None
    assert second.request is not None
    assert first.request.id == second.request.id
    assert await session.scalar(select(func.count()).select_from(ApprovalRequest)) == 1


async def test_a_close_the_years_service_refuses_stores_no_request(
    invoiced_2023: AsyncSession,
) -> None:
    session = invoiced_2023
    with pytest.raises(ValidationFailed) as refused:
        await service.submit(session, ANNE, FOUR_EYES, CloseYear(2024, DECISION), AFTER_2023)
    assert refused.value.errors[0].phrase.refusal is YearsRefusal.NOT_ENDED
    assert await session.scalar(select(func.count()).select_from(ApprovalRequest)) == 0


async def test_with_four_eyes_off_the_close_acts_at_once(invoiced_2023: AsyncSession) -> None:
    session = invoiced_2023
    submitted = await service.submit(session, ANNE, ONE_DIRECTOR, CLOSE_2023, AFTER_2023)
    assert submitted.request is None
    assert submitted.performed is not None
    assert submitted.performed.year is not None
    assert 2023 in await closed_years(session)
    assert await _closes(session) == 1
    assert await session.scalar(select(func.count()).select_from(ApprovalRequest)) == 0


async def test_two_approvals_at_once_close_the_year_once(
    invoiced_2023: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    submitted = await service.submit(invoiced_2023, ANNE, FOUR_EYES, CLOSE_2023, AFTER_2023)
    assert submitted.request is not None
    request_id = submitted.request.id
    await invoiced_2023.commit()
    start = asyncio.Event()

    async def approve(director: Actor) -> str:
        await start.wait()
        try:
            async with transaction(session_factory) as session:
                await service.approve(session, director, request_id, AFTER_2023, FOUR_EYES)
                await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
        except ValidationFailed as refused:
            return refused.errors[0].phrase.refusal.name
        return "approved"

    tasks = [asyncio.create_task(approve(BART)), asyncio.create_task(approve(CARLA))]
    start.set()
    outcomes = await asyncio.gather(*tasks)
    assert sorted(outcomes) == sorted(["approved", ApprovalRefusal.NOT_PENDING.name])
    async with session_factory() as session:
        assert 2023 in await closed_years(session)
        assert await _closes(session) == 1
        stored = await session.get(ApprovalRequest, request_id)
        assert stored is not None
        assert stored.status is ApprovalStatus.APPROVED
