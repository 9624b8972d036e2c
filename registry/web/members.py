"""Member pages: the list for the directie and auditors, one page per member (with its
membership history and contributions for those who may read them), and /mijn to find your own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get
from litestar.datastructures import MultiDict
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import repository as auth
from registry.auth.policy import Permission, allows
from registry.costs.reading import shares_of_member
from registry.fees.service import contributions_of_member
from registry.kit.clock import today
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.figures import latest_inhabitants, municipalities_and_figures
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import membership_dates
from registry.members.models import Decision, Member, Membership, Municipality
from registry.members.population import Inhabitants
from registry.web.access import audience
from registry.web.catalogue import (
    PAGE_PARAM,
    PAGE_SIZE,
    SEARCH_PARAM,
    Ignored,
    page_param,
    text_param,
)
from registry.web.deps import CurrentVisit, member_or_404
from registry.web.member_links import member_links
from registry.web.pages import pager, render

OVERVIEW_LIMIT = 500


@dataclass(frozen=True, slots=True)
class MemberQuery:
    search: str = ""
    page: int = 1
    ignored: tuple[Ignored, ...] = ()

    @property
    def page_request(self) -> PageRequest:
        return PageRequest(offset=(self.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)

    def params(self, page: int) -> list[tuple[str, str]]:
        """The query of page `page` of the list with this search."""
        params = [(SEARCH_PARAM, self.search)] if self.search else []
        return params + ([(PAGE_PARAM, str(page))] if page > 1 else [])


def parse_member_query(params: MultiDict[Any]) -> MemberQuery:
    """Search text and page number; unusable values are dropped and reported (as the catalogue)."""
    ignored: list[Ignored] = []
    search = text_param(params, SEARCH_PARAM, ignored)
    page = page_param(params, ignored)
    return MemberQuery(search, page, tuple(ignored))


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A line of the member list: the member, its current membership and latest inhabitants."""

    member: Member
    municipalities: list[Municipality]
    membership: Membership | None
    status: MembershipStatus | None
    inhabitants: Inhabitants | None


@dataclass(frozen=True, slots=True)
class MembershipView:
    """One membership with its status today and the decisions and successor it refers to."""

    membership: Membership
    status: MembershipStatus
    approval: Decision | None
    admission: Decision | None
    entry_fee_decision: Decision | None
    successor: Member | None


async def _membership_history(db_session: AsyncSession, member_id: int) -> list[MembershipView]:
    """Every membership of the member, oldest first: its history, as nothing is overwritten."""
    memberships = (await members.memberships_of_members(db_session, [member_id]))[member_id]
    decisions = await members.decisions_by_ids(
        db_session,
        sorted(
            {
                decision_id
                for m in memberships
                for decision_id in (
                    m.approval_decision_id,
                    m.admission_decision_id,
                    m.entry_fee_decision_id,
                )
                if decision_id is not None
            }
        ),
    )
    successors = await members.members_by_ids(
        db_session,
        sorted({m.successor_member_id for m in memberships if m.successor_member_id is not None}),
    )

    def decision(decision_id: int | None) -> Decision | None:
        return decisions.get(decision_id) if decision_id is not None else None

    on = today()
    return [
        MembershipView(
            membership=m,
            status=status_on(membership_dates(m), on),
            approval=decision(m.approval_decision_id),
            admission=decision(m.admission_decision_id),
            entry_fee_decision=decision(m.entry_fee_decision_id),
            successor=(
                successors.get(m.successor_member_id) if m.successor_member_id is not None else None
            ),
        )
        for m in memberships
    ]


class MemberPagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/leden", name="members", opt=audience(Permission.MEMBER_READ_PRIVATE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        """`visit` (not only the session) so that the header links to what its person may open."""
        query = parse_member_query(visit.request.query_params)
        page = await members.list_members(
            visit.db, query.page_request, search=query.search or None, type_=None
        )
        ids = [m.id for m in page.items]
        municipalities, figures = await municipalities_and_figures(visit.db, ids)
        memberships = await members.memberships_of_members(visit.db, ids)
        on = today()
        rows = []
        for member in page.items:
            current = memberships[member.id][-1] if memberships[member.id] else None
            rows.append(
                MemberRow(
                    member=member,
                    municipalities=municipalities[member.id],
                    membership=current,
                    status=status_on(membership_dates(current), on) if current else None,
                    inhabitants=latest_inhabitants(municipalities[member.id], figures)[0],
                )
            )
        return render(
            visit.request,
            "members/list.html",
            {
                "active_page": "members",
                "query": query,
                "rows": rows,
                "total": page.total,
                **pager(visit.request, page, query.page, PAGE_SIZE, query.params),
            },
        )

    @get(
        "/leden/{code:str}",
        name="member",
        # The registry's admins assign roles, so they see who holds one here; the member's
        # private data (memberships, contributions, tokens) stays with its own people and readers.
        opt=audience(
            Permission.MEMBER_READ_PRIVATE, Permission.MEMBER_USERS_MANAGE, member_param="code"
        ),
    )
    async def member(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        member = await member_or_404(visit.db, code)
        municipalities, figures = await municipalities_and_figures(visit.db, [member.id])
        inhabitants, missing = latest_inhabitants(municipalities[member.id], figures)
        people = None
        if allows(visit.actor, Permission.MEMBER_USERS_MANAGE, member.id):
            people = await auth.users_with_assignments(visit.db, member.id)
        tokens = None
        if allows(visit.actor, Permission.TOKENS_MANAGE, member.id):
            tokens = (await auth.tokens_of_members(visit.db, [member.id]))[member.id]
        history = None
        contributions = None
        shares = None
        if allows(visit.actor, Permission.MEMBER_READ_PRIVATE, member.id):
            history = await _membership_history(visit.db, member.id)
            contributions = await contributions_of_member(visit.db, visit.actor, member.id)
            shares = await shares_of_member(visit.db, visit.actor, member.id)
        return render(
            visit.request,
            "members/detail.html",
            {
                "active_page": "mine" if member.id in visit.actor.member_ids else "members",
                "member": member,
                "municipalities": municipalities[member.id],
                "inhabitants": inhabitants,
                "missing_figures": missing,
                "people": people,
                "tokens": tokens,
                "memberships": history,
                "contributions": contributions,
                "shares": shares,
                "may_see_invoices": allows(visit.actor, Permission.INVOICES_READ, member.id),
                "links": member_links(visit.actor, member),
            },
        )

    @get("/mijn", name="mine", opt=audience(login=True))
    async def mine(self, visit: CurrentVisit) -> Response[Any]:
        if visit.actor.user_id is None:  # machine clients have no pages of their own
            raise PermissionDeniedException("this page is for people, not API tokens")
        own = await members.members_by_ids(visit.db, sorted(visit.actor.member_ids))
        registry_wide = [g.role for g in visit.actor.grants if g.member_id is None]
        if len(own) == 1 and not registry_wide:
            (member,) = own.values()
            return Redirect(f"/leden/{member.code}", status_code=303)
        grants = sorted(
            visit.actor.grants,
            key=lambda g: (
                g.member_id is not None,
                own[g.member_id].name if g.member_id in own else "",
                g.role,
            ),
        )
        readable: list[Member] = []
        if allows(visit.actor, Permission.MEMBER_READ_PRIVATE):
            page = await members.list_members(
                visit.db, PageRequest(offset=0, limit=OVERVIEW_LIMIT), search=None, type_=None
            )
            readable = list(page.items)
        return render(
            visit.request,
            "members/mine.html",
            {
                "active_page": "mine",
                "grants": [
                    (g.role.value, own.get(g.member_id) if g.member_id else None) for g in grants
                ],
                "members": readable,
            },
        )
