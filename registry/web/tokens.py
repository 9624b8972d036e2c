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
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import repository as auth
from registry.auth.policy import TOKEN_PERMISSIONS, Permission
from registry.auth.service import TokenInput, create_token, revoke_token
from registry.catalogue import repository as catalogue
from registry.kit.errors import FieldError, NotFound, ValidationFailed
from registry.kit.pagination import PageRequest
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentActor, DbSession, member_or_404
from registry.web.forms import Flash, notice_for, redirect_with
from registry.web.pages import render

NOTICE_KEY = "token_notice"


async def _page(
    request: AnyRequest,
    db_session: AsyncSession,
    code: str,
    *,
    values: dict[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    member = await member_or_404(db_session, code)
    tokens = (await auth.tokens_of_members(db_session, [member.id]))[member.id]
    applications = (
        await catalogue.list_applications(
            db_session, PageRequest(0, 1000), catalogue.ApplicationFilter()
        )
    ).items
    names = {a.id: a.name for a in applications}
    return render(
        request,
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
            "notice": notice_for(request, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


class TokenPagesController(Controller):
    path = "/leden/{code:str}/tokens"
    include_in_schema = False

    @get("/", name="member-tokens", opt=audience(Permission.TOKENS_MANAGE, member_param="code"))
    async def index(
        self, request: AnyRequest, db_session: DbSession, actor: CurrentActor, code: FromPath[str]
    ) -> Response[Any]:
        return await _page(request, db_session, code)

    @post(
        "/", name="member-token-create", opt=audience(Permission.TOKENS_MANAGE, member_param="code")
    )
    async def create(
        self, request: AnyRequest, db_session: DbSession, actor: CurrentActor, code: FromPath[str]
    ) -> Response[Any]:
        form = await request.form()
        values: dict[str, Any] = {
            "naam": str(form.get("naam") or "").strip(),
            "applicatie": str(form.get("applicatie") or "").strip(),
            "rechten": [str(p) for p in form.getall("rechten")] if "rechten" in form else [],
        }
        member = await member_or_404(db_session, code)
        data = TokenInput(
            member.code, values["naam"], values["rechten"], values["applicatie"] or None
        )
        try:
            token, secret = await create_token(db_session, actor, data)
        except ValidationFailed as failed:
            await db_session.rollback()
            return await _page(
                request, db_session, code, values=values, errors=failed.errors, status_code=422
            )
        return render(
            request,
            "tokens/created.html",
            {"active_page": "mine", "member": member, "name": token.name, "secret": secret},
        )

    @post(
        "/{token_id:int}/intrekken",
        name="member-token-revoke",
        opt=audience(Permission.TOKENS_MANAGE, member_param="code"),
    )
    async def revoke(
        self,
        request: AnyRequest,
        db_session: DbSession,
        actor: CurrentActor,
        code: FromPath[str],
        token_id: FromPath[int],
    ) -> Response[Any]:
        member = await member_or_404(db_session, code)
        token = await auth.token_by_id(db_session, token_id)
        if token is None or token.member_id != member.id:
            raise NotFoundException(f"no token {token_id}")
        confirmed = (await request.form()).get("bevestigd") == "ja"
        if token.revoked_at is not None:  # a repeated confirmation: already revoked
            return Redirect(f"/leden/{code}/tokens", status_code=303)
        if not confirmed:
            return render(
                request,
                "tokens/confirm.html",
                {"active_page": "mine", "member": member, "token": token},
            )
        try:
            await revoke_token(db_session, actor, token_id)
        except NotFound:
            raise NotFoundException(f"no token {token_id}") from None
        return redirect_with(request, Flash(NOTICE_KEY, token.name, f"/leden/{code}/tokens"))
