"""The read side of cost pools: a pool with what its page and API show, and a member's shares
with how each was computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.catalogue.models import Application
from registry.costs import repository
from registry.costs.errors import CostsRefusal
from registry.costs.models import AllocationRun, CostEntry, CostPool, PoolParticipant
from registry.kit.errors import Forbidden
from registry.kit.money import Cents
from registry.members import repository as members


@dataclass(frozen=True, slots=True)
class PoolOverview:
    """A pool with everything its page and API show."""

    pool: CostPool
    application_slug: str | None
    single_payer: str | None
    entries: tuple[CostEntry, ...]
    participants: tuple[tuple[str, PoolParticipant], ...]
    runs: tuple[AllocationRun, ...]
    reversed_runs: frozenset[int]

    @property
    def total(self) -> Cents:
        return Cents(sum(e.amount_cents for e in self.entries))

    @staticmethod
    def run_totals(run: AllocationRun) -> dict[str, Cents]:
        """What each member bears (or is credited) in a run, over all its entries."""
        totals: dict[str, int] = {}
        for line in run.lines:
            totals[line.member_code] = totals.get(line.member_code, 0) + line.amount_cents
        return {code: Cents(amount) for code, amount in sorted(totals.items())}


async def overview(session: AsyncSession, pool: CostPool) -> PoolOverview:
    rows = await repository.participants_of(session, pool.id)
    ids = [p.member_id for p in rows]
    if pool.single_payer_member_id:
        ids.append(pool.single_payer_member_id)
    by_id = await members.members_by_ids(session, ids)
    application = (
        await catalogue.applications_by_ids(session, [pool.application_id])
        if pool.application_id
        else {}
    )
    runs = tuple(await repository.runs_of(session, pool.id))
    return PoolOverview(
        pool=pool,
        application_slug=application[pool.application_id].slug
        if pool.application_id in application
        else None,
        single_payer=by_id[pool.single_payer_member_id].code
        if pool.single_payer_member_id
        else None,
        entries=tuple(await repository.entries_of(session, pool.id)),
        participants=tuple((by_id[p.member_id].code, p) for p in rows),
        runs=runs,
        reversed_runs=frozenset(r.reverses_run_id for r in runs if r.reverses_run_id),
    )


@dataclass(frozen=True, slots=True)
class MemberShare:
    """A member's line in a run, with what explains it."""

    pool: CostPool
    run: AllocationRun
    entry: CostEntry
    amount: Cents
    weight: Decimal
    weight_total: Decimal


async def shares_of_member(
    session: AsyncSession, actor: Actor, member_id: int
) -> list[MemberShare]:
    """Every share and settlement line of the member, oldest run first."""
    return (await shares_of_members(session, actor, [member_id]))[member_id]


async def shares_of_members(
    session: AsyncSession, actor: Actor, member_ids: Sequence[int]
) -> dict[int, list[MemberShare]]:
    """Every share and settlement line of each member, in a fixed number of queries."""
    if not all(allows(actor, Permission.MEMBER_READ_PRIVATE, i) for i in member_ids):
        raise Forbidden(CostsRefusal.SHARES_PRIVATE)
    found = await repository.lines_of_members(session, member_ids)
    rows = [row for lines in found.values() for row in lines]
    pools = await repository.pools_by_ids(session, sorted({run.pool_id for run, _ in rows}))
    entries = await repository.entries_by_ids(session, sorted({line.entry_id for _, line in rows}))
    return {
        member_id: [
            MemberShare(
                pool=pools[run.pool_id],
                run=run,
                entry=entries[line.entry_id],
                amount=Cents(line.amount_cents),
                weight=line.weight,
                weight_total=line.weight_total,
            )
            for run, line in lines
        ]
        for member_id, lines in found.items()
    }


def totals_per_pool_and_year(shares: Sequence[MemberShare]) -> dict[tuple[str, int], Cents]:
    """What the member owes per pool and year (the year a run was booked in)."""
    result: dict[tuple[str, int], int] = {}
    for share in shares:
        key = (share.pool.code, share.run.booked_on.year)
        result[key] = result.get(key, 0) + share.amount
    return {key: Cents(amount) for key, amount in sorted(result.items())}


def applications_of_pools(
    pools: Sequence[CostPool], applications: Sequence[Application]
) -> dict[str, str]:
    """Pool code → slug of the application it belongs to (none for the cooperative's own)."""
    found = {a.id: a for a in applications}
    return {p.code: found[p.application_id].slug for p in pools if p.application_id in found}
