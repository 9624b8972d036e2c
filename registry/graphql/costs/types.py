"""GraphQL types of cost pools, their entries, participants and runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from registry.costs import models
from registry.costs.models import CostCategory, PoolKind, RunKind
from registry.costs.reading import MemberShare
from registry.costs.runs import RunPreview
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.graphql.attributes import from_attributes
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.kit.money import Cents

strawberry.enum(PoolKind, name="PoolKind")
strawberry.enum(CostCategory, name="CostCategory")
strawberry.enum(RunKind, name="AllocationRunKind")
strawberry.enum(AllocationKey, name="AllocationKey")
strawberry.enum(LateJoinerPolicy, name="LateJoinerPolicy")


@strawberry.type(description="A cost (kostenpost) in a pool.")
class CostEntry:
    id: strawberry.ID
    amount: Money
    entry_date: date
    category: CostCategory
    description: str
    document_reference: str | None
    entered_by: str
    entered_at: datetime

    @classmethod
    def of(cls, e: models.CostEntry) -> CostEntry:
        return from_attributes(
            cls, e, id=strawberry.ID(str(e.id)), amount=Money.of_cents(e.amount_cents)
        )


@strawberry.type(description="A member taking part in a pool, from a date.")
class PoolParticipant:
    member_code: str
    joined_on: date
    left_on: date | None
    percentage: Decimal | None

    @classmethod
    def of(cls, member_code: str, p: models.PoolParticipant) -> PoolParticipant:
        return from_attributes(cls, p, member_code=member_code)


@strawberry.type(description="One member's share of one cost entry (negative: a credit).")
class AllocationLine:
    entry_id: strawberry.ID
    member_code: str
    amount: Money
    weight: Decimal = strawberry.field(
        description="The member's figure under the key (inhabitants, percentage, usage, 1)."
    )

    @classmethod
    def of(cls, entry_id: int, member_code: str, cents: int, weight: Decimal) -> AllocationLine:
        return cls(
            entry_id=strawberry.ID(str(entry_id)),
            member_code=member_code,
            amount=Money.of_cents(cents),
            weight=weight,
        )


@strawberry.type(description="An immutable allocation, settlement or reversal run.")
class AllocationRun:
    id: strawberry.ID
    pool_code: str
    sequence: int
    kind: RunKind
    booked_on: date
    inputs_sha256: str
    inputs: str = strawberry.field(description="The canonical JSON the run was computed from.")
    total: Money
    reversed: bool
    lines: list[AllocationLine]
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, run: models.AllocationRun, pool_code: str, reversed_: bool) -> AllocationRun:
        return from_attributes(
            cls,
            run,
            id=strawberry.ID(str(run.id)),
            pool_code=pool_code,
            total=Money.of_cents(run.total_cents),
            reversed=reversed_,
            lines=[
                AllocationLine.of(line.entry_id, line.member_code, line.amount_cents, line.weight)
                for line in run.lines
            ],
        )


@strawberry.type(description="A run as it would be stored; nothing is stored.")
class AllocationPreview:
    kind: RunKind
    inputs_sha256: str
    total: Money
    lines: list[AllocationLine]
    totals: list[MemberAmount]

    @classmethod
    def of(cls, preview: RunPreview) -> AllocationPreview:
        return cls(
            kind=preview.kind,
            inputs_sha256=preview.inputs_sha256,
            total=Money.of_cents(preview.split.total),
            lines=[
                AllocationLine.of(s.entry_id, s.member_code, s.amount, s.weight)
                for s in preview.split.shares
            ],
            totals=[
                MemberAmount(member_code=code, amount=Money.of_cents(amount))
                for code, amount in preview.split.totals().items()
            ],
        )


@strawberry.type
class MemberAmount:
    member_code: str
    amount: Money


@strawberry.type(description="What a member owes for one pool in one year (runs booked then).")
class CostShare:
    pool_code: str
    pool_name: str
    application_slug: str | None = strawberry.field(
        description="The application the pool belongs to; null for the cooperative's own costs."
    )
    year: int
    amount: Money

    @classmethod
    def of(
        cls, pool: models.CostPool, application_slug: str | None, year: int, amount: Cents
    ) -> CostShare:
        return cls(
            pool_code=pool.code,
            pool_name=pool.name,
            application_slug=application_slug,
            year=year,
            amount=Money.of_cents(amount),
        )


@strawberry.type(description="A cost pool (kostenpot) and how it is shared.")
class CostPool:
    code: str
    name: str
    kind: PoolKind
    application_slug: str | None
    key: AllocationKey
    reference_date: date | None
    single_payer: str | None
    late_joiner_policy: LateJoinerPolicy
    depreciation_years: int
    closed_until: date | None
    entries: list[CostEntry]
    participants: list[PoolParticipant]
    runs: list[AllocationRun]
    total: Money


@strawberry.type
class CostPoolPayload:
    pool: CostPool | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class CostEntryPayload:
    entry: CostEntry | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class PoolParticipantPayload:
    participant: PoolParticipant | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class AllocationRunPayload:
    runs: list[AllocationRun] = strawberry.field(default_factory=list)
    created: bool = strawberry.field(
        default=False, description="False when there was nothing to allocate or settle."
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class AllocationPreviewPayload:
    preview: AllocationPreview | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(
    description="One line of what a member bears, with how it was computed: the entry, the "
    "key, the member's weight and the total it was divided by (rounded by largest remainder)."
)
class MemberCostLine:
    pool_code: str
    key: AllocationKey
    run_sequence: int
    run_kind: RunKind
    booked_on: date
    entry_description: str
    entry_date: date
    entry_amount: Money
    weight: Decimal
    weight_total: Decimal
    amount: Money

    @classmethod
    def of(cls, s: MemberShare) -> MemberCostLine:
        return cls(
            pool_code=s.pool.code,
            key=s.pool.key,
            run_sequence=s.run.sequence,
            run_kind=s.run.kind,
            booked_on=s.run.booked_on,
            entry_description=s.entry.description,
            entry_date=s.entry.entry_date,
            entry_amount=Money.of_cents(s.entry.amount_cents),
            weight=s.weight,
            weight_total=s.weight_total,
            amount=Money.of_cents(s.amount),
        )
