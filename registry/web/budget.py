"""The directie's budget page (/begroting): the year's versions, drafting and adopting, and
the quarterly report to the RvC as PDF or XLSX; and the directie's overview (/directie) with
the statutory calendar and the contracts whose notice date is near."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.budget import labels as _budget_labels  # noqa: F401  (declares the labels)
from registry.budget.calendar import late
from registry.budget.errors import BudgetRefusal
from registry.budget.models import BudgetItem
from registry.budget.reporting import export_quarterly, statutory_calendar
from registry.budget.service import adopt_budget, budget_versions, set_line, start_budget
from registry.contracts.service import contracts_near_notice
from registry.costs import repository as costs
from registry.kit.clock import today
from registry.kit.errors import DomainError, FieldError, field_error
from registry.kit.labels import label
from registry.kit.pagination import PageRequest
from registry.members.decision_search import DecisionSearch, search_decisions
from registry.members.models import DecisionBody
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, form_values, notice_for, refusals, shown_again, submit
from registry.web.pages import attachment, render

NOTICE = "budget_notice"


def _year(text: str | None, default: int) -> int:
    try:
        return int(text or default)
    except ValueError:
        return 0  # refused by the service, on the year field


async def _page(
    visit: Visit,
    year: int,
    *,
    values: dict[str, str] | None = None,
    form: str = "",
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    if not 2000 <= year <= 2200:
        year = today().year
    versions = await budget_versions(visit.db, visit.actor, year)
    alv = await search_decisions(
        visit.db, DecisionSearch(body=DecisionBody.ALV), PageRequest(offset=0, limit=200)
    )
    pools = await costs.pools(visit.db)
    current = today()
    last_quarter = (current.month - 1) // 3 or 4
    return render(
        visit.request,
        "budget/index.html",
        {
            "active_page": "budget",
            "year": year,
            "versions": list(reversed(versions)),
            "editable": bool(versions) and versions[-1].budget.status.value == "draft",
            "item_options": [(i.value, label(i, visit.language)) for i in BudgetItem],
            "pool_options": [("", "–")] + [(p.code, f"{p.code}: {p.name}") for p in pools],
            "alv_options": [(d.reference, f"{d.reference}: {d.subject}") for d in alv.items],
            "may_manage": allows(visit.actor, Permission.BUDGET_MANAGE),
            "values": values
            or {
                "jaar": str(year),
                "kwartaal": str(last_quarter),
                "rapportjaar": str(current.year if last_quarter != 4 else current.year - 1),
                "formaat": "pdf",
            },
            "form": form,
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE, errors),
        },
        status_code=status_code,
    )


class BudgetPagesController(Controller):
    path = "/begroting"
    include_in_schema = False

    @get("/", name="budget", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        year = _year(visit.request.query_params.get("jaar"), today().year + 1)
        return await _page(visit, year)

    async def _submit(
        self, visit: Visit, values: dict[str, str], form: str, store: Any, notice: str
    ) -> Response[Any]:
        year = _year(values.get("jaar"), today().year + 1)
        return await submit(
            visit,
            store,
            lambda _: Flash(NOTICE, notice, f"/begroting?jaar={year}"),
            shown_again(_page, visit, year, values=values, form=form),
            refused=DomainError,
        )

    @post("/opstellen", name="budget-start", opt=audience(Permission.BUDGET_MANAGE))
    async def start(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, "jaar")
        year = _year(values["jaar"], 0)
        store = partial(start_budget, visit.db, visit.actor, year)
        return await self._submit(visit, values, "start", store, "start")

    @post("/regel", name="budget-line", opt=audience(Permission.BUDGET_MANAGE))
    async def line(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, "jaar", "soort", "kostenpot", "bedrag")
        year = _year(values["jaar"], 0)
        store = partial(
            set_line,
            visit.db,
            visit.actor,
            year,
            values["soort"],
            values["bedrag"],
            values["kostenpot"] or None,
        )
        return await self._submit(visit, values, "line", store, "line")

    @post("/vaststellen", name="budget-adopt", opt=audience(Permission.BUDGET_MANAGE))
    async def adopt(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, "jaar", "besluit")
        year = _year(values["jaar"], 0)
        store = partial(adopt_budget, visit.db, visit.actor, year, values["besluit"])
        return await self._submit(visit, values, "adopt", store, "adopt")

    @post("/kwartaalrapportage", name="quarterly-report", opt=audience(Permission.FINANCE_READ))
    async def quarterly(self, visit: CurrentVisit) -> Response[Any]:
        """The report as a file; the export is recorded in the audit log."""
        values = await form_values(
            visit.request, "jaar", "rapportjaar", "kwartaal", "formaat", "auditgebeurtenis"
        )
        year = _year(values["rapportjaar"], 0)
        quarter = _year(values["kwartaal"], 0)
        found: tuple[FieldError, ...] = ()
        as_of: int | None = None
        if values["auditgebeurtenis"]:
            try:
                as_of = int(values["auditgebeurtenis"])
            except ValueError:
                found = (field_error("asOf", BudgetRefusal.INVALID_EVENT),)
        if not found:
            try:
                done = await export_quarterly(
                    visit.db,
                    visit.actor,
                    year,
                    quarter,
                    as_of,
                    values["formaat"],
                    visit.language,
                    today(),
                )
            except DomainError as error:
                found = refusals(error)
        if found:
            await visit.db.rollback()
            return await _page(
                visit,
                _year(values["jaar"], today().year),
                values=values,
                form="report",
                errors=found,
                status_code=422,
            )
        return attachment(done.content, done.media_type, done.filename)


class DirectiePagesController(Controller):
    path = "/directie"
    include_in_schema = False

    @get("/", name="directie", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        settings = visit.settings
        current = today()
        year = _year(visit.request.query_params.get("jaar"), current.year)
        if not 2000 <= year <= 2200:
            year = current.year
        deadlines = await statutory_calendar(
            visit.db, visit.actor, year, current, settings.quarterly_report_weeks
        )
        near = await contracts_near_notice(
            visit.db, visit.actor, current, settings.contract_notice_days
        )
        return render(
            visit.request,
            "budget/directie.html",
            {
                "active_page": "directie",
                "year": year,
                "today": current,
                "deadlines": deadlines,
                "late": late(deadlines),
                "near": near,
                "near_days": settings.contract_notice_days,
                "weeks": settings.quarterly_report_weeks,
                "previous_year": year - 1,
                "next_year": year + 1,
            },
        )
