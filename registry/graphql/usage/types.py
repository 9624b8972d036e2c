"""GraphQL types of adoption and usage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from registry.catalogue import models as catalogue_models
from registry.catalogue.models import BusinessCaseDecision, JoinStage
from registry.catalogue.service import COST_HEADS
from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.years.types import ChangeWarning
from registry.usage import models
from registry.usage.adoptions import UsageRightView
from registry.usage.models import AdoptionStage, Metric
from registry.usage.rules import UsageFeeLine as DomainFeeLine

strawberry.enum(AdoptionStage, name="AdoptionStage")
strawberry.enum(Metric, name="UsageMetric")
strawberry.enum(JoinStage, name="JoinStage")
strawberry.enum(BusinessCaseDecision, name="BusinessCaseDecision")


def month(day: date) -> str:
    return day.strftime("%Y-%m")


@strawberry.type(description="The licence grant a member holds for an application.")
class UsageRight:
    licence: str
    start_date: date
    end_date: date | None = strawberry.field(
        description="The end of the adoption, or of the membership if that comes first."
    )


@strawberry.type(description="A member's use of an application (gebruik), with its stage dates.")
class Adoption:
    id: strawberry.ID
    member_code: str
    application_slug: str
    stage: AdoptionStage
    acquisition_on: date
    planned_on: date | None
    in_production_on: date | None
    phasing_out_on: date | None
    phased_out_on: date | None
    module: str
    version: str
    contact_name: str
    contact_email: str
    usage_right: UsageRight | None

    @classmethod
    def of(
        cls, a: models.Adoption, member: str, application: str, right: UsageRightView | None
    ) -> Adoption:
        return from_attributes(
            cls,
            a,
            id=strawberry.ID(str(a.id)),
            member_code=member,
            application_slug=application,
            usage_right=from_attributes(UsageRight, right) if right else None,
        )


@strawberry.type(description="Usage of one metric in one month (YYYY-MM).")
class UsageRecord:
    application_slug: str
    period: str
    metric: Metric
    quantity: Decimal
    recorded_at: datetime
    recorded_by: str

    @classmethod
    def of(cls, r: models.UsageRecord, application: str) -> UsageRecord:
        return from_attributes(cls, r, application_slug=application, period=month(r.period))


@strawberry.type(description="A usage fee line: quantity × the tariff in force, rounded once.")
class UsageFeeLine:
    application_slug: str
    period: str
    metric: Metric
    quantity: Decimal
    price: Decimal
    decision_reference: str
    amount: Money

    @classmethod
    def of(cls, line: DomainFeeLine) -> UsageFeeLine:
        return from_attributes(
            cls,
            line,
            application_slug=line.application,
            period=month(line.period),
            decision_reference=line.decision,
            amount=Money.of_cents(line.amount),
        )


@strawberry.type(description="Euro per unit of a metric, from a month on, by a decision.")
class UsageTariff:
    metric: Metric
    price: Decimal
    valid_from: str


@strawberry.type(description="A member in an application's community, since a stage and date.")
class CommunityMember:
    member_code: str
    member_name: str
    stage: JoinStage
    joined_on: date


@strawberry.type(description="Who uses an application in production, and whom they serve.")
class ApplicationUsers:
    member_codes: list[str]
    member_names: list[str]
    inhabitants: int = strawberry.field(
        description="Inhabitants of the users' municipalities together, each counted once."
    )
    reference_date: date | None


@strawberry.type(description="The decision basis for building or bringing in an application.")
class BusinessCase:
    title: str
    participants: list[str]
    development: Money
    own_staff: Money
    implementation: Money
    operation: Money
    maintenance: Money
    hosting: Money
    expected_usage_fees: Money
    risks: str
    decision: BusinessCaseDecision | None
    decided_by: str | None
    decided_on: date | None
    decision_reference: str | None

    @classmethod
    def of(cls, c: catalogue_models.BusinessCase) -> BusinessCase:
        return from_attributes(
            cls,
            c,
            participants=[m.code for m in c.participants],
            **amounts(c, *COST_HEADS),
        )


@strawberry.type
class AdoptionPayload:
    adoption: Adoption | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class UsagePayload:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class TariffPayload:
    tariff: UsageTariff | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
    warnings: list[ChangeWarning] = strawberry.field(
        default_factory=list,
        description="What the tariff does to usage that was already invoiced (stored anyway).",
    )


@strawberry.type
class BusinessCasePayload:
    business_case: BusinessCase | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class CommunityPayload:
    ok: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class UsageFeesPayload:
    lines: list[UsageFeeLine] = strawberry.field(default_factory=list)
    total: Money | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
