"""GraphQL types of the catalogue."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from registry.auth.errors import AuthRefusal
from registry.auth.policy import Permission
from registry.catalogue import models
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.lifecycle import allowed_next
from registry.catalogue.models import ApplicationStatus, ReviewStatus
from registry.catalogue.stewardship import sees_interest
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.members.types import Member, member_of
from registry.graphql.permissions import NotAllowed, field_for
from registry.kit.errors import Phrase

if TYPE_CHECKING:
    from registry.graphql.usage.types import ApplicationUsers, BusinessCase, CommunityMember

strawberry.enum(ApplicationStatus, name="ApplicationStatus")
strawberry.enum(ReviewStatus, name="ReviewStatus")


@strawberry.enum
class Language(enum.Enum):
    NL = "nl"
    EN = "en"


@strawberry.type(description="A standard an application claims, with the version it follows.")
class StandardClaim:
    name: str
    version: str = strawberry.field(
        description="The version the application follows; may be empty."
    )
    owner: str = strawberry.field(description="Who maintains the standard, e.g. VNG Realisatie.")
    current_version: str = strawberry.field(description="The standard's current version.")
    url: str | None


@strawberry.type
class Release:
    version: str
    released_on: date
    notes: str

    @classmethod
    def of(cls, r: models.Release) -> Release:
        return from_attributes(cls, r)


@strawberry.type(description="A member that registered interest in an application.")
class InterestedMember:
    member_code: str
    member_name: str
    registered_on: date


@strawberry.type(description="Jointly owned software in the catalogue (applicatie).")
class Application:
    model: strawberry.Private[models.Application]
    slug: str
    name: str
    description_nl: str
    description_en: str
    platform: str
    status: ApplicationStatus
    licence: str = strawberry.field(description="SPDX licence expression, normalised.")
    repository_url: str | None
    published: bool
    problem: str = strawberry.field(description="The problem it solves, as its proposer put it.")
    review_status: ReviewStatus | None = strawberry.field(
        description="Where a member's proposal stands; null for what the directie entered."
    )
    review_note: str | None = strawberry.field(
        description="The directie's note: what to change, or why it was rejected."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, a: models.Application) -> Application:
        return from_attributes(cls, a, model=a, status=ApplicationStatus(a.status))

    @strawberry.field(description="The description in the given language, Dutch if it is empty.")
    def description(self, language: Language = Language.NL) -> str:
        if language is Language.EN and self.description_en:
            return self.description_en
        return self.description_nl

    @strawberry.field(description="The member leading development (trekker).")
    async def lead_member(self, info: Info) -> Member | None:
        return await member_of(info, self.model.lead_member_id)

    @strawberry.field(description="The owning member; null when the cooperative owns it.")
    async def owner_member(self, info: Info) -> Member | None:
        return await member_of(info, self.model.owner_member_id)

    @strawberry.field
    def owned_by_cooperative(self) -> bool:
        return self.model.owner_member_id is None

    @strawberry.field(description="Releases, newest first.")
    async def releases(self, info: Info) -> list[Release]:
        return [Release.of(r) for r in await info.context.loaders.releases.load(self.model.id)]

    @strawberry.field(description="Standards the application claims to comply with.")
    async def standards(self, info: Info) -> list[str]:
        return [c.standard for c in await info.context.loaders.standards.load(self.model.id)]

    @strawberry.field(
        description="The standards it claims, each with the version it follows and the "
        "standard's owner, current version and URL."
    )
    async def standard_claims(self, info: Info) -> list[StandardClaim]:
        found = await info.context.loaders.claims_of_application.load(self.model.id)
        return [
            StandardClaim(
                name=claim.standard,
                version=claim.version,
                owner=standard.owner if standard else "",
                current_version=standard.version if standard else "",
                url=standard.url if standard else None,
            )
            for claim, standard in found
        ]

    @strawberry.field(description="The GEMMA reference components it fulfils, by name.")
    async def reference_components(self, info: Info) -> list[str]:
        return list(
            await info.context.loaders.reference_components_of_application.load(self.model.id)
        )

    @strawberry.field(description="Its publiccode.yml categories.")
    async def categories(self, info: Info) -> list[str]:
        return list(await info.context.loaders.categories_of_application.load(self.model.id))

    @strawberry.field(
        description="Members using it in production and the inhabitants they serve together."
    )
    async def users(
        self, info: Info
    ) -> Annotated[ApplicationUsers, strawberry.lazy("registry.graphql.usage.types")]:
        from registry.graphql.usage.types import ApplicationUsers

        found = await info.context.loaders.users_of_application.load(self.model.id)
        return ApplicationUsers(
            member_codes=[m.code for m in found.members],
            member_names=[m.name for m in found.members],
            inhabitants=found.inhabitants,
            reference_date=found.reference_date,
        )

    @strawberry.field(description="The members taking part in its community.")
    async def community(
        self, info: Info
    ) -> list[Annotated[CommunityMember, strawberry.lazy("registry.graphql.usage.types")]]:
        from registry.graphql.usage.types import CommunityMember

        loaders = info.context.loaders
        rows = await loaders.community_of_application.load(self.model.id)
        found = await loaders.member_by_id.load_many([r.member_id for r in rows])
        return [
            CommunityMember(
                member_code=m.code, member_name=m.name, stage=r.stage, joined_on=r.joined_on
            )
            for r, m in zip(rows, found, strict=True)
            if m is not None
        ]

    @strawberry.field(
        description="Members that registered interest, oldest first: for the lead member's"
        " people (trekker), the directie and auditors; refused to others."
    )
    async def interested_members(self, info: Info) -> list[InterestedMember]:
        actor = info.context.actor
        if not sees_interest(actor, self.model):
            raise NotAllowed(
                Phrase(AuthRefusal.LOGIN_REQUIRED)
                if not actor.authenticated
                else Phrase(CatalogueRefusal.INTEREST_LEAD_ONLY, {"application": self.name})
            )
        loaders = info.context.loaders
        found = await loaders.interest_in_application.load(self.model.id)
        interested = await loaders.member_by_id.load_many([i.member_id for i in found])
        return [
            InterestedMember(
                member_code=member.code, member_name=member.name, registered_on=i.registered_on
            )
            for i, member in zip(found, interested, strict=True)
            if member is not None
        ]

    @strawberry.field(description="Whether members joining the community later get an equal say.")
    def late_joiners_equal_say(self) -> bool:
        return self.model.late_joiners_equal_say

    @field_for(
        Permission.FINANCE_READ,
        "Business cases with their costs and decisions (directie and auditors).",
    )
    async def business_cases(
        self, info: Info
    ) -> list[Annotated[BusinessCase, strawberry.lazy("registry.graphql.usage.types")]]:
        from registry.graphql.usage.types import BusinessCase

        cases = await info.context.loaders.business_cases_of_application.load(self.model.id)
        return [BusinessCase.of(c) for c in cases]

    @strawberry.field(description="Statuses this application may move to next.")
    def allowed_transitions(self) -> list[ApplicationStatus]:
        return [ApplicationStatus(s) for s in allowed_next(self.model.status)]


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class ReleasePayload:
    release: Release | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
