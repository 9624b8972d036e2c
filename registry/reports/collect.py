"""Reading the report's data member by member, as the registry stood at one audit event.

Every change writes an audit event, so "the registry at event N" is the current state
minus what events after N did: runs, invoices and settlements they created are left out,
and memberships and usage records they changed are read from the event's `before`. When N
is the head of the log (the usual case) there is nothing to undo.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.audit.repository import head
from registry.billing.items import (
    allocation_key,
    contribution_key,
    entry_fee_key,
    exit_charge_key,
    usage_key,
)
from registry.billing.models import Invoice, InvoiceLine, Settlement, SettlementKind
from registry.catalogue.models import Application
from registry.costs.models import AllocationLine, AllocationRun, CostPool, RunKind
from registry.fees.models import FeeLine, FeeRun
from registry.kit import clock
from registry.kit.errors import ValidationFailed
from registry.members.lookup import unknown_member
from registry.members.models import Member, Membership
from registry.members.repository import decisions_by_ids
from registry.reports.errors import ReportsRefusal
from registry.reports.model import (
    Account,
    Charge,
    Contribution,
    MemberReport,
    PoolShare,
    ReportScope,
    SettlementShare,
    UsageFee,
)
from registry.usage import history as usage
from registry.usage.models import Metric, UsageRecord, UsageTariff
from registry.usage.rules import Tariff, Usage, usage_fees

MIN_YEAR, MAX_YEAR = 1990, 2200


async def report_scope(
    session: AsyncSession,
    year: int,
    member_code: str | None,
    as_of: int | None,
    today: date | None = None,
) -> ReportScope:
    """The report's year, member and audit position (the head of the log unless given).

    A year that has not begun on `today` (the clock's date unless given) has nothing to report.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        # Years and event numbers as written, not grouped as amounts (2026, never 2.026).
        raise ValidationFailed.single(
            "year", ReportsRefusal.YEAR_OUT_OF_RANGE, first=str(MIN_YEAR), last=str(MAX_YEAR)
        )
    current = (today or clock.today()).year
    if year > current:
        raise ValidationFailed.single(
            "year", ReportsRefusal.FUTURE_YEAR, year=str(year), last=str(current)
        )
    if (
        member_code is not None
        and await session.scalar(select(Member.id).where(Member.code == member_code)) is None
    ):
        raise ValidationFailed([unknown_member("member", member_code)])
    last_seq, last_hash = await head(session)
    if as_of is None or as_of == last_seq:
        return ReportScope(year, member_code, last_seq, last_hash)
    if not 1 <= as_of <= last_seq:
        raise ValidationFailed.single("asOf", ReportsRefusal.UNKNOWN_EVENT, last=str(last_seq))
    event_hash = await session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == as_of))
    assert event_hash is not None
    return ReportScope(year, member_code, as_of, event_hash)


@dataclass
class Later:
    """What happened after the report's audit position, to be left out or undone."""

    created: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Entity ids per type created (or, for invoices, issued) after the position."""
    before: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    """The state at the position of rows changed after it (None: did not exist yet)."""

    def hides(self, entity_type: str, entity_id: int) -> bool:
        return str(entity_id) in self.created[entity_type]


_CREATED = {
    ("fee_run", "create"),
    ("allocation_run", "create"),
    ("invoice", "issue"),
    ("invoice_settlement", "create"),
    ("usage_tariff", "create"),
}
_CHANGED = {"membership"}


async def later_changes(session: AsyncSession, as_of_seq: int) -> Later:
    """Read the events after the position once; the first change of a row gives its state."""
    later = Later()
    rows = await session.execute(
        select(
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.operation,
            AuditEvent.member_id,
            AuditEvent.before,
            AuditEvent.after,
        )
        .where(
            AuditEvent.seq > as_of_seq,
            AuditEvent.entity_type.in_({t for t, _ in _CREATED} | _CHANGED | {usage.ENTITY_TYPE}),
        )
        .order_by(AuditEvent.seq)
    )
    for entity_type, entity_id, operation, member_id, before, after in rows:
        if (entity_type, operation) in _CREATED:
            later.created[entity_type].add(entity_id)
        elif entity_type == usage.ENTITY_TYPE and member_id is not None:
            for record, quantity, _ in usage.record_states(member_id, before, after):
                later.before.setdefault(
                    ("usage_record", record), None if quantity is None else {"quantity": quantity}
                )
        elif entity_type in _CHANGED and (entity_type, entity_id) not in later.before:
            later.before[(entity_type, entity_id)] = json.loads(before) if before else None
    return later


@dataclass(frozen=True)
class YearData:
    """What every member's section needs and is the same for all: loaded once."""

    fee_run_id: int | None
    pool_totals: dict[int, int]
    pools: dict[int, CostPool]
    applications: dict[int, str]
    tariffs: list[Tariff]


