"""The budget: a draft per year, adopted by an ALV decision and then read-only; a new version
needs a new decision and the earlier ones are kept. And the statutory calendar's rules."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.budget.calendar import (
    DeadlineKind,
    DeadlineState,
    Evidence,
    deadlines,
    late,
    quarter_end,
)
from registry.budget.models import Budget, BudgetItem, BudgetLine, BudgetStatus
from registry.budget.service import adopt_budget, budget_versions, set_line, start_budget
from registry.costs.models import PoolKind
from registry.costs.pools import PoolInput, create_pool
from registry.costs.sharing import AllocationKey
from registry.db import transaction
from registry.kit.errors import DomainError, Forbidden, ValidationFailed
from registry.members.decisions import DecisionInput, record_decision
from tests.helpers.cooperative import ACTOR, AUDITOR, cooperative

__all__ = ["cooperative"]


async def _draft_2027(session: AsyncSession) -> None:
    await create_pool(
        session,
        ACTOR,
        PoolInput("bedrijfsvoering", "Bedrijfsvoering", PoolKind.OPERATING, AllocationKey.EQUAL),
    )
    await start_budget(session, ACTOR, 2027)
    await set_line(session, ACTOR, 2027, "contributions", "120000")
    await set_line(session, ACTOR, 2027, "usage_fees", "8000,50")
    await set_line(session, ACTOR, 2027, "pool_costs", "90000", "bedrijfsvoering")
    await set_line(session, ACTOR, 2027, "contributions", "125000")  # replaces
    for body, reference, day in (
        ("alv", "ALV-2026-11", date(2026, 11, 20)),
        ("alv", "ALV-2027-03", date(2027, 3, 15)),
    ):
        await record_decision(session, ACTOR, DecisionInput(body, day, reference, "begroting"))


async def test_an_adopted_budget_is_read_only_and_a_new_version_needs_a_new_decision(
    cooperative: AsyncSession,
) -> None:
    session = cooperative
    await _draft_2027(session)
    (draft,) = await budget_versions(session, AUDITOR, 2027)
    assert draft.budget.status is BudgetStatus.DRAFT
    assert draft.income_cents == 12_500_000 + 800_050
    assert draft.costs_cents == 9_000_000
    # Only an ALV decision adopts a budget.
    with pytest.raises(ValidationFailed) as wrong:
        await adopt_budget(session, ACTOR, 2027, "RvC-2019-07")
    assert wrong.value.errors[0].field == "decision"
    adopted = await adopt_budget(session, ACTOR, 2027, "ALV-2026-11")
    assert adopted.status is BudgetStatus.ADOPTED
    # Adopting again with the same decision (a double submit) answers with it.
    assert (await adopt_budget(session, ACTOR, 2027, "ALV-2026-11")).id == adopted.id
    with pytest.raises(ValidationFailed) as read_only:
        await set_line(session, ACTOR, 2027, "contributions", "1")
    assert read_only.value.errors[0].code == "budget_adopted"
    # A new version starts from the adopted lines; the old decision cannot adopt it.
    second = await start_budget(session, ACTOR, 2027)
    assert second.version == 2
    assert (await start_budget(session, ACTOR, 2027)).id == second.id
    await set_line(session, ACTOR, 2027, "contributions", "130000")
    with pytest.raises(ValidationFailed) as used:
        await adopt_budget(session, ACTOR, 2027, "ALV-2026-11")
    assert used.value.errors[0].code == "decision_used"
    await adopt_budget(session, ACTOR, 2027, "ALV-2027-03")
    first, latest = await budget_versions(session, AUDITOR, 2027)
    assert (first.decision_reference, latest.decision_reference) == ("ALV-2026-11", "ALV-2027-03")
    assert first.income_cents == 12_500_000 + 800_050  # the first version kept as it was
    assert latest.income_cents == 13_000_000 + 800_050
    operations = list(
        await session.scalars(
            select(AuditEvent.operation)
            .where(AuditEvent.entity_type == "budget")
            .order_by(AuditEvent.seq)
        )
    )
    assert operations == ["create", "adopt", "create", "adopt"]


async def test_lines_are_checked_and_only_the_directie_drafts(cooperative: AsyncSession) -> None:
    session = cooperative
    with pytest.raises(DomainError):
        await set_line(session, ACTOR, 2027, "contributions", "1")  # no budget yet
    await start_budget(session, ACTOR, 2027)
    for item, amount, pool, code in (
        ("contributions", "-5", None, "negative_amount"),
        ("contributions", "1,234", None, "invalid_amount"),
        ("pool_costs", "5", None, "required"),
        ("pool_costs", "5", "geen-pool", "unknown_pool"),
        ("usage_fees", "5", "geen-pool", "pool_not_for_income"),
        ("iets", "5", None, "unknown_item"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            await set_line(session, ACTOR, 2027, item, amount, pool)
        assert refused.value.errors[0].code == code
    with pytest.raises(ValidationFailed):
        await start_budget(session, ACTOR, 1999)
    with pytest.raises(Forbidden):
        await start_budget(session, AUDITOR, 2028)


async def test_two_drafts_started_at_the_same_moment_are_one(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await cooperative.commit()
    start = asyncio.Event()

    async def run() -> int:
        await start.wait()
        async with transaction(session_factory) as session:
            budget = await start_budget(session, ACTOR, 2027)
            await set_line(session, ACTOR, 2027, "contributions", "1000")
            await asyncio.sleep(0.05)
            return budget.id

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    first, second = await asyncio.gather(*tasks)
    assert first == second
    async with session_factory() as session:
        assert len(list(await session.scalars(select(Budget)))) == 1
        (line,) = list(await session.scalars(select(BudgetLine)))
    assert (line.item, line.amount_cents) == (BudgetItem.CONTRIBUTIONS, 100_000)


NOTHING = Evidence({}, [], {})


def test_the_calendar_of_a_year_names_every_deadline_in_order() -> None:
    items = deadlines(2026, date(2026, 1, 15), NOTHING, 6)
    assert [(d.kind, d.year, d.quarter, d.due) for d in items] == [
        (DeadlineKind.QUARTERLY_REPORT, 2025, 4, date(2026, 2, 11)),
        (DeadlineKind.ALV_FIRST_QUARTER, 2026, None, date(2026, 3, 31)),
        (DeadlineKind.QUARTERLY_REPORT, 2026, 1, date(2026, 5, 12)),
        (DeadlineKind.QUARTERLY_REPORT, 2026, 2, date(2026, 8, 11)),
        (DeadlineKind.QUARTERLY_REPORT, 2026, 3, date(2026, 11, 11)),
        (DeadlineKind.BUDGET, 2027, None, date(2026, 11, 30)),
    ]
    assert {d.state for d in items} == {DeadlineState.OPEN}


def test_what_is_late_follows_from_the_evidence() -> None:
    evidence = Evidence(
        budgets_adopted={2027: date(2026, 12, 10)},
        alv_decisions=[date(2025, 12, 1), date(2026, 4, 2)],
        reports_exported={(2025, 4): date(2026, 2, 1), (2026, 1): date(2026, 3, 30)},
    )
    items = {(d.kind, d.quarter): d for d in deadlines(2026, date(2026, 12, 15), evidence, 6)}
    assert items[(DeadlineKind.QUARTERLY_REPORT, 4)].state is DeadlineState.DONE
    # An ALV decision of April is not one of the first quarter.
    assert items[(DeadlineKind.ALV_FIRST_QUARTER, None)].state is DeadlineState.LATE
    # Exported before the quarter ended: not the report of the quarter.
    assert items[(DeadlineKind.QUARTERLY_REPORT, 1)].state is DeadlineState.LATE
    # Adopted after 1 December: done, but late.
    budget = items[(DeadlineKind.BUDGET, None)]
    assert (budget.state, budget.done_on) == (DeadlineState.LATE, date(2026, 12, 10))
    assert [d.kind for d in late(list(items.values()))].count(DeadlineKind.QUARTERLY_REPORT) == 3


def test_quarter_ends() -> None:
    assert [quarter_end(2024, q) for q in (1, 2, 3, 4)] == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
