"""Member pages for the people of a member, the directie and auditors; /mijn finds your own."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Response

from registry.auth import repository as auth
from registry.auth.policy import Permission, allows
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.models import Member
from registry.members.population import Inhabitants, PopulationMissing, inhabitants_on
from registry.members.service import as_figures
from registry.web.access import audience
from registry.web.deps import CurrentActor, DbSession
from registry.web.pages import render

OVERVIEW_LIMIT = 500


async def _latest_inhabitants(
    db_session: DbSession, member: Member
) -> tuple[Inhabitants | None, list[str]]:
    """Inhabitants on the latest reference date any of the member's municipalities has."""
    municipalities = (await members.municipalities_of_members(db_session, [member.id]))[member.id]
    figures = as_figures(
        municipalities, await members.figures_for(db_session, [m.id for m in municipalities])
    )
    if not municipalities or not figures:
        return None, [m.cbs_code for m in municipalities]
    latest = max(f.reference_date for f in figures)
    try:
        return inhabitants_on([m.cbs_code for m in municipalities], figures, latest), []
    except PopulationMissing as missing:
        return None, list(missing.cbs_codes)


class MemberPagesController(Controller):
    path = "/"
    include_in_schema = False

    @get(
        "/leden/{code:str}",
        name="member",
        # The registry's admins assign roles, so they see who holds one here; the member's
        # private data (invoices, usage, tokens) stays with its own people and readers.
        opt=audience(
            Permission.MEMBER_READ_PRIVATE, Permission.MEMBER_USERS_MANAGE, member_param="code"
        ),
    )
    async def member(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: CurrentActor,
        code: FromPath[str],
    ) -> Response[Any]:
        member = await members.member_by_code(db_session, code)
        if member is None:
            raise NotFoundException(f"no member '{code}'")
        may_see_people = allows(actor, Permission.MEMBER_USERS_MANAGE, member.id)
        municipalities = (await members.municipalities_of_members(db_session, [member.id]))[
            member.id
        ]
        inhabitants, missing = await _latest_inhabitants(db_session, member)
        people = None
        if may_see_people:
            people = await auth.users_with_assignments(db_session, member.id)
        tokens = None
        if allows(actor, Permission.TOKENS_MANAGE, member.id):
            tokens = (await auth.tokens_of_members(db_session, [member.id]))[member.id]
        return render(
            request,
            "members/detail.html",
            {
                "active_page": "mine" if member.id in actor.member_ids else None,
                "member": member,
                "municipalities": municipalities,
                "inhabitants": inhabitants,
                "missing_figures": missing,
                "people": people,
                "tokens": tokens,
            },
        )

    @get("/mijn", name="mine", opt=audience(login=True))
    async def mine(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        if actor.user_id is None:  # machine clients have no pages of their own
            raise PermissionDeniedException("this page is for people, not API tokens")
        own = await members.members_by_ids(db_session, sorted(actor.member_ids))
        registry_wide = [g.role for g in actor.grants if g.member_id is None]
        if len(own) == 1 and not registry_wide:
            (member,) = own.values()
            return Redirect(f"/leden/{member.code}", status_code=303)
        grants = sorted(
            actor.grants,
            key=lambda g: (
                g.member_id is not None,
                own[g.member_id].name if g.member_id in own else "",
                g.role,
            ),
        )
        readable: list[Member] = []
        if allows(actor, Permission.MEMBER_READ_PRIVATE):
            page = await members.list_members(
                db_session, PageRequest(offset=0, limit=OVERVIEW_LIMIT), search=None, type_=None
            )
            readable = list(page.items)
        return render(
            request,
            "members/mine.html",
            {
                "active_page": "mine",
                "grants": [
                    (g.role.value, own.get(g.member_id) if g.member_id else None) for g in grants
                ],
                "members": readable,
            },
        )
