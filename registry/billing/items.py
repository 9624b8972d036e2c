"""Everything the registry's rules say a member owes, as billable items with stable keys.

Contributions come from the latest fee run of each year, entry fees and exit charges from
the membership, cost shares and settlements from allocation runs (one item per run and
member), usage fees from the usage records of complete months and the tariffs in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing import repository
from registry.billing.models import LineCategory
from registry.billing.rules import BillableItem
from registry.costs.models import RunKind
from registry.kit.money import format_euro_nl
from registry.members import repository as members
from registry.usage.rules import Tariff, Usage, usage_fees

_RUN_WORDS = {
    RunKind.ALLOCATION: (LineCategory.ALLOCATION, "Kostenverdeling"),
    RunKind.REVERSAL: (LineCategory.ALLOCATION, "Terugboeking kostenverdeling"),
    RunKind.SETTLEMENT: (LineCategory.SETTLEMENT, "Verrekening late toetreder"),
}
_METRIC_WORDS = {
    "active_users": "actieve gebruikers",
    "cases_handled": "behandelde zaken",
    "transactions": "transacties",
    "documents": "documenten",
}


def contribution_key(membership_id: int, year: int) -> str:
    return f"contribution:membership={membership_id}:year={year}"


def entry_fee_key(membership_id: int) -> str:
    return f"entry_fee:membership={membership_id}"


def exit_charge_key(membership_id: int) -> str:
    return f"exit_charge:membership={membership_id}"


def allocation_key(run_id: int, member_id: int) -> str:
    return f"allocation:run={run_id}:member={member_id}"


def usage_key(member_id: int, application: str, month: str, metric: str) -> str:
    return f"usage:member={member_id}:application={application}:period={month}:metric={metric}"


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


async def billable_items(
    session: AsyncSession, member_ids: Sequence[int], until: date
) -> list[BillableItem]:
    """Every billable item of the members (whatever was billed of it already)."""
    if not member_ids:
        return []
    return [
        *await _contributions(session, member_ids),
        *await _membership_charges(session, member_ids),
        *await _cost_shares(session, member_ids),
        *await _usage_fees(session, member_ids, until),
    ]


async def _contributions(session: AsyncSession, member_ids: Sequence[int]) -> list[BillableItem]:
    """The latest run of a year counts; a membership it no longer charges is owed nothing."""
    latest = await repository.latest_fee_runs(session)
    items: dict[str, BillableItem] = {}
    for run, line in await repository.fee_lines(session, member_ids):
        key = contribution_key(line.membership_id, run.year)
        current = latest[run.year] == run.id
        if not current and key in items:
            continue
        description = (
            f"Contributie {run.year}: {_thousands(line.inhabitants)} inwoners (peildatum "
            f"{line.reference_date.isoformat()}) × € {str(line.rate).replace('.', ',')} per "
            f"inwoner ({line.decision_reference}), {line.days_billable}/{line.days_in_year} dagen"
        )
        items[key] = BillableItem(
            key=key,
            member_id=line.member_id,
            category=LineCategory.CONTRIBUTION,
            description=description if current else f"Contributie {run.year}: vervallen",
            amount_cents=line.amount_cents if current else 0,
            billable_on=line.billable_from,
            source=f"fee_run:{run.id}/fee_line:{line.id}"
            if current
            else f"fee_run:{latest[run.year]}",
        )
    return list(items.values())


async def _membership_charges(
    session: AsyncSession, member_ids: Sequence[int]
) -> list[BillableItem]:
    items = []
    for m in await repository.memberships(session, member_ids):
        if m.entry_fee_cents and m.start_date is not None:
            decisions = await members.decisions_by_ids(
                session, [m.entry_fee_decision_id] if m.entry_fee_decision_id else []
            )
            decision = decisions.get(m.entry_fee_decision_id or 0)
            items.append(
                BillableItem(
                    key=entry_fee_key(m.id),
                    member_id=m.member_id,
                    category=LineCategory.ENTRY_FEE,
                    description="Entreegeld lidmaatschap"
                    + (f" ({decision.reference})" if decision else ""),
                    amount_cents=m.entry_fee_cents,
                    billable_on=m.start_date,
                    source=f"membership:{m.id}",
                )
            )
        if m.exit_charge_cents and m.notice_date is not None:
            items.append(
                BillableItem(
                    key=exit_charge_key(m.id),
                    member_id=m.member_id,
                    category=LineCategory.EXIT_CHARGE,
                    description=(
                        f"Uittredingsvergoeding: {_thousands(m.exit_charge_inhabitants or 0)} "
                        f"inwoners × € {str(m.exit_charge_rate).replace('.', ',')}, "
                        "ten hoogste één jaarcontributie "
                        f"({format_euro_nl(m.exit_charge_cap_cents or 0)})"
                    ),
                    amount_cents=m.exit_charge_cents,
                    billable_on=m.notice_date,
                    source=f"membership:{m.id}",
                )
            )
    return items


async def _cost_shares(session: AsyncSession, member_ids: Sequence[int]) -> list[BillableItem]:
    items = []
    for run, pool, member_id, cents in await repository.allocation_totals(session, member_ids):
        category, words = _RUN_WORDS[run.kind]
        items.append(
            BillableItem(
                key=allocation_key(run.id, member_id),
                member_id=member_id,
                category=category,
                description=f"{words} {pool.name} ({pool.code}, verdeling {run.sequence})",
                amount_cents=cents,
                billable_on=run.booked_on,
                source=f"allocation_run:{run.id}",
            )
        )
    return items


async def _usage_fees(
    session: AsyncSession, member_ids: Sequence[int], until: date
) -> list[BillableItem]:
    """Usage fees of complete months only: a month is billed once it has ended."""
    records = await repository.usage_records(session, member_ids, until + timedelta(days=1))
    tariffs = await repository.tariffs(session, sorted({r.application_id for r, _ in records}))
    decisions = await members.decisions_by_ids(session, sorted({t.decision_id for t in tariffs}))
    slugs = {r.application_id: slug for r, slug in records}
    tariff_terms = [
        Tariff(
            slugs[t.application_id],
            t.metric,
            t.price,
            t.valid_from,
            decisions[t.decision_id].reference,
        )
        for t in tariffs
    ]
    items = []
    for member_id in sorted({r.member_id for r, _ in records}):
        usage = [
            Usage(slug, r.period, r.metric, r.quantity)
            for r, slug in records
            if r.member_id == member_id
        ]
        for fee in usage_fees(usage, tariff_terms):
            month = fee.period.strftime("%Y-%m")
            items.append(
                BillableItem(
                    key=usage_key(member_id, fee.application, month, fee.metric.value),
                    member_id=member_id,
                    category=LineCategory.USAGE_FEE,
                    description=(
                        f"Gebruik {fee.application} {month}: "
                        f"{str(fee.quantity).replace('.', ',')} "
                        f"{_METRIC_WORDS.get(fee.metric.value, fee.metric.value)} × "
                        f"€ {str(fee.price).replace('.', ',')} ({fee.decision})"
                    ),
                    amount_cents=fee.amount,
                    billable_on=_next_month(fee.period) - timedelta(days=1),
                    source=f"usage_tariff:{fee.decision}",
                )
            )
    return items
