"""Adoption and usage (member admins and users for their own member; the directie)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from registry.auth.policy import Permission
from registry.catalogue import communities
from registry.catalogue import service as catalogue
from registry.catalogue.models import BusinessCaseDecision, JoinStage
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.graphql.mutating import mutate
from registry.graphql.permissions import policy
from registry.graphql.relay import database_id
from registry.graphql.usage.types import (
    Adoption,
    AdoptionPayload,
    BusinessCase,
    BusinessCasePayload,
    CommunityPayload,
    TariffPayload,
    UsagePayload,
    UsageTariff,
    month,
)
from registry.kit.clock import today
from registry.kit.errors import DomainError, ValidationFailed
from registry.usage import adoptions, tariffs
from registry.usage import records as usage_records
from registry.usage.errors import UsageRefusal
from registry.usage.models import AdoptionStage


@strawberry.input
class AdoptionInput:
    member: str
    application: str
    acquisition_on: date
    module: str = ""
    version: str = ""
    contact_name: str = ""
    contact_email: str = ""


@strawberry.input(description="One month of one metric of one application.")
class UsageInput:
    application: str
    period: str = strawberry.field(description="The month, YYYY-MM.")
    metric: str
    quantity: Decimal


@strawberry.input
class BusinessCaseInput:
    title: str
    participants: list[str] = strawberry.field(default_factory=list)
    development: Decimal = Decimal(0)
    own_staff: Decimal = Decimal(0)
    implementation: Decimal = Decimal(0)
    operation: Decimal = Decimal(0)
    maintenance: Decimal = Decimal(0)
    hosting: Decimal = Decimal(0)
    expected_usage_fees: Decimal = Decimal(0)
    risks: str = ""


def _usage(member: str, records: list[UsageInput]) -> list[usage_records.UsageInput]:
    return [
        usage_records.UsageInput(member, r.application, r.period, r.metric, r.quantity)
        for r in records
    ]


@strawberry.type
class UsageMutation:
    @strawberry.mutation(
        extensions=policy(Permission.ADOPTION_MANAGE, member_argument="input.member"),
        description="Adopt an application for a member: usage right and community included.",
    )
    async def adoption_create(self, info: Info, input: AdoptionInput) -> AdoptionPayload:
        data = adoptions.AdoptionInput(
            input.member,
            input.application,
            input.acquisition_on,
            input.module,
            input.version,
            input.contact_name,
            input.contact_email,
        )
        try:
            async with info.context.transaction() as session:
                adoption = await adoptions.adopt(session, info.context.actor, data, today())
                right = await adoptions.right_view(session, adoption.id)
        except DomainError as error:
            return AdoptionPayload(errors=field_errors(error))
        return AdoptionPayload(
            adoption=Adoption.of(adoption, input.member, input.application, right)
        )

    @strawberry.mutation(
        extensions=policy(Permission.ADOPTION_MANAGE, member_argument="member"),
        description="Move an adoption to a later stage on the date it was reached.",
    )
    async def adoption_advance(
        self, info: Info, member: str, id: strawberry.ID, stage: AdoptionStage, on: date
    ) -> AdoptionPayload:
        try:
            number = database_id(id)
            if number is None:
                raise ValidationFailed.single("id", UsageRefusal.INVALID_ADOPTION_ID)
            async with info.context.transaction() as session:
                adoption = await adoptions.advance(
                    session, info.context.actor, number, stage, on, today(), member=member
                )
                right = await adoptions.right_view(session, adoption.id)
                slug = await adoptions.application_slug(session, adoption.application_id)
        except DomainError as error:
            return AdoptionPayload(errors=field_errors(error))
        return AdoptionPayload(adoption=Adoption.of(adoption, member, slug, right))

    @strawberry.mutation(
        extensions=policy(Permission.USAGE_WRITE, member_argument="member"),
        description="Record one month of usage; the same month and metric again replaces it.",
    )
    async def usage_record(self, info: Info, member: str, input: UsageInput) -> UsagePayload:
        return await _record(info, member, [input])

    @strawberry.mutation(
        extensions=policy(Permission.USAGE_WRITE, member_argument="member"),
        description="Record many usage records at once (an application with its API token): "
        "all are stored or none, and every invalid record is named.",
    )
    async def usage_record_bulk(
        self, info: Info, member: str, records: list[UsageInput]
    ) -> UsagePayload:
        return await _record(info, member, records)

    @strawberry.mutation(
        extensions=policy(Permission.FEES_MANAGE),
        description="Set the tariff of an application's metric from a month on, by a decision.",
    )
    async def usage_tariff_set(
        self,
        info: Info,
        application: str,
        metric: str,
        price: Decimal,
        valid_from: str,
        decision: str,
    ) -> TariffPayload:
        return await mutate(
            info,
            TariffPayload,
            lambda session: tariffs.set_tariff(
                session,
                info.context.actor,
                application,
                metric,
                str(price),
                valid_from,
                decision,
            ),
            lambda tariff: TariffPayload(
                tariff=UsageTariff(
                    metric=tariff.metric, price=tariff.price, valid_from=month(tariff.valid_from)
                )
            ),
        )

    @strawberry.mutation(extensions=policy(Permission.CATALOGUE_MANAGE))
    async def business_case_create(
        self, info: Info, application: str, input: BusinessCaseInput
    ) -> BusinessCasePayload:
        data = catalogue.BusinessCaseInput(
            input.title,
            tuple(input.participants),
            str(input.development),
            str(input.own_staff),
            str(input.implementation),
            str(input.operation),
            str(input.maintenance),
            str(input.hosting),
            str(input.expected_usage_fees),
            input.risks,
        )
        return await mutate(
            info,
            BusinessCasePayload,
            lambda session: catalogue.create_business_case(
                session, info.context.actor, application, data
            ),
            lambda case: BusinessCasePayload(business_case=BusinessCase.of(case)),
        )

    @strawberry.mutation(
        extensions=policy(Permission.APPLICATION_MAINTAIN, member_argument="member"),
        description="The lead member's admins (or the directie) write the business case draft of"
        " their application: a new one, or the undecided one with the same title revised. The"
        " decision stays with the directie (businessCaseDecide).",
    )
    async def business_case_draft_save(
        self, info: Info, member: str, application: str, input: BusinessCaseInput
    ) -> BusinessCasePayload:
        data = catalogue.BusinessCaseInput(
            input.title,
            tuple(input.participants),
            str(input.development),
            str(input.own_staff),
            str(input.implementation),
            str(input.operation),
            str(input.maintenance),
            str(input.hosting),
            str(input.expected_usage_fees),
            input.risks,
        )
        return await mutate(
            info,
            BusinessCasePayload,
            lambda session: catalogue.save_business_case_draft(
                session, info.context.actor, application, data
            ),
            lambda case: BusinessCasePayload(business_case=BusinessCase.of(case)),
        )

    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description="Record the positive or negative decision on a business case.",
    )
    async def business_case_decide(
        self,
        info: Info,
        application: str,
        title: str,
        decision: BusinessCaseDecision,
        decided_by: str,
        decided_on: date,
        reference: str | None = None,
    ) -> BusinessCasePayload:
        return await mutate(
            info,
            BusinessCasePayload,
            lambda session: catalogue.decide_business_case(
                session,
                info.context.actor,
                application,
                title,
                decision,
                decided_by,
                decided_on,
                reference,
            ),
            lambda case: BusinessCasePayload(business_case=BusinessCase.of(case)),
        )

    @strawberry.mutation(
        extensions=policy(Permission.COMMUNITY_TAKE_PART, member_argument="member"),
        description="A member joins an application's community at a stage, on a date that"
        " has come (its own admins, or the directie for any member).",
    )
    async def community_join(
        self, info: Info, application: str, member: str, stage: JoinStage, joined_on: date
    ) -> CommunityPayload:
        return await mutate(
            info,
            CommunityPayload,
            lambda session: communities.join(
                session, info.context.actor, application, member, stage, joined_on, today()
            ),
            lambda _: CommunityPayload(ok=True),
        )

    @strawberry.mutation(
        extensions=policy(Permission.CATALOGUE_MANAGE),
        description="Whether members joining later get an equal say on further development.",
    )
    async def community_equal_say_set(
        self, info: Info, application: str, equal: bool
    ) -> CommunityPayload:
        return await mutate(
            info,
            CommunityPayload,
            lambda session: catalogue.set_equal_say(
                session, info.context.actor, application, equal
            ),
            lambda _: CommunityPayload(ok=True),
        )


async def _record(info: Info, member: str, records: list[UsageInput]) -> UsagePayload:
    return await mutate(
        info,
        UsagePayload,
        lambda session: usage_records.record_usage(
            session, info.context.actor, _usage(member, records)
        ),
        lambda result: UsagePayload(
            created=result.created, replaced=result.replaced, unchanged=result.unchanged
        ),
    )
