"""The directie's contracts register (/contracten): the contracts, those whose notice date is
near, and the forms to record, sign and end a contract. The same services as the GraphQL
mutations `contractCreate`, `contractSign` and `contractEnd`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.catalogue import repository as catalogue
from registry.contracts.errors import ContractsRefusal
from registry.contracts.models import Contract, ContractStatus
from registry.contracts.service import (
    ContractInput,
    contracts_near_notice,
    create_contract,
    end_contract,
    list_contracts,
    sign_contract,
)
from registry.costs import repository as costs
from registry.kit.clock import today
from registry.kit.errors import FieldError, field_error
from registry.kit.pagination import PageRequest
from registry.members.decision_search import DecisionSearch, search_decisions
from registry.members.errors import MembersRefusal
from registry.members.models import DecisionBody
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, form_values, notice_for, parse_date, shown_again, submit
from registry.web.pages import render

NOTICE = "contract_notice"
CREATE_FIELDS = (
    "kenmerk",
    "leverancier",
    "onderwerp",
    "bedrag",
    "begin",
    "einde",
    "opzegdatum",
    "opzegtermijn",
    "applicatie",
    "kostenpot",
)
SIGN_FIELDS = ("contract", "datum", "besluit")
END_FIELDS = ("contract", "datum")


async def _submit(
    visit: Visit,
    store: Callable[[], Awaitable[Contract]] | None,
    values: dict[str, str],
    form: str,
    errors: list[FieldError],
) -> Response[Any]:
    """Store a contract form, then back to the register; or the register again with `form`
    open, what was typed and its refusals."""
    return await submit(
        visit,
        store,
        lambda contract: Flash(NOTICE, contract.reference, "/contracten"),
        shown_again(_page, visit, values=values, form=form),
        errors=errors,
    )


async def _page(
    visit: Visit,
    *,
    values: dict[str, str] | None = None,
    form: str = "",
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    settings = visit.settings
    contracts = await list_contracts(visit.db, visit.actor)
    near = await contracts_near_notice(
        visit.db, visit.actor, today(), settings.contract_notice_days
    )
    rvc = await search_decisions(
        visit.db, DecisionSearch(body=DecisionBody.RVC), PageRequest(offset=0, limit=200)
    )
    applications = await catalogue.list_all(visit.db)
    pools = await costs.pools(visit.db)
    application_names = {a.id: a.name for a in applications}
    pool_names = {p.id: f"{p.code}: {p.name}" for p in pools}
    linked = {
        c.id: application_names.get(c.application_id or 0) or pool_names.get(c.pool_id or 0)
        for c in contracts
    }
    drafts = [c for c in contracts if c.status is ContractStatus.DRAFT]
    signed = [c for c in contracts if c.status is ContractStatus.SIGNED]
    return render(
        visit.request,
        "contracts/index.html",
        {
            "active_page": "contracts",
            "contracts": contracts,
            "near": near,
            "linked": linked,
            "near_days": settings.contract_notice_days,
            "threshold_cents": round(settings.contract_rvc_threshold * 100),
            "drafts": drafts,
            "signed": signed,
            "draft_options": [(c.reference, f"{c.reference}: {c.supplier}") for c in drafts],
            "signed_options": [(c.reference, f"{c.reference}: {c.supplier}") for c in signed],
            "rvc_options": [(d.reference, f"{d.reference}: {d.subject}") for d in rvc.items],
            "application_options": [("", "–")] + [(a.slug, a.name) for a in applications],
            "pool_options": [("", "–")] + [(p.code, f"{p.code}: {p.name}") for p in pools],
            "may_manage": allows(visit.actor, Permission.CONTRACTS_MANAGE),
            "values": values or {},
            "form": form,
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE, errors),
        },
        status_code=status_code,
    )


class ContractPagesController(Controller):
    path = "/contracten"
    include_in_schema = False

    @get("/", name="contracts", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _page(visit)

    @post("/", name="contract-create", opt=audience(Permission.CONTRACTS_MANAGE))
    async def create(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *CREATE_FIELDS)
        errors: list[FieldError] = []
        start = parse_date(values, "begin", "startDate", MembersRefusal.INVALID_DATE, errors)
        end = parse_date(values, "einde", "endDate", MembersRefusal.INVALID_DATE, errors)
        notice_date = parse_date(
            values, "opzegdatum", "noticeDate", MembersRefusal.INVALID_DATE, errors, required=False
        )
        months: int | None = None
        if values["opzegtermijn"]:
            try:
                months = int(values["opzegtermijn"])
            except ValueError:
                errors.append(
                    field_error("noticePeriodMonths", ContractsRefusal.INVALID_NOTICE_PERIOD)
                )
        store = None
        if start is not None and end is not None:
            data = ContractInput(
                reference=values["kenmerk"],
                supplier=values["leverancier"],
                subject=values["onderwerp"],
                amount=values["bedrag"],
                start_date=start,
                end_date=end,
                notice_date=notice_date,
                notice_period_months=months,
                application=values["applicatie"] or None,
                pool=values["kostenpot"] or None,
            )
            store = partial(create_contract, visit.db, visit.actor, data)
        return await _submit(visit, store, values, "create", errors)

    @post("/ondertekenen", name="contract-sign", opt=audience(Permission.CONTRACTS_MANAGE))
    async def sign(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *SIGN_FIELDS)
        errors: list[FieldError] = []
        day = parse_date(values, "datum", "signedOn", MembersRefusal.INVALID_DATE, errors)
        store = None
        if day is not None:
            store = partial(
                sign_contract,
                visit.db,
                visit.actor,
                values["contract"],
                day,
                values["besluit"] or None,
                visit.settings.contract_rvc_threshold,
            )
        return await _submit(visit, store, values, "sign", errors)

    @post("/beeindigen", name="contract-end", opt=audience(Permission.CONTRACTS_MANAGE))
    async def end(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *END_FIELDS)
        errors: list[FieldError] = []
        day = parse_date(values, "datum", "endedOn", MembersRefusal.INVALID_DATE, errors)
        store = None
        if day is not None:
            store = partial(end_contract, visit.db, visit.actor, values["contract"], day)
        return await _submit(visit, store, values, "end", errors)