async def year_data(session: AsyncSession, year: int, later: Later) -> YearData:
    runs = [
        run_id
        for run_id in await session.scalars(
            select(FeeRun.id).where(FeeRun.year == year).order_by(FeeRun.sequence)
        )
        if not later.hides("fee_run", run_id)
    ]
    totals: dict[int, int] = defaultdict(int)
    for run in await session.scalars(
        select(AllocationRun).where(_in_year(AllocationRun.booked_on, year))
    ):
        if run.kind is not RunKind.SETTLEMENT and not later.hides("allocation_run", run.id):
            totals[run.pool_id] += run.total_cents
    pools = {p.id: p for p in await session.scalars(select(CostPool))}
    applications = dict((await session.execute(select(Application.id, Application.slug))).all())
    tariff_rows = [
        t
        for t in await session.scalars(select(UsageTariff))
        if not later.hides("usage_tariff", t.id)
    ]
    decisions = await decisions_by_ids(session, sorted({t.decision_id for t in tariff_rows}))
    tariffs = [
        Tariff(
            applications[t.application_id],
            t.metric,
            t.price,
            t.valid_from,
            decisions[t.decision_id].reference,
        )
        for t in tariff_rows
    ]
    return YearData(runs[-1] if runs else None, dict(totals), pools, applications, tariffs)


def _in_year(column: Any, year: int) -> Any:
    return (column >= date(year, 1, 1)) & (column <= date(year, 12, 31))


class _HasMember(Protocol):
    member_id: int


_OfMember = TypeVar("_OfMember", bound=_HasMember)

MEMBERS_PER_BATCH = 100
"""Members read together: a handful of queries per batch, and memory bounded by the batch."""


async def member_reports(
    session: AsyncSession, scope: ReportScope, later: Later
) -> AsyncIterator[MemberReport]:
    """Member by member in code order, read in batches: the queries do not grow per member."""
    data = await year_data(session, scope.year, later)
    query = select(Member.id, Member.code, Member.name).order_by(Member.code)
    if scope.member_code is not None:
        query = query.where(Member.code == scope.member_code)
    members = (await session.execute(query)).all()
    for start in range(0, len(members), MEMBERS_PER_BATCH):
        batch = members[start : start + MEMBERS_PER_BATCH]
        rows = await _batch(session, data, scope.year, [member_id for member_id, _, _ in batch])
        for member_id, code, name in batch:
            report = _member_report(scope.year, later, data, rows, member_id, code, name)
            if report is not None:
                yield report
        session.expunge_all()


@dataclass(frozen=True)
class Batch:
    """The rows of one batch of members that their sections are computed from."""

    fee_lines: dict[int, FeeLine]
    memberships: dict[int, list[Membership]]
    pool_runs: dict[int, list[tuple[int, int, RunKind, date, int]]]
    """Per member: (run id, pool id, kind, booked on, the member's total in the run)."""
    usage: dict[int, list[UsageRecord]]
    invoices: dict[int, list[Invoice]]
    settlements: dict[int, list[Settlement]]
    """Per invoice id."""
    billed: dict[int, list[tuple[int, str, int]]]
    """Per member: (invoice id, item key, net cents) of every line of an issued document."""


