"""The business case of an application on a page (`/applicaties/{slug}/businesscase`): the lead
member's admins and the directie write a draft (cost heads, participants, expected usage fees,
risks) through `save_business_case_draft`, the service of `businessCaseDraftSave`; the directie
and auditors read them. The decision on a case stays with the directie."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.catalogue import repository as catalogue
from registry.catalogue.communities import visible_application
from registry.catalogue.models import Application
from registry.catalogue.service import BusinessCaseInput, save_business_case_draft
from registry.catalogue.stewardship import may_maintain
from registry.kit.errors import FieldError, NotFound
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, notice_for, submit
from registry.web.pages import render

NOTICE_KEY = "business_case_notice"
HEADS = (
    ("ontwikkeling", "development"),
    ("eigen_inzet", "own_staff"),
    ("implementatie", "implementation"),
    ("exploitatie", "operation"),
    ("beheer", "maintenance"),
    ("hosting", "hosting"),
    ("gebruiksvergoedingen", "expected_usage_fees"),
)
"""Form field and the service's cost head."""


async def _application(visit: Visit, slug: str) -> Application:
    try:
        application = await visible_application(visit.db, visit.actor, slug)
    except NotFound:
        raise NotFoundException(f"no application {slug}") from None
    if not (may_maintain(visit.actor, application) or allows(visit.actor, Permission.FINANCE_READ)):
        raise PermissionDeniedException("for the lead member's admins, the directie, auditors")
    return application


async def _page(
    visit: Visit,
    application: Application,
    *,
    values: dict[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    found = await members.list_members(visit.db, PageRequest(0, 1000), search=None, type_=None)
    return render(
        visit.request,
        "members_side/business_cases.html",
        {
            "active_page": "proposals",
            "application": application,
            "cases": await catalogue.business_cases_of(visit.db, application.id),
            "may_write": may_maintain(visit.actor, application),
            "members": [(m.code, m.name) for m in found.items],
            "heads": HEADS,
            "values": values or {"deelnemers": []},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


class BusinessCasePagesController(Controller):
    path = "/applicaties"
    include_in_schema = False

    @get("/{slug:str}/businesscase", name="business-cases", opt=audience(login=True))
    async def cases(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        application = await _application(visit, slug)
        return await _page(visit, application)

    @post("/{slug:str}/businesscase", name="business-case-save", opt=audience(login=True))
    async def save(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[Any]:
        application = await _application(visit, slug)
        if not may_maintain(visit.actor, application):
            raise PermissionDeniedException("for the lead member's admins and the directie")
        form = await visit.request.form()
        values: dict[str, Any] = {
            name: str(form.get(name) or "").strip()
            for name in ("titel", "risicos", *(h for h, _ in HEADS))
        }
        values["deelnemers"] = [str(c) for c in form.getall("deelnemers", [])][:1000]
        data = BusinessCaseInput(
            title=values["titel"],
            participants=tuple(values["deelnemers"]),
            risks=values["risicos"],
            **{head: values[name] or "0" for name, head in HEADS},
        )

        async def again(errors: tuple[FieldError, ...]) -> Response[Any]:
            # The rollback expired what was read: read the application again.
            application = await _application(visit, slug)
            return await _page(
                visit,
                application,
                values=values,
                errors=errors,
                status_code=422,
            )

        return await submit(
            visit,
            partial(save_business_case_draft, visit.db, visit.actor, slug, data),
            lambda case: Flash(NOTICE_KEY, case.title, f"/applicaties/{slug}/businesscase"),
            again,
        )
