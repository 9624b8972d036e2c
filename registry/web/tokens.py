"""API tokens of a member for its admins: create one (permissions, optionally one application),
see its secret once with a copy button, its last use, and revoke it after a confirmation.
Writes through the services of `apiTokenCreate` and `apiTokenRevoke`, audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response

from registry.auth import repository as auth
from registry.auth.policy import TOKEN_PERMISSIONS, Permission
from registry.auth.service import TokenInput, create_token, revoke_token
from registry.catalogue import repository as catalogue
from registry.kit.errors import FieldError, NotFound, ValidationFailed
from registry.kit.pagination import PageRequest
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit, member_or_404
from registry.web.forms import Flash, notice_for, redirect_with
from registry.web.pages import render

NOTICE_KEY = "token_notice"


async def _page(
    visit: Visit,
    code: str,
    *,
    values: dict[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    member = await member_or_404(visit.db, code)
    tokens = (await auth.tokens_of_members(visit.db, [member.id]))[member.id]
    applications = (
        await catalogue.list_applications(
            visit.db, PageRequest(0, 1000), catalogue.ApplicationFilter()
        )
    ).items
    names = {a.id: a.name for a in applications}
    return render(
        visit.request,
        "tokens/index.html",
        {
            "active_page": "mine",
            "member": member,
            "tokens": [
                (t, names.get(t.application_id) if t.application_id else None) for t in tokens
            ],
            "applications": [(a.slug, a.name) for a in applications],
            "permissions": sorted(p.value for p in TOKEN_PERMISSIONS),
            "values": values or {"rechten": []},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


class TokenPagesController(Controller):
    path = "/leden/{code:str}/tokens"
    include_in_schema = False

    @get("/", name="member-tokens", opt=audience(Permission.TOKENS_MANAGE, member_param="code"))
    async def index(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _page(visit, code)

    @post(
        "/", name="member-token-create", opt=audience(Permission.TOKENS_MANAGE, member_param="code")
    )
    async def create(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        form = await visit.request.form()
        values: dict[str, Any] = {
            "naam": str(form.get("naam") or "").strip(),
            "applicatie": str(form.get("applicatie") or "").strip(),
            "rechten": [str(p) for p in form.getall("rechten")] if "rechten" in form else [],
        }
        member = await member_or_404(visit.db, code)
        data = TokenInput(
            member.code, values["naam"], values["rechten"], values["applicatie"] or None
        )
        try:
            token, secret = await create_token(visit.db, visit.actor, data)
        except ValidationFailed as failed:
            await visit.db.rollback()
            return await _page(visit, code, values=values, errors=failed.errors, status_code=422)
        return render(
            visit.request,
            "tokens/created.html",
            {"active_page": "mine", "member": member, "name": token.name, "secret": secret},
        )

    @post(
        "/{token_id:int}/intrekken",
        name="member-token-revoke",
        opt=audience(Permission.TOKENS_MANAGE, member_param="code"),
    )
    async def revoke(
        self, visit: CurrentVisit, code: FromPath[str], token_id: FromPath[int]
    ) -> Response[Any]:
        member = await member_or_404(visit.db, code)
        token = await auth.token_by_id(visit.db, token_id)
        if token is None or token.member_id != member.id:
            raise NotFoundException(f"no token {token_id}")
        confirmed = (await visit.request.form()).get("bevestigd") == "ja"
        if token.revoked_at is not None:  # a repeated confirmation: already revoked
            return Redirect(f"/leden/{code}/tokens", status_code=303)
        if not confirmed:
            return render(
                visit.request,
                "tokens/confirm.html",
                {"active_page": "mine", "member": member, "token": token},
            )
        try:
            await revoke_token(visit.db, visit.actor, token_id)
        except NotFound:
            raise NotFoundException(f"no token {token_id}") from None
        return redirect_with(visit.request, Flash(NOTICE_KEY, token.name, f"/leden/{code}/tokens"))
