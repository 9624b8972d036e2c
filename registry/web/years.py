"""The financial years page (boekjaren): each year's state and what was invoiced and credited
in it, for the directie and the auditors; the directie closes a year after the accountant's
sign-off and reopens it, each by a recorded decision (`financialYearClose`/`Reopen`). With
four-eyes approval on, closing prepares a request a second director approves on
/goedkeuringen; reopening is a decision of its own and acts at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.response import Response

from registry.approvals import service as approvals
from registry.approvals.rules import CloseYear
from registry.auth.policy import Permission, allows
from registry.billing.opening_balances import (
    MAX_BYTES,
    ImportResult,
    OpeningBalanceRefusal,
    import_opening_balances,
)
from registry.kit.clock import today
from registry.kit.errors import FieldError, field_error
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.models import DecisionBody
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, form_values, shown_again, submit
from registry.web.pages import render
from registry.years.errors import YearsRefusal
from registry.years.models import YearStatus
from registry.years.overview import year_overview
from registry.years.service import reopen_year

NOTICE_KEY = "year_notice"
FIELDS = ("jaar", "besluit")


async def _page(
    visit: Visit,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    day = today()
    years = await year_overview(visit.db, day)
    decisions = await members.list_decisions(
        visit.db, PageRequest(0, 200), body=DecisionBody.DIRECTIE
    )
    notice = visit.request.session.pop(NOTICE_KEY, None) if not errors else None
    return render(
        visit.request,
        "years/index.html",
        {
            "active_page": "years",
            "years": years,
            "waiting": await approvals.pending_closes(visit.db),
            "closable": [
                (str(y.year), str(y.year))
                for y in years
                if y.status is YearStatus.OPEN and y.year < day.year
            ],
            "reopenable": [
                (str(y.year), str(y.year)) for y in years if y.status is YearStatus.CLOSED
            ],
            "decision_options": [
                (d.reference, f"{d.reference}: {d.subject}") for d in decisions.items
            ],
            "may_close": allows(visit.actor, Permission.YEARS_CLOSE),
            "may_import": allows(visit.actor, Permission.BILLING_MANAGE),
            "form": form,
            "values": values or {},
            "errors": list(errors),
            "notice": notice if isinstance(notice, dict) else None,
            "max_bytes": MAX_BYTES,
        },
        status_code=status_code,
    )


def _notice(form: str, done: object) -> str:
    """Which notice the page shows: closed, reopened, or a close waiting for approval."""
    waiting = isinstance(done, approvals.Submitted) and done.request is not None
    return "close_prepared" if waiting else form


def _year(text: str) -> int | None:
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and len(stripped) == 4 else None


async def _submit(
    visit: Visit, form: str, operation: Callable[[int], Awaitable[object]]
) -> Response[Any]:
    values = await form_values(visit.request, *FIELDS)
    year = _year(values["jaar"])
    errors = [] if year is not None else [field_error("year", YearsRefusal.YEAR_REQUIRED)]
    return await submit(
        visit,
        partial(operation, year) if year is not None else None,
        lambda done: Flash(NOTICE_KEY, {"form": _notice(form, done), "year": year}, "/boekjaren"),
        shown_again(_page, visit, form=form, values=values),
        errors=errors,
    )


class YearPagesController(Controller):
    path = "/boekjaren"
    include_in_schema = False

    @get("/", name="years", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _page(visit)

    @post("/afsluiten", name="year-close", opt=audience(Permission.YEARS_CLOSE))
    async def close(self, visit: CurrentVisit) -> Response[Any]:
        decision = (await form_values(visit.request, *FIELDS))["besluit"]

        settings = visit.settings

        async def store(year: int) -> object:
            operation = CloseYear(year, decision)
            return await approvals.submit(visit.db, visit.actor, settings, operation, today())

        return await _submit(visit, "close", store)

    @post("/heropenen", name="year-reopen", opt=audience(Permission.YEARS_CLOSE))
    async def reopen(self, visit: CurrentVisit) -> Response[Any]:
        decision = (await form_values(visit.request, *FIELDS))["besluit"]

        async def store(year: int) -> object:
            return await reopen_year(visit.db, visit.actor, year, decision)

        return await _submit(visit, "reopen", store)

    @post(
        "/beginbalans",
        name="opening-balances-import",
        opt=audience(Permission.BILLING_MANAGE),
        request_max_body_size=MAX_BYTES + 64 * 1024,
    )
    async def opening_balances(self, visit: CurrentVisit) -> Response[Any]:
        upload = (await visit.request.form()).get("bestand")
        content = (
            await upload.read(MAX_BYTES + 1)
            if isinstance(upload, UploadFile) and upload.filename
            else b""
        )
        errors = [] if content else [field_error("file", OpeningBalanceRefusal.NO_LINES)]

        async def store() -> ImportResult:
            return await import_opening_balances(visit.db, visit.actor, content)

        return await submit(
            visit,
            store if content else None,
            lambda done: Flash(
                NOTICE_KEY,
                {
                    "form": "opening",
                    "invoices": done.invoices,
                    "credits": done.credits,
                    "receivable": done.receivable_cents,
                    "credit": done.credit_cents,
                },
                "/boekjaren",
            ),
            shown_again(_page, visit, form="opening"),
            errors=errors,
        )
