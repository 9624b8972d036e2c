"""Drafting and adopting the budget (begroting) of a year.

A year's budget is a series of versions. The directie edits the draft; an ALV decision
adopts it and from then on it is read-only. A change after that starts a new version (a copy
of the adopted one) that needs a new decision; earlier versions are kept. Every step locks
the year (`budget:<year>`), so a double submit or two requests at the same moment make one
draft and one line. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record_row, update_recorded
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.budget.errors import BudgetRefusal
from registry.budget.models import INCOME, Budget, BudgetItem, BudgetLine, BudgetStatus
from registry.costs.models import CostPool
from registry.costs.repository import pool_by_code
from registry.db import serialise
from registry.kit.errors import NotFound, RefusedValue, ValidationFailed
from registry.kit.money import parse_euro, to_cents
from registry.members.decisions import decision_of
from registry.members.models import Decision, DecisionBody

FIRST_YEAR, LAST_YEAR = 2000, 2200


def authorise(actor: Actor) -> None:
    require(actor, Permission.BUDGET_MANAGE, BudgetRefusal.DIRECTIE_ONLY)


def authorise_reading(actor: Actor) -> None:
    require(actor, Permission.FINANCE_READ, BudgetRefusal.READERS_ONLY)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed.single(
            "year", BudgetRefusal.YEAR_OUT_OF_RANGE, first=str(FIRST_YEAR), last=str(LAST_YEAR)
        )


async def _versions(session: AsyncSession, year: int) -> list[Budget]:
    return list(
        await session.scalars(
            select(Budget)
            .where(Budget.year == year)
            .order_by(Budget.version)
            .execution_options(populate_existing=True)
        )
    )


async def _lines(session: AsyncSession, budget_id: int) -> list[BudgetLine]:
    return list(
        await session.scalars(
            select(BudgetLine)
            .where(BudgetLine.budget_id == budget_id)
            .order_by(BudgetLine.item, BudgetLine.pool_key)
            .execution_options(populate_existing=True)
        )
    )


async def _locked_year(session: AsyncSession, year: int) -> list[Budget]:
    check_year(year)
    await serialise(session, f"budget:{year}")
    return await _versions(session, year)


async def start_budget(session: AsyncSession, actor: Actor, year: int) -> Budget:
    """The year's draft: the open one if there is one, else a new version with the adopted
    version's lines to start from."""
    authorise(actor)
    versions = await _locked_year(session, year)
    if versions and versions[-1].status is BudgetStatus.DRAFT:
        return versions[-1]
    budget = Budget(
        year=year,
        version=len(versions) + 1,
        status=BudgetStatus.DRAFT,
        created_by=actor.label,
    )
    session.add(budget)
    await session.flush()
    if versions:
        for line in await _lines(session, versions[-1].id):
            session.add(
                BudgetLine(
                    budget_id=budget.id,
                    item=line.item,
                    pool_id=line.pool_id,
                    pool_key=line.pool_key,
                    amount_cents=line.amount_cents,
                )
            )
        await session.flush()
    await record_row(
        session, actor, "create", "budget", budget, entity_id=f"{year}v{budget.version}"
    )
    return budget


async def _draft(session: AsyncSession, year: int) -> Budget:
    versions = await _locked_year(session, year)
    if not versions:
        raise NotFound(BudgetRefusal.NO_BUDGET, year=str(year))
    if versions[-1].status is not BudgetStatus.DRAFT:
        raise ValidationFailed.single("year", BudgetRefusal.NO_DRAFT, year=str(year))
    return versions[-1]