async def _batch(session: AsyncSession, data: YearData, year: int, ids: list[int]) -> Batch:
    fee_lines: dict[int, FeeLine] = {}
    if data.fee_run_id is not None:
        fee_lines = {
            line.member_id: line
            for line in await session.scalars(
                select(FeeLine).where(FeeLine.run_id == data.fee_run_id, FeeLine.member_id.in_(ids))
            )
        }
    memberships = _by_member(
        ids,
        await session.scalars(
            select(Membership).where(Membership.member_id.in_(ids)).order_by(Membership.id)
        ),
    )
    pool_runs: dict[int, list[tuple[int, int, RunKind, date, int]]] = {i: [] for i in ids}
    for member_id, run_id, pool_id, kind, booked_on, total in await session.execute(
        select(
            AllocationLine.member_id,
            AllocationRun.id,
            AllocationRun.pool_id,
            AllocationRun.kind,
            AllocationRun.booked_on,
            func.sum(AllocationLine.amount_cents),
        )
        .join(AllocationLine, AllocationLine.run_id == AllocationRun.id)
        .where(AllocationLine.member_id.in_(ids), _in_year(AllocationRun.booked_on, year))
        .group_by(
            AllocationLine.member_id,
            AllocationRun.id,
            AllocationRun.pool_id,
            AllocationRun.kind,
            AllocationRun.booked_on,
        )
        .order_by(AllocationLine.member_id, AllocationRun.id)
    ):
        pool_runs[member_id].append((run_id, pool_id, kind, booked_on, int(total)))
    usage_records = _by_member(
        ids,
        await session.scalars(
            select(UsageRecord)
            .where(UsageRecord.member_id.in_(ids), _in_year(UsageRecord.period, year))
            .order_by(UsageRecord.id)
        ),
    )
    invoices = _by_member(
        ids,
        await session.scalars(
            select(Invoice)
            .where(Invoice.member_id.in_(ids), Invoice.year == year, Invoice.number.is_not(None))
            .order_by(Invoice.sequence)
        ),
    )
    settlements: dict[int, list[Settlement]] = defaultdict(list)
    for settlement in await session.scalars(
        select(Settlement).where(
            Settlement.invoice_id.in_([i.id for ins in invoices.values() for i in ins])
        )
    ):
        settlements[settlement.invoice_id].append(settlement)
    billed: dict[int, list[tuple[int, str, int]]] = {i: [] for i in ids}
    for member_id, invoice_id, key, net in await session.execute(
        select(InvoiceLine.member_id, Invoice.id, InvoiceLine.item_key, InvoiceLine.net_cents)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(InvoiceLine.member_id.in_(ids), Invoice.number.is_not(None))
    ):
        billed[member_id].append((invoice_id, key, net))
    return Batch(fee_lines, memberships, pool_runs, usage_records, invoices, settlements, billed)


def _by_member(ids: Sequence[int], rows: Iterable[_OfMember]) -> dict[int, list[_OfMember]]:
    result: dict[int, list[_OfMember]] = {i: [] for i in ids}
    for row in rows:
        result[row.member_id].append(row)
    return result


def _member_report(
    year: int,
    later: Later,
    data: YearData,
    rows: Batch,
    member_id: int,
    code: str,
    name: str,
) -> MemberReport | None:
    keys: dict[str, int] = {}
    contribution = _contribution(data, rows.fee_lines.get(member_id), year, keys)
    charges = _charges(later, rows.memberships[member_id], year, keys)
    pools = _pools(later, data, rows.pool_runs[member_id], member_id, keys)
    usage = _usage(later, data, rows.usage[member_id], member_id, keys)
    account = _account(later, rows.invoices[member_id], rows.settlements)
    if not (contribution or charges or pools or usage or account.documents):
        return None
    return MemberReport(
        code=code,
        name=name,
        contribution=contribution,
        charges=charges,
        pools=pools,
        usage=usage,
        account=account,
        billable_cents=sum(keys.values()),
        billed_cents=_billed(later, rows.billed[member_id], keys),
    )


