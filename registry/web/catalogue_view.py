"""What the public catalogue shows: a page of applications in the chosen order, each with its
users and the inhabitants they serve, and the choices of every filter.

A fixed number of queries, however many applications match: the users of every application
in use come from one batch (`users_of_applications`), the lead members of the page from one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.catalogue import repository
from registry.catalogue.models import Application
from registry.kit.pagination import Page, PageRequest
from registry.members import repository as members
from registry.members.models import Member, Municipality
from registry.usage.users import NO_USERS, Users, users_of_applications


class Sort(enum.StrEnum):
    """The orders of the catalogue, as they appear in the query string (Dutch, like the page)."""

    NAME = "naam"
    STATUS = "status"
    USERS = "gebruikers"
    INHABITANTS = "inwoners"
    NEWEST = "nieuwste"


DEFAULT_SORT = Sort.NAME

# Orders the database knows; the others depend on the users and their inhabitants.
_SQL_ORDERS = {
    Sort.NAME: (repository.ApplicationOrder.NAME, False),
    Sort.STATUS: (repository.ApplicationOrder.STATUS, False),
    Sort.NEWEST: (repository.ApplicationOrder.CREATED, True),
}


@dataclass(frozen=True, slots=True)
class CatalogueView:
    page: Page[Application]
    users: dict[int, Users]
    """Application id → its users; applications nobody uses are absent."""
    leads: dict[int, Member]
    licences: list[str]
    platforms: list[str]
    standards: list[str]
    reference_components: list[str]
    categories: list[str]
    lead_members: list[Member]
    municipalities: list[Municipality]
    """The municipalities where an application is in use: the choices of that filter."""

    def users_of(self, application: Application) -> Users:
        return self.users.get(application.id, NO_USERS)

    def context(self) -> dict[str, Any]:
        return {
            "leads": self.leads,
            "users_of": self.users_of,
            "licences": self.licences,
            "platforms": self.platforms,
            "standards": self.standards,
            "reference_components": self.reference_components,
            "categories": self.categories,
            "lead_members": self.lead_members,
            "municipalities": self.municipalities,
        }


def _usage_key(sort: Sort, users: dict[int, Users]) -> Any:
    def key(application: Application) -> tuple[int, int]:
        found = users.get(application.id, NO_USERS)
        counts = (len(found.members), found.inhabitants)
        first, second = counts if sort is Sort.USERS else counts[::-1]
        # Most first; the list is already by name, and the sort is stable.
        return (-first, -second)

    return key


async def catalogue_view(
    session: AsyncSession,
    filter_: repository.ApplicationFilter,
    *,
    sort: Sort,
    municipality: str | None,
    page_request: PageRequest,
) -> CatalogueView:
    """The applications `filter_` lets through, used in `municipality` (a CBS code) if given."""
    users = await users_of_applications(session)
    if municipality:
        using = sorted(
            application_id
            for application_id, found in users.items()
            if any(m.cbs_code == municipality for m in found.municipalities)
        )
        filter_ = replace(filter_, application_ids=using)
    if sort in _SQL_ORDERS:
        order, descending = _SQL_ORDERS[sort]
        page = await repository.list_applications(session, page_request, filter_, order, descending)
    else:
        matching = await repository.all_applications(session, filter_)
        matching.sort(key=_usage_key(sort, users))
        end = page_request.offset + page_request.limit
        page = Page(
            items=matching[page_request.offset : end],
            offset=page_request.offset,
            total=len(matching),
        )
    published_only = filter_.published_only
    leads = await members.members_by_ids(
        session, [a.lead_member_id for a in page.items if a.lead_member_id is not None]
    )
    visible = await repository.application_ids(session, published_only=published_only)
    served = {
        m.cbs_code: m
        for application_id, found in users.items()
        if application_id in visible
        for m in found.municipalities
    }
    return CatalogueView(
        page=page,
        users=users,
        leads=leads,
        licences=await repository.licences_in_use(session, published_only=published_only),
        platforms=await repository.platforms_in_use(session, published_only=published_only),
        standards=await repository.standards_in_use(session, published_only=published_only),
        reference_components=await repository.reference_components_in_use(
            session, published_only=published_only
        ),
        categories=await repository.categories_in_use(session, published_only=published_only),
        lead_members=await repository.lead_members(session, published_only=published_only),
        municipalities=sorted(served.values(), key=lambda m: (m.name, m.cbs_code)),
    )