async def set_line(
    session: AsyncSession,
    actor: Actor,
    year: int,
    item: str,
    amount: str,
    pool: str | None = None,
) -> BudgetLine:
    """Set one line of the year's draft (income by kind, costs per pool); the same line set
    again replaces its amount."""
    authorise(actor)
    try:
        kind = BudgetItem(item)
    except ValueError:
        raise ValidationFailed.single("item", BudgetRefusal.UNKNOWN_ITEM) from None
    try:
        cents = to_cents(parse_euro(amount))
    except RefusedValue as exc:
        raise ValidationFailed.single(
            "amount", BudgetRefusal.INVALID_AMOUNT, reason=exc.phrase
        ) from None
    if cents < 0:
        raise ValidationFailed.single("amount", BudgetRefusal.NEGATIVE_AMOUNT)
    pool_id = None
    code = (pool or "").strip()
    if kind in INCOME and code:
        raise ValidationFailed.single("pool", BudgetRefusal.POOL_NOT_FOR_INCOME)
    if kind is BudgetItem.POOL_COSTS:
        if not code:
            raise ValidationFailed.single("pool", BudgetRefusal.POOL_REQUIRED)
        found = await pool_by_code(session, code)
        if found is None:
            raise ValidationFailed.single("pool", BudgetRefusal.UNKNOWN_POOL, pool=code)
        pool_id = found.id
    budget = await _draft(session, year)
    line = await session.scalar(
        select(BudgetLine)
        .where(
            BudgetLine.budget_id == budget.id,
            BudgetLine.item == kind,
            BudgetLine.pool_key == (pool_id or 0),
        )
        .execution_options(populate_existing=True)
    )
    entity = f"{year}v{budget.version}:{kind.value}" + (f":{code}" if code else "")
    if line is None:
        line = BudgetLine(
            budget_id=budget.id,
            item=kind,
            pool_id=pool_id,
            pool_key=pool_id or 0,
            amount_cents=cents,
        )
        await add_recorded(session, actor, line, entity_type="budget_line", entity_id=entity)
    elif line.amount_cents != cents:
        await update_recorded(
            session,
            actor,
            line,
            {"amount_cents": cents},
            entity_type="budget_line",
            entity_id=entity,
        )
    return line


async def adopt_budget(session: AsyncSession, actor: Actor, year: int, decision: str) -> Budget:
    """The ALV adopts the year's draft; the same decision again answers with the adopted
    version (a double submit), another version needs another decision."""
    authorise(actor)
    found = await decision_of(session, decision, DecisionBody.ALV, "decision")
    versions = await _locked_year(session, year)
    if versions and versions[-1].decision_id == found.id:
        return versions[-1]
    budget = await _draft(session, year)
    used = await session.scalar(select(func.count()).where(Budget.decision_id == found.id))
    if used:
        raise ValidationFailed.single(
            "decision", BudgetRefusal.DECISION_USED, reference=found.reference
        )
    before = {"status": budget.status.value, "decision_id": None}
    budget.status = BudgetStatus.ADOPTED
    budget.decision_id = found.id
    await session.flush()
    await record_row(
        session,
        actor,
        "adopt",
        "budget",
        budget,
        entity_id=f"{year}v{budget.version}",
        before=before,
        decision=found.reference,
    )
    return budget


@dataclass(frozen=True, slots=True)
class BudgetVersion:
    budget: Budget
    decision_reference: str | None
    lines: Sequence[BudgetLine]
    pool_codes: dict[int, str]

    @property
    def income_cents(self) -> int:
        return sum(x.amount_cents for x in self.lines if x.item in INCOME)

    @property
    def costs_cents(self) -> int:
        return sum(x.amount_cents for x in self.lines if x.item is BudgetItem.POOL_COSTS)


async def budget_versions(session: AsyncSession, actor: Actor, year: int) -> list[BudgetVersion]:
    """Every version of the year's budget, the newest last."""
    authorise_reading(actor)
    check_year(year)
    return await versions_of(session, year)


async def versions_of(session: AsyncSession, year: int) -> list[BudgetVersion]:
    result = []
    pools: dict[int, str] = {
        pool_id: code for pool_id, code in await session.execute(select(CostPool.id, CostPool.code))
    }
    for budget in await _versions(session, year):
        reference = (
            await session.scalar(
                select(Decision.reference).where(Decision.id == budget.decision_id)
            )
            if budget.decision_id
            else None
        )
        result.append(BudgetVersion(budget, reference, await _lines(session, budget.id), pools))
    return result