def _contribution(
    data: YearData, line: FeeLine | None, year: int, keys: dict[str, int]
) -> Contribution | None:
    if data.fee_run_id is None or line is None:
        return None
    keys[contribution_key(line.membership_id, year)] = line.amount_cents
    sources = sorted(
        {figure["source"] for figure in json.loads(line.figures) if "source" in figure}
    )
    return Contribution(
        fee_run_id=data.fee_run_id,
        inhabitants=line.inhabitants,
        reference_date=line.reference_date,
        population_basis=line.population_basis.value,
        figures_source="; ".join(sources),
        rate=line.rate,
        decision_reference=line.decision_reference,
        days_billable=line.days_billable,
        days_in_year=line.days_in_year,
        amount_cents=line.amount_cents,
    )


def _as_at(later: Later, membership: Membership) -> dict[str, Any] | None:
    """A membership's columns as they stood at the report's position (None: not yet there)."""
    current = {
        c: getattr(membership, c)
        for c in (
            "start_date",
            "entry_fee_cents",
            "notice_date",
            "exit_charge_cents",
            "exit_charge_cap_cents",
            "exit_charge_rate",
            "exit_charge_inhabitants",
        )
    }
    key = ("membership", str(membership.id))
    if key not in later.before:
        return current
    before = later.before[key]
    if before is None:
        return None
    return {
        "start_date": _date(before.get("start_date")),
        "entry_fee_cents": before.get("entry_fee_cents"),
        "notice_date": _date(before.get("notice_date")),
        "exit_charge_cents": before.get("exit_charge_cents"),
        "exit_charge_cap_cents": before.get("exit_charge_cap_cents"),
        "exit_charge_rate": before.get("exit_charge_rate"),
        "exit_charge_inhabitants": before.get("exit_charge_inhabitants"),
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _charges(
    later: Later, memberships: Sequence[Membership], year: int, keys: dict[str, int]
) -> tuple[Charge, ...]:
    charges = []
    for membership in memberships:
        state = _as_at(later, membership)
        if state is None:
            continue
        start, fee = state["start_date"], state["entry_fee_cents"]
        if fee and start is not None and start.year == year:
            keys[entry_fee_key(membership.id)] = fee
            charges.append(Charge("entry_fee", fee, f"admitted {start.isoformat()}"))
        notice, charge = state["notice_date"], state["exit_charge_cents"]
        if charge and notice is not None and notice.year == year:
            keys[exit_charge_key(membership.id)] = charge
            basis = (
                f"notice {notice.isoformat()}: {state['exit_charge_inhabitants']} inhabitants × "
                f"{state['exit_charge_rate']}, capped at {state['exit_charge_cap_cents']} cents"
            )
            charges.append(Charge("exit_charge", charge, basis))
    return tuple(charges)


def _pools(
    later: Later,
    data: YearData,
    rows: Sequence[tuple[int, int, RunKind, date, int]],
    member_id: int,
    keys: dict[str, int],
) -> tuple[PoolShare, ...]:
    shares: dict[int, int] = defaultdict(int)
    runs: dict[int, list[int]] = defaultdict(list)
    settlements: dict[int, list[SettlementShare]] = defaultdict(list)
    for run_id, pool_id, kind, booked_on, cents in rows:
        if later.hides("allocation_run", run_id):
            continue
        keys[allocation_key(run_id, member_id)] = cents
        runs[pool_id].append(run_id)
        if kind is RunKind.SETTLEMENT:
            settlements[pool_id].append(SettlementShare(run_id, booked_on, cents))
        else:
            shares[pool_id] += cents
    result = []
    for pool_id in sorted(runs, key=lambda p: data.pools[p].code):
        pool = data.pools[pool_id]
        result.append(
            PoolShare(
                pool_code=pool.code,
                pool_name=pool.name,
                application=data.applications.get(pool.application_id)
                if pool.application_id
                else None,
                key=pool.key.value,
                pool_total_cents=data.pool_totals.get(pool_id, 0),
                share_cents=shares.get(pool_id, 0),
                run_ids=tuple(runs[pool_id]),
                settlements=tuple(settlements[pool_id]),
            )
        )
    return tuple(result)


def _usage(
    later: Later,
    data: YearData,
    rows: Sequence[UsageRecord],
    member_id: int,
    keys: dict[str, int],
) -> tuple[UsageFee, ...]:
    records = []
    for record in rows:
        slug = data.applications[record.application_id]
        entity = usage.record_entity(
            member_id, record.application_id, record.period, record.metric.value
        )
        quantity: Decimal | None = record.quantity
        if ("usage_record", entity) in later.before:
            before = later.before[("usage_record", entity)]
            quantity = Decimal(before["quantity"]) if before else None
        if quantity is not None:
            records.append(Usage(slug, record.period, record.metric, quantity))
    totals: dict[tuple[str, Metric], tuple[Decimal, int]] = {}
    for fee in usage_fees(records, data.tariffs):
        keys[usage_key(member_id, fee.application, f"{fee.period:%Y-%m}", fee.metric.value)] = (
            fee.amount
        )
        quantity_so_far, cents = totals.get((fee.application, fee.metric), (Decimal(0), 0))
        totals[(fee.application, fee.metric)] = (quantity_so_far + fee.quantity, cents + fee.amount)
    return tuple(
        UsageFee(application, metric.value, quantity, cents)
        for (application, metric), (quantity, cents) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1].value)
        )
    )


