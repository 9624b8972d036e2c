"""Adoption and usage (member admins and users for their own member; the directie)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.catalogue import communities
from registry.catalogue import service as catalogue
from registry.catalogue.models import BusinessCaseDecision, JoinStage
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.mutating import Answer, acknowledge, act, answer, mutate
from registry.graphql.permissions import mutation
from registry.graphql.relay import known_id
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
from registry.graphql.years.types import ChangeWarning
from registry.kit.clock import today
from registry.kit.errors import ValidationFailed
from registry.usage import adoptions
from registry.usage import records as usage_records
from registry.usage.errors import UsageRefusal
from registry.usage.models import AdoptionStage
from registry.usage.tariffs import TariffInput
from registry.years.warnings import set_tariff_warned


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


_BUSINESS_CASE = answer(BusinessCasePayload, "business_case", BusinessCase.of)


def _business_case(input: BusinessCaseInput) -> catalogue.BusinessCaseInput:
    return catalogue.BusinessCaseInput(
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


@strawberry.type
class UsageMutation:
    @mutation(
        Permission.ADOPTION_MANAGE,
        "Adopt an application for a member: usage right and community included.",
        member_argument="input.member",
    )
    async def adoption_create(self, info: Info, input: AdoptionInput) -> AdoptionPayload:
        data = from_attributes(adoptions.AdoptionInput, input)

        async def adopt(session: AsyncSession) -> Adoption:
            adoption = await adoptions.adopt(session, info.context.actor, data, today())
            right = await adoptions.right_view(session, adoption.id)
            return Adoption.of(adoption, input.member, input.application, right)

        return await mutate(info, AdoptionPayload, adopt, lambda a: AdoptionPayload(adoption=a))

    @mutation(
        Permission.ADOPTION_MANAGE,
        "Move an adoption to a later stage on the date it was reached.",
        member_argument="member",
    )
    async def adoption_advance(
        self, info: Info, member: str, id: strawberry.ID, stage: AdoptionStage, on: date
    ) -> AdoptionPayload:

        async def advance(session: AsyncSession) -> Adoption:
            number = known_id(id, ValidationFailed.single("id", UsageRefusal.INVALID_ADOPTION_ID))
            adoption = await adoptions.advance(
                session, info.context.actor, number, stage, on, today(), member=member
            )
            right = await adoptions.right_view(session, adoption.id)
            slug = await adoptions.application_slug(session, adoption.application_id)
            return Adoption.of(adoption, member, slug, right)

        return await mutate(info, AdoptionPayload, advance, lambda a: AdoptionPayload(adoption=a))

    @mutation(
        Permission.USAGE_WRITE,
        "Record one month of usage; the same month and metric again replaces it.",
        member_argument="member",
    )
    async def usage_record(self, info: Info, member: str, input: UsageInput) -> UsagePayload:
        return await _record(info, member, [input])

    @mutation(
        Permission.USAGE_WRITE,
        "Record many usage records at once (an application with its API token): "
        "all are stored or none, and every invalid record is named.",
        member_argument="member",
    )
    async def usage_record_bulk(
        self, info: Info, member: str, records: list[UsageInput]
    ) -> UsagePayload:
        return await _record(info, member, records)

    @mutation(
        Permission.FEES_MANAGE,
        "Set the tariff of an application's metric from a month on, by a decision.",
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
        return await act(
            info,
            Answer(
                TariffPayload,
                lambda done: TariffPayload(
                    tariff=UsageTariff(
                        metric=done[0].metric,
                        price=done[0].price,
                        valid_from=month(done[0].valid_from),
                    ),
                    warnings=[ChangeWarning.of(w) for w in done[1]],
                ),
            ),
            set_tariff_warned,
            TariffInput(application, metric, str(price), valid_from, decision),
            today(),
        )

    @mutation(Permission.CATALOGUE_MANAGE)
    async def business_case_create(
        self, info: Info, application: str, input: BusinessCaseInput
    ) -> BusinessCasePayload:
        return await act(
            info, _BUSINESS_CASE, catalogue.create_business_case, application, _business_case(input)
        )

    @mutation(
        Permission.APPLICATION_MAINTAIN,
        "The lead member's admins (or the directie) write the business case draft of their"
        " application: a new one, or the undecided one with the same title revised. The"
        " decision stays with the directie (businessCaseDecide).",
        member_argument="member",
    )
    async def business_case_draft_save(
        self, info: Info, member: str, application: str, input: BusinessCaseInput
    ) -> BusinessCasePayload:
        return await act(
            info,
            _BUSINESS_CASE,
            catalogue.save_business_case_draft,
            application,
            _business_case(input),
        )

    @mutation(
        Permission.CATALOGUE_MANAGE, "Record the positive or negative decision on a business case."
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
        return await act(
            info,
            _BUSINESS_CASE,
            catalogue.decide_business_case,
            application,
            title,
            decision,
            decided_by,
            decided_on,
            reference,
        )

    @mutation(
        Permission.COMMUNITY_TAKE_PART,
        "A member joins an application's community at a stage, on a date that"
        " has come (its own admins, or the directie for any member).",
        member_argument="member",
    )
    async def community_join(
        self, info: Info, application: str, member: str, stage: JoinStage, joined_on: date
    ) -> CommunityPayload:
        return await act(
            info,
            acknowledge(CommunityPayload),
            communities.join,
            application,
            member,
            stage,
            joined_on,
            today(),
        )

    @mutation(
        Permission.CATALOGUE_MANAGE,
        "Whether members joining later get an equal say on further development.",
    )
    async def community_equal_say_set(
        self, info: Info, application: str, equal: bool
    ) -> CommunityPayload:
        return await act(
            info, acknowledge(CommunityPayload), catalogue.set_equal_say, application, equal
        )


async def _record(info: Info, member: str, records: list[UsageInput]) -> UsagePayload:
    return await act(
        info,
        Answer(
            UsagePayload,
            lambda result: UsagePayload(
                created=result.created, replaced=result.replaced, unchanged=result.unchanged
            ),
        ),
        usage_records.record_usage,
        _usage(member, records),
    )
