"""Changes to the catalogue (directie)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.auth.policy import Permission
from registry.catalogue import service
from registry.catalogue.licences import DEFAULT_LICENCE
from registry.catalogue.models import ApplicationStatus
from registry.graphql.attributes import from_attributes
from registry.graphql.catalogue.types import (
    Application,
    ApplicationPayload,
    Release,
    ReleasePayload,
)
from registry.graphql.context import Info
from registry.graphql.mutating import act, answer
from registry.graphql.permissions import mutation


@strawberry.input(description="The version of a standard an application follows.")
class StandardVersionInput:
    standard: str = strawberry.field(description="The standard's name, as in `standards`.")
    version: str = strawberry.field(description="e.g. 1.5; empty for none.")


def versions_of(given: list[StandardVersionInput] | None) -> dict[str, str] | None:
    return None if given is None else {v.standard: v.version for v in given}


@strawberry.input(description="What the directie enters for an application.")
class ApplicationInput:
    name: str
    description_nl: str = ""
    description_en: str = ""
    lead_member: str | None = strawberry.field(default=None, description="Member code.")
    owner_member: str | None = strawberry.field(
        default=None, description="Member code; leave empty when the cooperative owns it."
    )
    platform: str = ""
    licence: str = strawberry.field(default=DEFAULT_LICENCE, description="SPDX expression.")
    repository_url: str | None = None
    standards: list[str] = strawberry.field(default_factory=list)
    published: bool = strawberry.field(default=True, description="Shown in the public catalogue.")
    standard_versions: list[StandardVersionInput] | None = strawberry.field(
        default=None,
        description="The version each named standard follows; a claim not named keeps its own.",
    )

    def to_domain(self) -> service.ApplicationInput:
        return from_attributes(
            service.ApplicationInput,
            self,
            standards=tuple(self.standards),
            standard_versions=versions_of(self.standard_versions),
        )


@strawberry.input
class ReleaseInput:
    version: str
    released_on: date
    notes: str = ""


APPLICATION_ANSWER = answer(ApplicationPayload, "application", Application.of)
RELEASE_ANSWER = answer(ReleasePayload, "release", Release.of)


@strawberry.type
class CatalogueMutation:
    @mutation(Permission.CATALOGUE_MANAGE, "Add an application to the catalogue.")
    async def application_create(
        self,
        info: Info,
        slug: str,
        input: ApplicationInput,
        status: ApplicationStatus = ApplicationStatus.IDEA,
    ) -> ApplicationPayload:
        return await act(
            info, APPLICATION_ANSWER, service.create_application, slug, input.to_domain(), status
        )

    @mutation(Permission.CATALOGUE_MANAGE, "Replace an application's details.")
    async def application_update(
        self, info: Info, slug: str, input: ApplicationInput
    ) -> ApplicationPayload:
        return await act(
            info, APPLICATION_ANSWER, service.update_application, slug, input.to_domain()
        )

    @mutation(Permission.CATALOGUE_MANAGE, "Move an application along its lifecycle.")
    async def application_status_change(
        self, info: Info, slug: str, status: ApplicationStatus
    ) -> ApplicationPayload:
        return await act(info, APPLICATION_ANSWER, service.change_status, slug, status)

    @mutation(Permission.CATALOGUE_MANAGE, "Record a release of an application.")
    async def release_create(self, info: Info, slug: str, input: ReleaseInput) -> ReleasePayload:
        return await act(
            info,
            RELEASE_ANSWER,
            service.add_release,
            slug,
            service.ReleaseInput(input.version, input.released_on, input.notes),
        )
