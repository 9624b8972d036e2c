"""The standards page: every standard applications claim, with its owner, version and where
it is described; the directie records or corrects them here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository, standards
from registry.kit.errors import FieldError
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentActor, DbSession
from registry.web.forms import Flash, notice_for, posted, submit
from registry.web.pages import render

NOTICE_KEY = "standards_notice"


class StandardsController(Controller):
    path = "/standaarden"
    include_in_schema = False

    @get("/", name="standards", opt=audience())
    async def index(
        self, request: AnyRequest, db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        return await _page(request, db_session, actor)

    @post("/", opt=audience(Permission.CATALOGUE_MANAGE))
    async def record(
        self, request: AnyRequest, db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        form = await posted(request)
        data = standards.StandardInput(
            form.get("name", ""), form.get("owner", ""), form.get("version", ""), form.get("url")
        )
        return await submit(
            request,
            db_session,
            lambda: standards.record_standard(db_session, actor, data),
            lambda standard: Flash(NOTICE_KEY, standard.name, "/standaarden"),
            lambda errors: _page(request, db_session, actor, form, errors, 422),
        )


async def _page(
    request: AnyRequest,
    db_session: AsyncSession,
    actor: Actor,
    form: dict[str, str] | None = None,
    errors: tuple[FieldError, ...] = (),
    status_code: int = 200,
) -> Response[Any]:
    return render(
        request,
        "catalogue/standards.html",
        {
            "standards": await repository.all_standards(db_session),
            "may_record": allows(actor, Permission.CATALOGUE_MANAGE),
            "form": form or {},
            "errors": errors,
            "notice": notice_for(request, NOTICE_KEY),
        },
        status_code=status_code,
    )
