"""The standards page: every standard applications claim, with its owner, version and where
it is described; the directie records or corrects them here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.catalogue import repository, standards
from registry.kit.errors import FieldError
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, notice_for, posted, submit
from registry.web.pages import render

NOTICE_KEY = "standards_notice"


class StandardsController(Controller):
    path = "/standaarden"
    include_in_schema = False

    @get("/", name="standards", opt=audience())
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _page(visit)

    @post("/", opt=audience(Permission.CATALOGUE_MANAGE))
    async def record(self, visit: CurrentVisit) -> Response[Any]:
        form = await posted(visit.request)
        data = standards.StandardInput(
            form.get("name", ""), form.get("owner", ""), form.get("version", ""), form.get("url")
        )
        return await submit(
            visit,
            lambda: standards.record_standard(visit.db, visit.actor, data),
            lambda standard: Flash(NOTICE_KEY, standard.name, "/standaarden"),
            lambda errors: _page(visit, form, errors, 422),
        )


async def _page(
    visit: Visit,
    form: dict[str, str] | None = None,
    errors: tuple[FieldError, ...] = (),
    status_code: int = 200,
) -> Response[Any]:
    return render(
        visit.request,
        "catalogue/standards.html",
        {
            "standards": await repository.all_standards(visit.db),
            "may_record": allows(visit.actor, Permission.CATALOGUE_MANAGE),
            "form": form or {},
            "errors": errors,
            "notice": notice_for(visit, NOTICE_KEY),
        },
        status_code=status_code,
    )
