"""Public pages beside the catalogue: the members and who uses what, and the pages about the
cooperative (what it is, how to join, contact), its privacy and accessibility statements.

The member overview shows only what is public anyway: name, type, the municipalities a member
stands for, their inhabitants (CBS figures) and the published applications it uses. Never
contacts, identifiers, memberships' decisions, invoices or amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.catalogue import repository as catalogue
from registry.catalogue.models import Application
from registry.kit.clock import today
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.figures import latest_inhabitants, municipalities_and_figures
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import membership_dates
from registry.members.models import Member, Municipality
from registry.members.population import Inhabitants
from registry.usage.users import in_use
from registry.web.access import audience
from registry.web.deps import AnyRequest, DbSession
from registry.web.pages import render
from registry.web.site import organisation_of

MEMBER_LIMIT = 5000
"""More members than any cooperative of Dutch government bodies has: all on one page."""
CURRENT = (MembershipStatus.ACTIVE, MembershipStatus.NOTICE_GIVEN)
"""Members today: admitted and started, including those who gave notice but have not left."""


@dataclass(frozen=True, slots=True)
class PublicMember:
    """A line of the public member overview."""

    member: Member
    municipalities: list[Municipality]
    inhabitants: Inhabitants | None
    applications: list[Application]


async def public_members(session: AsyncSession) -> list[PublicMember]:
    """Every current member, by name, with the published applications it uses in production."""
    page = await members.list_members(
        session, PageRequest(offset=0, limit=MEMBER_LIMIT), search=None, type_=None
    )
    ids = [m.id for m in page.items]
    memberships = await members.memberships_of_members(session, ids)
    on = today()
    current = [
        m
        for m in page.items
        if memberships[m.id] and status_on(membership_dates(memberships[m.id][-1]), on) in CURRENT
    ]
    current_ids = [m.id for m in current]
    municipalities, figures = await municipalities_and_figures(session, current_ids)
    using = await in_use(session)
    applications = await catalogue.applications_by_ids(session, sorted(using))
    uses: dict[int, list[Application]] = {i: [] for i in current_ids}
    for application_id, member_ids in using.items():
        application = applications[application_id]
        if not application.published:
            continue
        for member_id in member_ids & uses.keys():
            uses[member_id].append(application)
    return [
        PublicMember(
            member=m,
            municipalities=municipalities[m.id],
            inhabitants=latest_inhabitants(municipalities[m.id], figures)[0],
            applications=sorted(uses[m.id], key=lambda a: (a.name, a.slug)),
        )
        for m in current
    ]


class PublicPagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/leden-overzicht", name="member_overview", opt=audience())
    async def member_overview(self, request: AnyRequest, db_session: DbSession) -> Template:
        rows = await public_members(db_session)
        return render(
            request,
            "public/members.html",
            {
                "rows": rows,
                "inhabitants": sum(r.inhabitants.total for r in rows if r.inhabitants),
            },
        )

    @get("/over", name="about", opt=audience())
    async def about(self, request: AnyRequest) -> Template:
        return render(request, "public/about.html", {"site": organisation_of(request)})

    @get("/privacy", name="privacy", opt=audience())
    async def privacy(self, request: AnyRequest) -> Template:
        return render(request, "public/privacy.html", {"site": organisation_of(request)})

    @get("/toegankelijkheid", name="accessibility", opt=audience())
    async def accessibility(self, request: AnyRequest) -> Template:
        return render(request, "public/accessibility.html", {"site": organisation_of(request)})
