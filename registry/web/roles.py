"""People and their roles: a registry admin assigns and revokes every role (`/rollen`), a member's
admins the roles of their own member (`/leden/{code}/rollen`). Through the services of
`roleAssign` and `roleRevoke`; revoking asks for confirmation first. Audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import repository as auth
from registry.auth.policy import Permission
from registry.auth.roles import MEMBER_ROLES, Role
from registry.auth.service import RoleInput, assign_role, revoke_role
from registry.kit.errors import FieldError, Forbidden, NotFound, ValidationFailed
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.models import Member
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit, member_or_404
from registry.web.forms import Flash, form_values, redirect_with, shown_again, submit
from registry.web.pages import render

NOTICE_KEY = "role_notice"
FIELDS = ("issuer", "subject", "naam", "rol", "lid")


async def _scope(db_session: AsyncSession, code: str | None) -> Member | None:
    if code is None:
        return None
    return await member_or_404(db_session, code)


def _base(member: Member | None) -> str:
    return f"/leden/{member.code}/rollen" if member else "/rollen"


async def _page(
    visit: Visit,
    member: Member | None,
    *,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    people = await auth.users_with_assignments(visit.db, member.id if member else None)
    member_ids = sorted({a.member_id for _, roles in people for a in roles if a.member_id})
    names = await members.members_by_ids(visit.db, member_ids)
    all_members = (
        await members.list_members(visit.db, PageRequest(0, 1000), search=None, type_=None)
    ).items
    roles = [r for r in Role if member is None or r in MEMBER_ROLES]
    notice = visit.request.session.pop(NOTICE_KEY, None) if not errors else None
    return render(
        visit.request,
        "roles/index.html",
        {
            "active_page": "mine" if member else "roles",
            "member": member,
            "base": _base(member),
            "people": people,
            "member_names": {i: m for i, m in names.items()},
            "roles": [r.value for r in roles],
            "member_options": [(m.code, m.name) for m in all_members],
            "values": values or {"rol": "member_user"},
            "errors": list(errors),
            "notice": notice if isinstance(notice, dict) else None,
        },
        status_code=status_code,
    )


async def _assign(visit: Visit, member: Member | None) -> Response[Any]:
    values = await form_values(visit.request, *FIELDS)
    if member is not None:
        values["lid"] = member.code
    data = RoleInput(
        values["issuer"], values["subject"], values["rol"], values["lid"] or None, values["naam"]
    )
    try:
        return await submit(
            visit,
            partial(assign_role, visit.db, visit.actor, data),
            lambda _: Flash(
                NOTICE_KEY,
                {"kind": "assigned", "who": values["naam"] or values["subject"]},
                _base(member),
            ),
            shown_again(_page, visit, member, values=values),
        )
    except Forbidden:
        raise NotFoundException("no such role to give") from None


async def _revoke(visit: Visit, member: Member | None) -> Response[Any]:
    values = await form_values(visit.request, *FIELDS, "bevestigd")
    if member is not None:
        values["lid"] = member.code
    data = RoleInput(values["issuer"], values["subject"], values["rol"], values["lid"] or None)
    if values["bevestigd"] != "ja":
        return render(
            visit.request,
            "roles/confirm.html",
            {"active_page": "roles", "base": _base(member), "values": values},
        )
    try:
        await revoke_role(visit.db, visit.actor, data)
    except NotFound:  # already revoked (a repeated confirmation)
        return Redirect(_base(member), status_code=303)
    except (Forbidden, ValidationFailed):
        await visit.db.rollback()
        raise NotFoundException("no such role to revoke") from None
    return redirect_with(
        visit.request,
        Flash(
            NOTICE_KEY,
            {"kind": "revoked", "who": values["naam"] or values["subject"]},
            _base(member),
        ),
    )


class RolePagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/rollen", name="roles", opt=audience(Permission.ROLES_MANAGE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _page(visit, None)

    @post("/rollen", name="role-assign", opt=audience(Permission.ROLES_MANAGE))
    async def assign(self, visit: CurrentVisit) -> Response[Any]:
        return await _assign(visit, None)

    @post("/rollen/intrekken", name="role-revoke", opt=audience(Permission.ROLES_MANAGE))
    async def revoke(self, visit: CurrentVisit) -> Response[Any]:
        return await _revoke(visit, None)

    @get(
        "/leden/{code:str}/rollen",
        name="member-roles",
        opt=audience(Permission.MEMBER_USERS_MANAGE, member_param="code"),
    )
    async def member_index(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _page(visit, await _scope(visit.db, code))

    @post(
        "/leden/{code:str}/rollen",
        name="member-role-assign",
        opt=audience(Permission.MEMBER_USERS_MANAGE, member_param="code"),
    )
    async def member_assign(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _assign(visit, await _scope(visit.db, code))

    @post(
        "/leden/{code:str}/rollen/intrekken",
        name="member-role-revoke",
        opt=audience(Permission.MEMBER_USERS_MANAGE, member_param="code"),
    )
    async def member_revoke(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _revoke(visit, await _scope(visit.db, code))
