"""GraphQL types of the members domain."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from registry.auth import models as auth_models
from registry.auth.policy import Permission
from registry.costs.reading import (
    MemberShare,
    applications_of_pools,
    totals_per_pool_and_year,
)
from registry.graphql.attributes import from_attributes
from registry.graphql.common import Decision, PopulationFigure, decision_of
from registry.graphql.context import Info
from registry.graphql.money import Money
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection
from registry.kit.clock import today
from registry.members import models
from registry.members.figures import as_figures
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import exit_charge_of, membership_dates
from registry.members.models import (
    ApprovalOutcome,
    EndReason,
    MemberType,
)
from registry.members.population import inhabitants_on
from registry.usage import adoptions as usage
from registry.usage.rules import parse_period

if TYPE_CHECKING:
    from registry.graphql.billing.types import BillingDetails, Invoice
    from registry.graphql.costs.types import CostShare, MemberCostLine
    from registry.graphql.fees.types import ContributionLine
    from registry.graphql.usage.types import Adoption, UsageRecord

strawberry.enum(MemberType, name="MemberType")


@strawberry.type(
    description="Inhabitants a member stands for on a date, itemised per municipality."
)
class Inhabitants:
    on: date
    total: int
    figures: list[PopulationFigure]


async def _shares(info: Info, member_id: int) -> list[MemberShare]:
    return await info.context.loaders.shares_of_member.load(member_id)


@strawberry.type(description="A Dutch municipality (gemeente), identified by its CBS code.")
class Municipality:
    model: strawberry.Private[models.Municipality]
    cbs_code: str
    name: str
    valid_from: date | None
    valid_to: date | None

    @classmethod
    def of(cls, m: models.Municipality) -> Municipality:
        return from_attributes(cls, m, model=m)

    @strawberry.field(description="All recorded population figures, oldest first.")
    async def population_figures(self, info: Info) -> list[PopulationFigure]:
        figures = await info.context.loaders.figures_of_municipality.load(self.model.id)
        return [PopulationFigure.of(f) for f in as_figures([self.model], figures)]


@strawberry.type(description="A government body that is a member (lid) of the cooperative.")
class Member:
    id: strawberry.Private[int]
    code: str
    name: str
    type: MemberType
    oin: str | None
    kvk: str | None

    @classmethod
    def of(cls, m: models.Member) -> Member:
        return from_attributes(cls, m, type=MemberType(m.type))

    @field_for(
        Permission.TOKENS_MANAGE,
        "The member's API tokens (member admins).",
        member_from_source=True,
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return [ApiToken.of(t) for t in await info.context.loaders.tokens_of_member.load(self.id)]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "Every membership, oldest first: the member's history.",
        member_from_source=True,
    )
    async def memberships(self, info: Info) -> list[Membership]:
        found = await info.context.loaders.memberships_of_member.load(self.id)
        return [Membership.of(m) for m in found]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "The contribution per year, from the latest fee run of each year.",
        member_from_source=True,
    )
    async def contributions(
        self, info: Info
    ) -> list[Annotated[ContributionLine, strawberry.lazy("registry.graphql.fees.types")]]:
        from registry.graphql.fees.types import ContributionLine

        found = await info.context.loaders.contributions_of_member.load(self.id)
        return [ContributionLine.of(year, line) for year, line in found]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "What the member owes per cost pool and year (allocations and settlements).",
        member_from_source=True,
    )
    async def cost_shares(
        self, info: Info
    ) -> list[Annotated[CostShare, strawberry.lazy("registry.graphql.costs.types")]]:
        from registry.graphql.costs.types import CostShare

        shares = await _shares(info, self.id)
        pools = {s.pool.code: s.pool for s in shares}
        applications = await info.context.loaders.application_by_id.load_many(
            sorted({p.application_id for p in pools.values() if p.application_id is not None})
        )
        slugs = applications_of_pools(list(pools.values()), [a for a in applications if a])
        return [
            CostShare.of(pools[code], slugs.get(code), year, amount)
            for (code, year), amount in totals_per_pool_and_year(shares).items()
        ]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "Every allocation and settlement line of the member, oldest run first.",
        member_from_source=True,
    )
    async def cost_lines(
        self, info: Info
    ) -> list[Annotated[MemberCostLine, strawberry.lazy("registry.graphql.costs.types")]]:
        from registry.graphql.costs.types import MemberCostLine

        return [MemberCostLine.of(s) for s in await _shares(info, self.id)]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "The member's adoptions with their usage rights.",
        member_from_source=True,
    )
    async def adoptions(
        self, info: Info
    ) -> list[Annotated[Adoption, strawberry.lazy("registry.graphql.usage.types")]]:
        from registry.graphql.usage.types import Adoption

        views = await info.context.loaders.adoptions_of_member.load(self.id)
        return [
            Adoption.of(
                v.adoption,
                self.code,
                v.application.slug,
                usage.UsageRightView(v.right.licence, v.right.start_date, v.right_ends)
                if v.right
                else None,
            )
            for v in views
        ]

    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "Recorded usage from month `first` to month `last` (YYYY-MM).",
        member_from_source=True,
    )
    async def usage(
        self, info: Info, first: str, last: str
    ) -> list[Annotated[UsageRecord, strawberry.lazy("registry.graphql.usage.types")]]:
        from registry.graphql.usage.types import UsageRecord

        key = (self.id, parse_period(first, "first"), parse_period(last, "last"))
        rows = await info.context.loaders.usage_of_member.load(key)
        return [UsageRecord.of(r, application.slug) for r, application in rows]

    @field_for(
        Permission.INVOICES_READ,
        "The member's invoices and credit notes, newest first (drafts: directie).",
        member_from_source=True,
    )
    async def invoices(
        self, info: Info, overdue_only: bool = False, first: int = 20, after: str | None = None
    ) -> Connection[Annotated[Invoice, strawberry.lazy("registry.graphql.billing.types")]]:
        from registry.graphql.billing.types import Invoice

        found = await info.context.loaders.invoices_of_member.load(self.id)
        return Invoice.page_of(found, overdue_only, first, after)

    @field_for(
        Permission.INVOICES_READ,
        "The address and references on the member's invoices; null until set.",
        member_from_source=True,
    )
    async def billing_details(
        self, info: Info
    ) -> Annotated[BillingDetails, strawberry.lazy("registry.graphql.billing.types")] | None:
        from registry.graphql.billing.types import BillingDetails

        account = await info.context.loaders.account_of_member.load(self.id)
        return BillingDetails.of(account) if account else None

    @field_for(
        Permission.INVOICES_READ,
        "Credit from credit notes carried to the member's next invoice.",
        member_from_source=True,
    )
    async def credit_balance(self, info: Info) -> Money:
        return Money.of_cents(await info.context.loaders.credit_of_member.load(self.id))

    @strawberry.field(description="Applications the member uses in production (public).")
    async def applications_in_use(self, info: Info) -> list[str]:
        found = await info.context.loaders.applications_in_use_of_member.load(self.id)
        return [a.slug for a in found]

    @strawberry.field(description="The municipalities this member stands for.")
    async def municipalities(self, info: Info) -> list[Municipality]:
        found = await info.context.loaders.municipalities_of_member.load(self.id)
        return [Municipality.of(m) for m in found]

    @strawberry.field(
        description="Inhabitants on a date: per municipality the latest figure on or before it."
    )
    async def inhabitants(
        self, info: Info, on: Annotated[date, strawberry.argument(description="Reference date")]
    ) -> Inhabitants:
        # Through the rule that also counts a new municipality by its predecessors.
        codes, figures = await info.context.loaders.derived_figures_of_member.load(self.id)
        result = inhabitants_on(codes, figures, on)
        return Inhabitants(
            on=result.on,
            total=result.total,
            figures=[PopulationFigure.of(f) for f in result.figures],
        )


async def member_of(info: Info, member_id: int | None) -> Member | None:
    """The member with this id, through the request's loader; None for no id or no member."""
    if member_id is None:
        return None
    found = await info.context.loaders.member_by_id.load(member_id)
    return Member.of(found) if found else None


