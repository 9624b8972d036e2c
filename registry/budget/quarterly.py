"""The quarterly report to the RvC (kwartaalrapportage): budget against actuals, liquidity,
the portfolio and the contracts, as the registry stood at one audit event.

The actuals are the contribution report's own figures (`registry/reports/collect.py`): the
same member sections summed, the same pool totals, the same position in the audit log with
what later events did left out or undone. Unless an event is named, a quarter that has
ended is reported as the registry stood at its last event in that quarter, so the report
of a quarter gives the same figures whenever it is made. The contracts, budgets,
applications and adoptions are read at the same position from their audit events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.chain import GENESIS_HASH
from registry.audit.models import AuditEvent
from registry.audit.repository import head
from registry.billing.models import Invoice, Settlement
from registry.budget.calendar import quarter_end, quarter_start
from registry.budget.errors import BudgetRefusal
from registry.budget.models import INCOME, Budget, BudgetItem, BudgetLine, BudgetStatus
from registry.budget.service import FIRST_YEAR, LAST_YEAR
from registry.catalogue.models import Application, ApplicationStatus
from registry.contracts.models import Contract, ContractStatus
from registry.contracts.rules import still_to_come
from registry.costs.models import CostPool
from registry.kit.errors import ValidationFailed
from registry.members.models import Decision
from registry.reports.collect import account_of, later_changes, member_reports, year_data
from registry.reports.model import ReportScope
from registry.usage.models import Adoption, AdoptionStage
from registry.usage.users import IN_USE


@dataclass(frozen=True, slots=True)
class BudgetRow:
    item: BudgetItem
    pool_code: str | None
    pool_name: str | None
    own: bool
    """A pool of the cooperative itself (founding, operating: no application)."""
    budget_cents: int | None
    """None: not in the adopted budget."""
    actual_cents: int


@dataclass(frozen=True, slots=True)
class Liquidity:
    invoiced_cents: int
    paid_cents: int
    outstanding_cents: int
    overdue_cents: int
    overdue_invoices: int


@dataclass(frozen=True, slots=True)
class PortfolioRow:
    status: ApplicationStatus
    applications: int
    adopters: int
    """Members using these applications (in production or phasing out), each counted per
    application."""


@dataclass(frozen=True, slots=True)
class ContractRow:
    reference: str
    supplier: str
    subject: str
    amount_cents: int
    start_date: date
    end_date: date
    notice_date: date | None
    still_to_come_cents: int
    """What is still to come after the quarter's end, pro rata by days."""


@dataclass(frozen=True, slots=True)
class QuarterlyReport:
    year: int
    quarter: int
    period_start: date
    period_end: date
    as_of_seq: int
    as_of_hash: str
    budget_version: int | None
    budget_decision: str | None
    income: tuple[BudgetRow, ...]
    costs: tuple[BudgetRow, ...]
    liquidity: Liquidity
    portfolio: tuple[PortfolioRow, ...]
    contracts: tuple[ContractRow, ...]
    notices_next_quarter: tuple[ContractRow, ...]

    @property
    def stem(self) -> str:
        return f"kwartaalrapportage-{self.year}-Q{self.quarter}-{self.as_of_seq}"

    def total(self, rows: Iterable[BudgetRow], budget: bool) -> int:
        return sum((r.budget_cents or 0) if budget else r.actual_cents for r in rows)


def check_quarter(year: int, quarter: int, today: date) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed.single(
            "year", BudgetRefusal.YEAR_OUT_OF_RANGE, first=str(FIRST_YEAR), last=str(LAST_YEAR)
        )
    if not 1 <= quarter <= 4:
        raise ValidationFailed.single("quarter", BudgetRefusal.QUARTER_OUT_OF_RANGE)
    if quarter_start(year, quarter) > today:
        raise ValidationFailed.single(
            "quarter", BudgetRefusal.FUTURE_QUARTER, quarter=str(quarter), year=str(year)
        )


