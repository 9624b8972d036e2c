"""Read side of the public catalogue."""

from __future__ import annotations

import enum

import strawberry

from registry.auth.policy import Permission, allows
from registry.catalogue import repository
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.stewardship import may_see
from registry.graphql.catalogue.types import Application
from registry.graphql.context import Info
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection, paginate


@strawberry.input
class ApplicationFilter:
    status: list[ApplicationStatus] | None = strawberry.UNSET
    licence: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of the SPDX expression, e.g. EUPL-1.2."
    )
    lead_member: str | None = strawberry.field(
        default=strawberry.UNSET, description="Member code of the lead member."
    )
    search: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Text in the name, the description (nl or en), a claimed standard or a"
        " GEMMA reference component.",
    )
    reference_component: str | None = strawberry.field(
        default=strawberry.UNSET, description="Exactly this GEMMA reference component."
    )
    category: str | None = strawberry.field(
        default=strawberry.UNSET, description="Exactly this publiccode.yml category."
    )


@strawberry.enum
class ApplicationOrderField(enum.Enum):
    NAME = "name"
    STATUS = "status"
    UPDATED = "updated"


@strawberry.enum
class OrderDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input
class ApplicationOrder:
    field: ApplicationOrderField = ApplicationOrderField.NAME
    direction: OrderDirection = OrderDirection.ASC


def _sees_unpublished(info: Info) -> bool:
    return allows(info.context.actor, Permission.CATALOGUE_READ_UNPUBLISHED)


@strawberry.type
class CatalogueQuery:
    @field_for(None, "The catalogue; the public sees published applications only.")
    async def applications(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ApplicationFilter | None = None,
        order_by: ApplicationOrder | None = None,
    ) -> Connection[Application]:
        f = filter or ApplicationFilter()
        order = order_by or ApplicationOrder()
        domain_filter = repository.ApplicationFilter(
            statuses=tuple(f.status or ()),
            licence=f.licence or None,
            lead_member=f.lead_member or None,
            search=f.search or None,
            reference_component=f.reference_component or None,
            category=f.category or None,
            published_only=not _sees_unpublished(info),
        )
        return await paginate(
            info,
            first,
            after,
            lambda session, request: repository.list_applications(
                session,
                request,
                domain_filter,
                repository.ApplicationOrder(order.field.value),
                descending=order.direction is OrderDirection.DESC,
            ),
            Application.of,
        )

    @field_for()
    async def application(self, info: Info, slug: str) -> Application | None:
        async with info.context.db() as session:
            found = await repository.application_by_slug(session, slug)
        if found is None or not may_see(info.context.actor, found):
            return None  # members see each other's proposals, the public the published ones
        return Application.of(found)
