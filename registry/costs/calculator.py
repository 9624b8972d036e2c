"""What would it cost us? The figures a member would pay on joining an application today.

Nothing is stored: the settlement is the one `preview_settlement` computes once the member
is a participant of each of the application's pools; here it is made a participant inside a
savepoint that is rolled back, so the same rule (`settle`, by the pool's key, full cost or
depreciated) gives the same cents a real join would. The yearly share of running costs
divides the last twelve months of the application's maintenance and hosting entries by the
pool's key over the participants of today plus the member (`weights`, `allocate`); the usage
fees apply the tariffs in force to the quantities the member expects (`usage_fees`); a
government body that is not a member yet sees the entry fee last decided and the yearly
contribution at this year's rate (`contribution`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, require_for
from registry.auth.roles import Actor, system_actor
from registry.catalogue.communities import visible_application
from registry.catalogue.models import Application
from registry.costs import runs
from registry.costs.errors import CostsRefusal
from registry.costs.models import CostPool, PoolKind, PoolParticipant
from registry.costs.sharing import AllocationError, AllocationKey, weights
from registry.fees.contribution import MembershipPeriod, contribution
from registry.fees.service import terms_for
from registry.kit.errors import DomainError, ErrorCollector, Phrase, ValidationFailed
from registry.kit.money import Cents, allocate
from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.lookup import member_or_refuse
from registry.members.memberships import is_member_on
from registry.members.models import Member, Membership
from registry.members.population import PopulationMissing
from registry.usage import repository as usage
from registry.usage.models import Metric
from registry.usage.rules import Tariff, Usage, month_of, usage_fees

RUNNING = (PoolKind.MAINTENANCE, PoolKind.HOSTING)
_ESTIMATOR = system_actor("kostenberekening")


@dataclass(frozen=True, slots=True)
class PoolEstimate:
    pool: CostPool
    settlement: Cents
    """What the member would pay now for the entries before it (0 when there are none)."""
    yearly_share: Cents | None
    """Its share of the last twelve months' running costs; None for a development pool."""
    refusal: Phrase | None = None
    """Why this pool cannot be estimated (the same refusal a real run would give)."""


@dataclass(frozen=True, slots=True)
class FeeEstimate:
    metric: Metric
    price: Decimal
    monthly_quantity: Decimal
    yearly: Cents
    decision: str


@dataclass(frozen=True, slots=True)
class MembershipEstimate:
    """For a government body that is not a member on the day."""

    entry_fee: Cents | None
    entry_fee_decision_id: int | None
    contribution_year: int
    yearly_contribution: Cents | None
    rate: Decimal | None
    inhabitants: int | None
    refusal: Phrase | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    member: Member
    application: Application
    on: date
    pools: tuple[PoolEstimate, ...]
    fees: tuple[FeeEstimate, ...]
    membership: MembershipEstimate | None

    @property
    def settlement(self) -> Cents:
        return Cents(sum(p.settlement for p in self.pools))

    @property
    def yearly_running(self) -> Cents:
        return Cents(sum(p.yearly_share or 0 for p in self.pools))

    @property
    def yearly_fees(self) -> Cents:
        return Cents(sum(f.yearly for f in self.fees))


async def _pools_of(session: AsyncSession, application: Application) -> list[CostPool]:
    rows = await session.scalars(
        select(CostPool).where(CostPool.application_id == application.id).order_by(CostPool.code)
    )
    return list(rows)


def _year_before(on: date) -> date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


async def _pool_estimate(
    session: AsyncSession, pool: CostPool, member: Member, on: date
) -> PoolEstimate:
    """Inside the savepoint where the member takes part from `on`."""
    try:
        preview = await runs.preview_settlement(session, _ESTIMATOR, pool.code, member.code)
    except DomainError as error:
        return PoolEstimate(pool, Cents(0), None, error.phrase)
    settlement = Cents(sum(s.amount for s in preview.split.shares if s.member_code == member.code))
    yearly: Cents | None = None
    if pool.kind in RUNNING:
        state = await runs.pool_state(session, pool)
        since = _year_before(on)
        total = sum(e.amount_cents for e in state.entries if since < e.entry_date <= on)
        present = [
            p
            for p in state.participants
            if p.joined_on <= on and (p.left_on is None or p.left_on >= on)
        ]
        try:
            weighted = weights(state.key, present)
        except AllocationError as error:
            return PoolEstimate(pool, settlement, None, error.phrase)
        yearly = allocate(Cents(total), weighted, tie_break=str).get(member.code, Cents(0))
    return PoolEstimate(pool, settlement, yearly)


