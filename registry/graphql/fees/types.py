"""GraphQL types of contributions: rates, fee runs and their lines."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import strawberry

from registry.fees import models
from registry.fees.contribution import Contribution, Difference, differences
from registry.fees.models import PopulationPolicy, ProRata
from registry.fees.service import FeeRunPreview as DomainPreview
from registry.graphql.attributes import from_attributes
from registry.graphql.common import Decision, PopulationFigure, decision_of
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.years.types import ChangeWarning
from registry.kit.money import Cents
from registry.members.models import FigureStatus

strawberry.enum(ProRata, name="ProRata")
strawberry.enum(PopulationPolicy, name="PopulationPolicy")


@strawberry.type(description="Euro per inhabitant for a year, from an ALV decision.")
class ContributionRate:
    model: strawberry.Private[models.ContributionRate]
    year: int
    rate: Decimal
    pro_rata: ProRata
    population_policy: PopulationPolicy

    @classmethod
    def of(cls, r: models.ContributionRate) -> ContributionRate:
        return from_attributes(cls, r, model=r)

    @strawberry.field(description="The ALV decision that set the rate.")
    async def decision(self, info: Info) -> Decision | None:
        return await decision_of(info, self.model.decision_id)


@strawberry.type(
    description="One membership's contribution for a year, with every input it came from."
)
class ContributionLine:
    year: int
    member_code: str
    inhabitants: int
    reference_date: date
    population_basis: PopulationPolicy = strawberry.field(
        description="JANUARY_FIRST: the figure of 1 January of the year; LATEST_PUBLISHED: "
        "that figure was not published yet, so the latest one was used."
    )
    figures: list[PopulationFigure]
    rate: Decimal
    decision_reference: str
    pro_rata: ProRata
    billable_from: date
    billable_to: date
    days_billable: int
    days_in_year: int
    amount: Money

    @classmethod
    def of(cls, year: int, line: models.FeeLine) -> ContributionLine:
        return from_attributes(
            cls,
            line,
            year=year,
            figures=[
                PopulationFigure(
                    cbs_code=f["cbs_code"],
                    municipality=f["municipality"],
                    reference_date=date.fromisoformat(f["reference_date"]),
                    count=f["count"],
                    source=f["source"],
                    status=FigureStatus.FINAL,
                )
                for f in json.loads(line.figures)
            ],
            amount=Money.of_cents(line.amount_cents),
        )

    @classmethod
    def preview(cls, preview: DomainPreview, line: Contribution) -> ContributionLine:
        terms = preview.terms
        return from_attributes(
            cls,
            line,
            year=terms.year,
            inhabitants=line.population.inhabitants.total,
            reference_date=line.population.reference_date,
            population_basis=line.population.basis,
            figures=[PopulationFigure.of(f) for f in line.population.inhabitants.figures],
            rate=terms.rate,
            decision_reference=terms.decision_reference,
            pro_rata=terms.pro_rata,
            amount=Money.of_cents(line.amount),
        )


@strawberry.type(description="How one membership's contribution changed against the last run.")
class ContributionDifference:
    member_code: str
    previous: Money | None
    current: Money | None
    difference: Money

    @classmethod
    def of(cls, d: Difference) -> ContributionDifference:
        return cls(
            member_code=d.member_code,
            previous=Money.maybe(d.previous),
            current=Money.maybe(d.current),
            difference=Money.of_cents(d.amount),
        )


@strawberry.type(description="A stored fee run: every member's contribution for a year.")
class FeeRun:
    model: strawberry.Private[models.FeeRun]
    id: strawberry.ID
    year: int
    sequence: int
    inputs_sha256: str
    total: Money
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, run: models.FeeRun) -> FeeRun:
        return from_attributes(
            cls,
            run,
            model=run,
            id=strawberry.ID(str(run.id)),
            total=Money.of_cents(run.total_cents),
        )

    @strawberry.field
    def lines(self) -> list[ContributionLine]:
        return [ContributionLine.of(self.year, line) for line in self.model.lines]

    @strawberry.field(description="Per member, the change against the previous run of the year.")
    async def differences(self, info: Info) -> list[ContributionDifference]:
        previous_lines: list[models.FeeLine] = []
        if self.model.previous_run_id is not None:
            previous = await info.context.loaders.fee_run_by_id.load(self.model.previous_run_id)
            previous_lines = list(previous.lines) if previous else []
        found = differences(
            ((p.member_code, p.membership_id, Cents(p.amount_cents)) for p in previous_lines),
            ((c.member_code, c.membership_id, Cents(c.amount_cents)) for c in self.model.lines),
        )
        return [ContributionDifference.of(d) for d in found]


@strawberry.type(description="A fee run as it would be stored now; nothing is stored.")
class FeeRunPreview:
    year: int
    rate: Decimal
    decision_reference: str
    inputs_sha256: str
    unchanged: bool = strawberry.field(
        description="The latest stored run has the same inputs: running stores nothing."
    )
    total: Money
    lines: list[ContributionLine]
    differences: list[ContributionDifference]

    @classmethod
    def of(cls, preview: DomainPreview) -> FeeRunPreview:
        return cls(
            year=preview.terms.year,
            rate=preview.terms.rate,
            decision_reference=preview.terms.decision_reference,
            inputs_sha256=preview.inputs_sha256,
            unchanged=preview.unchanged,
            total=Money.of_cents(preview.total),
            lines=[ContributionLine.preview(preview, line) for line in preview.lines],
            differences=[ContributionDifference.of(d) for d in preview.differences],
        )


@strawberry.type
class ContributionRatePayload:
    rate: ContributionRate | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
    warnings: list[ChangeWarning] = strawberry.field(
        default_factory=list,
        description="What the change does to a year that was already invoiced (stored anyway).",
    )


@strawberry.type
class FeeRunPayload:
    run: FeeRun | None = None
    created: bool = strawberry.field(
        default=False, description="False when the inputs were unchanged and nothing was stored."
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class FeeRunPreviewPayload:
    preview: FeeRunPreview | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