_MONEY = {
    SettlementKind.STRIPE: "stripe",
    SettlementKind.BANK_TRANSFER: "bank",
    SettlementKind.REFUND: "refund",
}


def _account(
    later: Later, rows: Sequence[Invoice], settled_by_invoice: dict[int, list[Settlement]]
) -> Account:
    invoices = [i for i in rows if not later.hides("invoice", i.id)]
    settlements = [
        s
        for i in invoices
        for s in settled_by_invoice.get(i.id, [])
        if not later.hides("invoice_settlement", s.id)
    ]
    money: dict[str, int] = defaultdict(int)
    credited = carried = 0
    for s in settlements:
        if s.kind in _MONEY:
            money[_MONEY[s.kind]] += s.amount_cents
        elif s.kind is SettlementKind.CARRIED:
            carried += s.amount_cents
            credited += s.amount_cents
        else:
            credited += s.amount_cents
    invoiced = sum(i.gross_cents for i in invoices)
    prepaid = sum(i.prepaid_cents for i in invoices)
    settled = sum(money.values()) + credited
    return Account(
        documents=len(invoices),
        invoiced_cents=invoiced,
        prepaid_cents=prepaid,
        paid_stripe_cents=money["stripe"],
        paid_bank_cents=money["bank"],
        refunded_cents=money["refund"],
        credited_cents=credited,
        credit_carried_cents=-carried,
        outstanding_cents=invoiced - prepaid - settled,
        opening_balance_cents=sum(i.gross_cents for i in invoices if i.opening_balance),
    )


def _billed(later: Later, lines: Sequence[tuple[int, str, int]], keys: dict[str, int]) -> int:
    """What issued documents (as of the position) billed of these items."""
    return sum(
        net
        for invoice_id, key, net in lines
        if key in keys and not later.hides("invoice", invoice_id)
    )


def account_of(
    later: Later, invoices: Sequence[Invoice], settlements: dict[int, list[Settlement]]
) -> Account:
    """The account of these invoices as the registry stood at the position: the same sums as
    a member's section, for other reports (the quarterly report's overdue invoices)."""
    return _account(later, invoices, settlements)
