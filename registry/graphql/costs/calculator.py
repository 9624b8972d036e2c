"""What would it cost us? The estimate of joining an application (and the cooperative)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from registry.auth.policy import Permission
from registry.costs import calculator
from registry.costs.models import PoolKind
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.graphql.context import Info
from registry.graphql.costs import types as _costs_types  # noqa: F401  (the enums)
from registry.graphql.errors import FieldError as FieldErrorType
from registry.graphql.money import Money
from registry.graphql.mutating import answer, read
from registry.graphql.permissions import field_for
from registry.graphql.usage import types as _usage_types  # noqa: F401  (the enums)
from registry.kit.clock import today
from registry.kit.language import Language
from registry.usage.models import Metric


@strawberry.input
class ExpectedUsageInput:
    metric: str = strawberry.field(description="A metric with a tariff, e.g. cases_handled.")
    monthly_quantity: Decimal


@strawberry.type(description="One of the application's cost pools, as it would be for the member.")
class PoolCostEstimate:
    pool_code: str
    pool_name: str
    kind: PoolKind
    key: AllocationKey
    late_joiner_policy: LateJoinerPolicy
    settlement: Money = strawberry.field(
        description="What the member would pay now for the costs before it joined."
    )
    yearly_share: Money | None = strawberry.field(
        description="Its share of the last twelve months' running costs (maintenance, hosting)."
    )
    not_estimated: str | None = strawberry.field(
        description="Why this pool cannot be estimated (English), if so."
    )


@strawberry.type
class UsageFeeEstimate:
    metric: Metric
    price: Decimal = strawberry.field(description="Euro per unit, the tariff in force.")
    monthly_quantity: Decimal
    yearly: Money
    decision: str


@strawberry.type(description="For a government body that is not a member on the day.")
class MembershipCostEstimate:
    entry_fee: Money | None
    contribution_year: int
    yearly_contribution: Money | None
    rate: Decimal | None = strawberry.field(description="Euro per inhabitant.")
    inhabitants: int | None
    not_estimated: str | None


@strawberry.type(description="What joining an application would cost a member; nothing stored.")
class CostEstimate:
    member: str
    application: str
    on: date
    settlement: Money
    yearly_running_costs: Money
    yearly_usage_fees: Money
    pools: list[PoolCostEstimate]
    usage_fees: list[UsageFeeEstimate]
    membership: MembershipCostEstimate | None

    @classmethod
    def of(cls, e: calculator.Estimate, language: Language = "en") -> CostEstimate:
        m = e.membership
        return cls(
            member=e.member.code,
            application=e.application.slug,
            on=e.on,
            settlement=Money.of_cents(e.settlement),
            yearly_running_costs=Money.of_cents(e.yearly_running),
            yearly_usage_fees=Money.of_cents(e.yearly_fees),
            pools=[
                PoolCostEstimate(
                    pool_code=p.pool.code,
                    pool_name=p.pool.name,
                    kind=p.pool.kind,
                    key=p.pool.key,
                    late_joiner_policy=p.pool.late_joiner_policy,
                    settlement=Money.of_cents(p.settlement),
                    yearly_share=Money.maybe(p.yearly_share),
                    not_estimated=p.refusal.text(language) if p.refusal else None,
                )
                for p in e.pools
            ],
            usage_fees=[
                UsageFeeEstimate(
                    metric=f.metric,
                    price=f.price,
                    monthly_quantity=f.monthly_quantity,
                    yearly=Money.of_cents(f.yearly),
                    decision=f.decision,
                )
                for f in e.fees
            ],
            membership=None
            if m is None
            else MembershipCostEstimate(
                entry_fee=Money.maybe(m.entry_fee),
                contribution_year=m.contribution_year,
                yearly_contribution=Money.maybe(m.yearly_contribution),
                rate=m.rate,
                inhabitants=m.inhabitants,
                not_estimated=m.refusal.text(language) if m.refusal else None,
            ),
        )


@strawberry.type
class CostEstimatePayload:
    estimate: CostEstimate | None = None
    errors: list[FieldErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class CalculatorQuery:
    @field_for(
        Permission.COSTS_ESTIMATE,
        "What would it cost us? The late-joiner settlement the member would pay on "
        "joining the application today (by each pool's key, full or depreciated), its yearly "
        "share of running costs, the usage fees of the expected usage, and for a government "
        "body that is not a member the entry fee and yearly contribution. Nothing is stored.",
        member_argument="member",
    )
    async def cost_estimate(
        self,
        info: Info,
        member: str,
        application: str,
        expected_usage: list[ExpectedUsageInput] | None = None,
    ) -> CostEstimatePayload:
        quantities = {u.metric: u.monthly_quantity for u in expected_usage or []}
        return await read(
            info,
            answer(CostEstimatePayload, "estimate", CostEstimate.of),
            calculator.estimate,
            member,
            application,
            today(),
            quantities,
        )