async def position(
    session: AsyncSession, year: int, quarter: int, as_of: int | None, today: date
) -> tuple[int, str]:
    """The audit event the report reflects: the one named, or else the last one of an ended
    quarter, or else the head of the log."""
    last_seq, last_hash = await head(session)
    if as_of is None:
        end = quarter_end(year, quarter)
        if end >= today:
            return last_seq, last_hash
        after = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC)
        row = (
            await session.execute(
                select(AuditEvent.seq, AuditEvent.hash)
                .where(AuditEvent.occurred_at < after)
                .order_by(AuditEvent.seq.desc())
                .limit(1)
            )
        ).first()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)
    if as_of == last_seq:
        return last_seq, last_hash
    if not 1 <= as_of <= last_seq:
        raise ValidationFailed.single("asOf", BudgetRefusal.UNKNOWN_EVENT, last=str(last_seq))
    event_hash = await session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == as_of))
    assert event_hash is not None
    return as_of, event_hash


async def states_at(
    session: AsyncSession, as_of_seq: int, entity_type: str
) -> dict[str, dict[str, Any] | None]:
    """Entities of one type changed after the position: their state at it (the `before` of
    the first later event; None when they did not exist yet)."""
    result: dict[str, dict[str, Any] | None] = {}
    for entity_id, before in await session.execute(
        select(AuditEvent.entity_id, AuditEvent.before)
        .where(AuditEvent.seq > as_of_seq, AuditEvent.entity_type == entity_type)
        .order_by(AuditEvent.seq)
    ):
        if entity_id not in result:
            result[entity_id] = json.loads(before) if before else None
    return result


async def quarterly_report(
    session: AsyncSession, year: int, quarter: int, as_of: int | None, today: date
) -> QuarterlyReport:
    """The report's figures; the caller checked who asks."""
    check_quarter(year, quarter, today)
    seq, event_hash = await position(session, year, quarter, as_of, today)
    end = quarter_end(year, quarter)
    later = await later_changes(session, seq)
    scope = ReportScope(year, None, seq, event_hash)
    actual: dict[BudgetItem, int] = defaultdict(int)
    invoiced = paid = outstanding = 0
    # The member sections first: reading them clears the session after each batch.
    async for member in member_reports(session, scope, later):
        if member.contribution is not None:
            actual[BudgetItem.CONTRIBUTIONS] += member.contribution.amount_cents
        for charge in member.charges:
            if charge.kind == "entry_fee":
                actual[BudgetItem.ENTRY_FEES] += charge.amount_cents
        for fee in member.usage:
            actual[BudgetItem.USAGE_FEES] += fee.amount_cents
        account = member.account
        invoiced += account.invoiced_cents
        paid += account.paid_stripe_cents + account.paid_bank_cents - account.refunded_cents
        outstanding += account.outstanding_cents
    data = await year_data(session, year, later)
    budget, decision, lines = await _budget_at(session, year, seq)
    budgeted: dict[tuple[BudgetItem, int], int] = {
        (line.item, line.pool_key): line.amount_cents for line in lines
    }
    income = tuple(
        BudgetRow(item, None, None, False, budgeted.get((item, 0)), actual[item]) for item in INCOME
    )
    pools: dict[int, CostPool] = data.pools
    pool_ids = sorted(
        set(data.pool_totals) | {k for (i, k) in budgeted if i is BudgetItem.POOL_COSTS},
        key=lambda p: (pools[p].application_id is None, pools[p].code),
    )
    costs = tuple(
        BudgetRow(
            BudgetItem.POOL_COSTS,
            pools[p].code,
            pools[p].name,
            pools[p].application_id is None,
            budgeted.get((BudgetItem.POOL_COSTS, p)),
            data.pool_totals.get(p, 0),
        )
        for p in pool_ids
    )
    overdue_cents, overdue_count = await _overdue(session, year, end, later)
    contracts, notices = await _contracts_at(session, seq, end)
    return QuarterlyReport(
        year=year,
        quarter=quarter,
        period_start=date(year, 1, 1),
        period_end=end,
        as_of_seq=seq,
        as_of_hash=event_hash,
        budget_version=budget.version if budget else None,
        budget_decision=decision,
        income=income,
        costs=costs,
        liquidity=Liquidity(invoiced, paid, outstanding, overdue_cents, overdue_count),
        portfolio=await _portfolio_at(session, seq),
        contracts=contracts,
        notices_next_quarter=notices,
    )


