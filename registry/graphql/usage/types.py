"""GraphQL types of adoption and usage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from registry.catalogue import models as catalogue_models
from registry.catalogue.models import BusinessCaseDecision, JoinStage
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
        return cls(
            id=strawberry.ID(str(a.id)),
            member_code=member,
            application_slug=application,
            stage=a.stage,
            acquisition_on=a.acquisition_on,
            planned_on=a.planned_on,
            in_production_on=a.in_production_on,
            phasing_out_on=a.phasing_out_on,
            phased_out_on=a.phased_out_on,
            module=a.module,
            version=a.version,
            contact_name=a.contact_name,
            contact_email=a.contact_email,
            usage_right=UsageRight(
                licence=right.licence, start_date=right.start_date, end_date=right.end_date
            )
            if right
            else None,
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
        return cls(
            application_slug=application,
            period=month(r.period),
            metric=r.metric,
            quantity=r.quantity,
            recorded_at=r.recorded_at,
            recorded_by=r.recorded_by,
        )


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
        return cls(
            application_slug=line.application,
            period=month(line.period),
            metric=line.metric,
            quantity=line.quantity,
            price=line.price,
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
        return cls(
            title=c.title,
            participants=[m.code for m in c.participants],
            development=Money.of_cents(c.development_cents),
            own_staff=Money.of_cents(c.own_staff_cents),
            implementation=Money.of_cents(c.implementation_cents),
            operation=Money.of_cents(c.operation_cents),
            maintenance=Money.of_cents(c.maintenance_cents),
            hosting=Money.of_cents(c.hosting_cents),
            expected_usage_fees=Money.of_cents(c.expected_usage_fees_cents),
            risks=c.risks,
            decision=c.decision,
            decided_by=c.decided_by,
            decided_on=c.decided_on,
            decision_reference=c.decision_reference,
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
