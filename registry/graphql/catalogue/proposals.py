"""Members' side of the catalogue: propose, review, maintain, and find each other."""

from __future__ import annotations

import strawberry

from registry.auth.policy import Permission
from registry.catalogue import communities, proposals
from registry.catalogue.licences import DEFAULT_LICENCE
from registry.catalogue.models import Review
from registry.catalogue.service import ReleaseInput as DomainRelease
from registry.catalogue.service import add_release
from registry.graphql.attributes import from_attributes
from registry.graphql.catalogue.mutations import (
    APPLICATION_ANSWER,
    RELEASE_ANSWER,
    ReleaseInput,
    StandardVersionInput,
    versions_of,
)
from registry.graphql.catalogue.types import (
    ApplicationPayload,
    ReleasePayload,
)
from registry.graphql.context import Info
from registry.graphql.mutating import acknowledge, act
from registry.graphql.permissions import mutation
from registry.graphql.usage.types import CommunityPayload
from registry.kit.clock import today
from registry.usage.leaving import leave_community

strawberry.enum(Review, name="ProposalReview")


@strawberry.input(description="What a member admin enters for an application it proposes.")
class ApplicationProposalInput:
    name: str
    description_nl: str = ""
    description_en: str = ""
    problem: str = strawberry.field(default="", description="The problem it solves.")
    repository_url: str | None = None
    licence: str = strawberry.field(default=DEFAULT_LICENCE, description="SPDX expression.")
    standards: list[str] = strawberry.field(default_factory=list)

    def to_domain(self) -> proposals.ProposalInput:
        return from_attributes(proposals.ProposalInput, self, standards=tuple(self.standards))


@strawberry.input(description="What the lead member keeps up to date.")
class ApplicationMaintenanceInput:
    description_nl: str
    description_en: str
    repository_url: str | None = None
    standards: list[str] = strawberry.field(default_factory=list)
    standard_versions: list[StandardVersionInput] | None = strawberry.field(
        default=None,
        description="The version each named standard follows; a claim not named keeps its own.",
    )


@strawberry.type
class ProposalsMutation:
    @mutation(
        Permission.CATALOGUE_PROPOSE,
        "A member admin proposes an application; its member is the lead member. "
        "It starts as an unpublished idea that members see, until the directie reviews it.",
        member_argument="member",
    )
    async def application_propose(
        self, info: Info, member: str, slug: str, input: ApplicationProposalInput
    ) -> ApplicationPayload:
        return await act(
            info, APPLICATION_ANSWER, proposals.propose, member, slug, input.to_domain()
        )

    @mutation(
        Permission.APPLICATION_MAINTAIN,
        "The lead member revises its proposal; it waits for review again.",
        member_argument="member",
    )
    async def application_proposal_revise(
        self, info: Info, member: str, slug: str, input: ApplicationProposalInput
    ) -> ApplicationPayload:
        return await act(info, APPLICATION_ANSWER, proposals.revise, slug, input.to_domain())

    @mutation(
        Permission.CATALOGUE_MANAGE,
        "The directie publishes a member's proposal, asks for changes (note "
        "required) or rejects it (reason required).",
    )
    async def application_review(
        self, info: Info, slug: str, decision: Review, note: str = ""
    ) -> ApplicationPayload:
        return await act(info, APPLICATION_ANSWER, proposals.review, slug, decision, note)

    @mutation(
        Permission.APPLICATION_MAINTAIN,
        "The lead member's admins update the description, repository and "
        "standards; status, ownership and publication stay with the directie.",
        member_argument="member",
    )
    async def application_maintain(
        self, info: Info, member: str, slug: str, input: ApplicationMaintenanceInput
    ) -> ApplicationPayload:
        data = from_attributes(
            proposals.MaintenanceInput,
            input,
            standard_versions=versions_of(input.standard_versions),
        )
        return await act(info, APPLICATION_ANSWER, proposals.maintain, slug, data)

    @mutation(
        Permission.APPLICATION_MAINTAIN,
        "The lead member records a release of its application.",
        member_argument="member",
    )
    async def application_release_add(
        self, info: Info, member: str, slug: str, input: ReleaseInput
    ) -> ReleasePayload:
        data = DomainRelease(input.version, input.released_on, input.notes)
        return await act(info, RELEASE_ANSWER, add_release, slug, data)

    @mutation(
        Permission.COMMUNITY_TAKE_PART,
        "A member registers its interest in an application (today).",
        member_argument="member",
    )
    async def application_interest_register(
        self, info: Info, application: str, member: str
    ) -> CommunityPayload:
        return await act(
            info,
            acknowledge(CommunityPayload),
            communities.register_interest,
            application,
            member,
            today(),
        )

    @mutation(
        Permission.COMMUNITY_TAKE_PART,
        "A member leaves an application's community; not after adopting it.",
        member_argument="member",
    )
    async def community_leave(self, info: Info, application: str, member: str) -> CommunityPayload:
        return await act(info, acknowledge(CommunityPayload), leave_community, application, member)