async def _budget_at(
    session: AsyncSession, year: int, seq: int
) -> tuple[Budget | None, str | None, Sequence[BudgetLine]]:
    """The latest version of the year adopted at the position."""
    states = await states_at(session, seq, "budget")
    for budget in await session.scalars(
        select(Budget)
        .where(Budget.year == year, Budget.status == BudgetStatus.ADOPTED)
        .order_by(Budget.version.desc())
    ):
        key = f"{year}v{budget.version}"
        if key in states:
            state = states[key]
            if state is None or state.get("status") != BudgetStatus.ADOPTED.value:
                continue
        reference = await session.scalar(
            select(Decision.reference).where(Decision.id == budget.decision_id)
        )
        lines = list(
            await session.scalars(select(BudgetLine).where(BudgetLine.budget_id == budget.id))
        )
        return budget, reference, lines
    return None, None, ()


async def _overdue(session: AsyncSession, year: int, end: date, later: Any) -> tuple[int, int]:
    """What was still open at the position on the year's invoices due before the quarter's
    end, and how many of them."""
    invoices = [
        i
        for i in await session.scalars(
            select(Invoice)
            .where(
                Invoice.year == year,
                Invoice.number.is_not(None),
                Invoice.due_date.is_not(None),
                Invoice.due_date < end,
            )
            .order_by(Invoice.id)
        )
        if not later.hides("invoice", i.id)
    ]
    settlements: dict[int, list[Settlement]] = defaultdict(list)
    for settlement in await session.scalars(
        select(Settlement).where(Settlement.invoice_id.in_([i.id for i in invoices]))
    ):
        settlements[settlement.invoice_id].append(settlement)
    cents = count = 0
    for invoice in invoices:
        open_cents = account_of(later, [invoice], settlements).outstanding_cents
        if open_cents > 0:
            cents += open_cents
            count += 1
    return cents, count


async def _contracts_at(
    session: AsyncSession, seq: int, end: date
) -> tuple[tuple[ContractRow, ...], tuple[ContractRow, ...]]:
    """Contracts signed at the position and running after the quarter, and those of them
    whose notice date falls in the next quarter."""
    states = await states_at(session, seq, "contract")
    rows = []
    for contract in await session.scalars(select(Contract).order_by(Contract.reference)):
        status = contract.status.value
        if contract.reference in states:
            state = states[contract.reference]
            if state is None:
                continue
            status = state.get("status", status)
        if status != ContractStatus.SIGNED.value or contract.end_date <= end:
            continue
        rows.append(
            ContractRow(
                contract.reference,
                contract.supplier,
                contract.subject,
                contract.amount_cents,
                contract.start_date,
                contract.end_date,
                contract.notice_date,
                still_to_come(contract.amount_cents, contract.start_date, contract.end_date, end),
            )
        )
    next_end = quarter_end(
        end.year + (end.month == 12), 1 if end.month == 12 else end.month // 3 + 1
    )
    notices = tuple(
        r for r in rows if r.notice_date is not None and end < r.notice_date <= next_end
    )
    return tuple(rows), notices


async def _portfolio_at(session: AsyncSession, seq: int) -> tuple[PortfolioRow, ...]:
    apps = await states_at(session, seq, "application")
    adoptions = await states_at(session, seq, "adoption")
    status_of: dict[int, ApplicationStatus] = {}
    for application in await session.scalars(select(Application)):
        if application.slug in apps:
            state = apps[application.slug]
            if state is None:
                continue
            status_of[application.id] = ApplicationStatus(state.get("status", application.status))
        else:
            status_of[application.id] = application.status
    users: dict[int, set[int]] = defaultdict(set)
    for adoption in await session.scalars(select(Adoption)):
        stage, member_id = adoption.stage, adoption.member_id
        if str(adoption.id) in adoptions:
            state = adoptions[str(adoption.id)]
            if state is None:
                continue
            stage = AdoptionStage(state.get("stage", stage))
            member_id = int(state.get("member_id", member_id))
        if stage in IN_USE and adoption.application_id in status_of:
            users[adoption.application_id].add(member_id)
    counts: dict[ApplicationStatus, list[int]] = {s: [0, 0] for s in ApplicationStatus}
    for application_id, status in status_of.items():
        counts[status][0] += 1
        counts[status][1] += len(users.get(application_id, ()))
    return tuple(PortfolioRow(s, n, a) for s, (n, a) in counts.items())