@strawberry.type(description="An API token of a machine client; the secret is never shown again.")
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str
    permissions: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: auth_models.ApiToken) -> ApiToken:
        return from_attributes(
            cls, token, id=strawberry.ID(str(token.id)), permissions=sorted(token.permission_set)
        )


strawberry.enum(ApprovalOutcome, name="ApprovalOutcome")
strawberry.enum(EndReason, name="EndReason")
strawberry.enum(MembershipStatus, name="MembershipStatus")


@strawberry.type(description="A partner that signed for a partnership (jointly liable).")
class Signatory:
    name: str
    oin: str | None


@strawberry.type(description="The exit charge, capped at one year's contribution, and how.")
class ExitCharge:
    requested: Money
    cap: Money
    charged: Money
    rate: Decimal = strawberry.field(description="Rate of the year the membership ends.")
    inhabitants: int
    reference_date: date
    explanation: str


@strawberry.type(
    description="One membership (lidmaatschap) from application to end; steps are never "
    "overwritten, so the list of memberships is the member's history."
)
class Membership:
    model: strawberry.Private[models.Membership]
    id: strawberry.ID
    applied_on: date
    approval_outcome: ApprovalOutcome | None
    start_date: date | None
    agreement_reference: str | None
    notice_date: date | None
    end_date: date | None
    end_reason: EndReason | None
    signatories: list[Signatory]

    @classmethod
    def of(cls, m: models.Membership) -> Membership:
        return from_attributes(
            cls,
            m,
            model=m,
            id=strawberry.ID(str(m.id)),
            signatories=[Signatory(name=s.name, oin=s.oin) for s in m.signatories],
        )

    @strawberry.field(description="The status on a date (today when omitted).")
    def status(self, on: date | None = None) -> MembershipStatus:
        return status_on(membership_dates(self.model), on or today())

    @strawberry.field(description="The RvC decision that approved or rejected the application.")
    async def approval_decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.model.approval_decision_id)

    @strawberry.field(description="The directie decision admitting the member, if recorded.")
    async def admission_decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.model.admission_decision_id)

    @strawberry.field
    def entry_fee(self) -> Money | None:
        return Money.maybe(self.model.entry_fee_cents)

    @strawberry.field(description="The decision that set the entry fee.")
    async def entry_fee_decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.model.entry_fee_decision_id)

    @strawberry.field
    def exit_charge(self) -> ExitCharge | None:
        charge = exit_charge_of(self.model)
        if charge is None:
            return None
        return ExitCharge(
            requested=Money.of_cents(charge.requested),
            cap=Money.of_cents(charge.cap),
            charged=Money.of_cents(charge.charged),
            rate=charge.rate,
            inhabitants=charge.inhabitants,
            reference_date=charge.reference_date,
            explanation=charge.explanation(),
        )

    @strawberry.field
    async def member(self, info: Info) -> Member:
        found = await info.context.loaders.member_by_id.load(self.model.member_id)
        assert found is not None
        return Member.of(found)

    @strawberry.field(description="The member that continues this one after a merger.")
    async def successor_member(self, info: Info) -> Member | None:
        return await member_of(info, self.model.successor_member_id)