async def _settlements(
    session: AsyncSession, application: Application, member: Member, on: date
) -> list[PoolEstimate]:
    pools = await _pools_of(session, application)
    estimates: list[PoolEstimate] = []
    savepoint = await session.begin_nested()
    try:
        for pool in pools:
            taking_part = await session.scalar(
                select(PoolParticipant).where(
                    PoolParticipant.pool_id == pool.id, PoolParticipant.member_id == member.id
                )
            )
            if taking_part is None:
                percentage = Decimal(0) if pool.key is AllocationKey.FIXED_PERCENTAGES else None
                session.add(
                    PoolParticipant(
                        pool_id=pool.id, member_id=member.id, joined_on=on, percentage=percentage
                    )
                )
        await session.flush()
        for pool in pools:
            estimates.append(await _pool_estimate(session, pool, member, on))
    finally:
        await savepoint.rollback()
    return estimates


def parse_quantities(
    application: Application, offered: Sequence[Metric], given: Mapping[str, Decimal]
) -> dict[Metric, Decimal]:
    """The expected monthly quantity per metric with a tariff; unknown or negative is refused."""
    errors = ErrorCollector()
    result: dict[Metric, Decimal] = {}
    for name, quantity in given.items():
        try:
            metric = Metric(name)
        except ValueError:
            metric = None
        if metric is None or metric not in offered:
            errors.add(
                f"expectedUsage.{name}",
                CostsRefusal.NOT_A_TARIFF_METRIC,
                application=application.name,
                metric=name,
            )
        elif not quantity.is_finite() or quantity < 0:
            errors.add(f"expectedUsage.{name}", CostsRefusal.NEGATIVE_QUANTITY)
        else:
            result[metric] = quantity
    errors.raise_if_any()
    return result


async def _fees(
    session: AsyncSession,
    application: Application,
    on: date,
    quantities: Mapping[str, Decimal],
) -> list[FeeEstimate]:
    rows = await usage.tariffs_of(session, [application.id])
    decisions = await members.decisions_by_ids(session, sorted({t.decision_id for t in rows}))
    tariffs = [
        Tariff(
            application.slug, t.metric, t.price, t.valid_from, decisions[t.decision_id].reference
        )
        for t in rows
    ]
    offered = sorted({t.metric for t in tariffs})
    expected = parse_quantities(application, offered, quantities)
    first = month_of(on)
    months = [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(1, 13)
    ]
    estimates = []
    for metric in offered:
        quantity = expected.get(metric, Decimal(0))
        lines = usage_fees(
            [Usage(application.slug, month, metric, quantity) for month in months], tariffs
        )
        in_force = [t for t in tariffs if t.metric is metric and t.valid_from <= months[0]]
        current = max(in_force, key=lambda t: t.valid_from) if in_force else None
        estimates.append(
            FeeEstimate(
                metric,
                current.price
                if current
                else min(
                    (t for t in tariffs if t.metric is metric), key=lambda t: t.valid_from
                ).price,
                quantity,
                Cents(sum(line.amount for line in lines)),
                current.decision if current else "",
            )
        )
    return estimates


async def _membership(session: AsyncSession, member: Member, on: date) -> MembershipEstimate:
    latest = await session.scalar(
        select(Membership)
        .where(Membership.entry_fee_cents.is_not(None), Membership.start_date.is_not(None))
        .order_by(Membership.start_date.desc(), Membership.id.desc())
        .limit(1)
    )
    fee = Cents(latest.entry_fee_cents) if latest and latest.entry_fee_cents else None
    decision = latest.entry_fee_decision_id if latest else None
    year = on.year
    try:
        terms = await terms_for(session, year)
    except ValidationFailed as error:
        return MembershipEstimate(fee, decision, year, None, None, None, error.errors[0].phrase)
    own = (await members.municipalities_of_members(session, [member.id]))[member.id]
    figures = await figures_of(session, own)
    period = MembershipPeriod(
        member.code, 0, date(year, 1, 1), None, tuple(m.cbs_code for m in own)
    )
    try:
        line = contribution(terms, period, figures)
    except PopulationMissing as error:
        return MembershipEstimate(fee, decision, year, None, terms.rate, None, error.phrase)
    assert line is not None
    return MembershipEstimate(
        fee, decision, year, line.amount, terms.rate, line.population.inhabitants.total
    )


async def estimate(
    session: AsyncSession,
    actor: Actor,
    member_code: str,
    slug: str,
    on: date,
    quantities: Mapping[str, Decimal] | None = None,
) -> Estimate:
    """What joining `slug` on `on` would cost the member, from the registry's rules; stores
    nothing."""
    member = await member_or_refuse(session, member_code)
    require_for(actor, Permission.COSTS_ESTIMATE, CostsRefusal.ESTIMATE_PRIVATE, member)
    application = await visible_application(session, actor, slug)
    fees = await _fees(session, application, on, quantities or {})
    pools = await _settlements(session, application, member, on)
    membership = None
    if not await is_member_on(session, member.id, on):
        membership = await _membership(session, member, on)
    return Estimate(member, application, on, tuple(pools), tuple(fees), membership)
