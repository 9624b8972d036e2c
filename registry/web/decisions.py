"""The directie's pages for decisions and contribution rates.

Decisions of the ALV, RvC and directie are recorded once and searched by body, period and
reference; a year's contribution rate is set from its ALV decision. Both write through the
same services as the GraphQL mutations `decisionRecord` and `contributionRateSet`, so the
audit log names the person who did it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.response import Response

from registry.auth.policy import Permission, allows
from registry.fees import repository as fees
from registry.fees.models import PopulationPolicy, ProRata
from registry.fees.service import RateInput, set_rate
from registry.governance.service import origins_of
from registry.kit.errors import FieldError
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.members.decision_search import DecisionSearch, search_decisions
from registry.members.decisions import DecisionInput, record_decision
from registry.members.errors import MembersRefusal
from registry.members.models import DecisionBody
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentVisit, Visit
from registry.web.forms import (
    Flash,
    chosen,
    form_values,
    notice_for,
    parse_date,
    shown_again,
    submit,
    warnings_first,
)
from registry.web.pages import render, url_with
from registry.years.warnings import preview_rate

DECISION_NOTICE = "decision_notice"
RATE_NOTICE = "rate_notice"
PAGE_SIZE = 25

DECISION_FIELDS = ("orgaan", "datum", "kenmerk", "onderwerp", "tekst", "document")
RATE_FIELDS = ("jaar", "tarief", "besluit", "pro_rata", "peildatum", "bevestigd")


def _search_of(request: AnyRequest) -> tuple[DecisionSearch, dict[str, str], int]:
    """The search in the query (unreadable dates and bodies are ignored, and shown as typed)."""
    params = request.query_params
    shown = {k: str(params.get(k) or "").strip() for k in ("zoek", "orgaan", "van", "tot")}

    def day(text: str) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None

    body = shown["orgaan"] if shown["orgaan"] in {b.value for b in DecisionBody} else None
    try:
        page = max(1, int(str(params.get("pagina") or "1")))
    except ValueError:
        page = 1
    search = DecisionSearch(
        body=DecisionBody(body) if body else None,
        decided_from=day(shown["van"]),
        decided_until=day(shown["tot"]),
        text=shown["zoek"][:100],
    )
    return search, shown, page


async def _decisions_page(
    visit: Visit,
    *,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    search, shown, page = _search_of(visit.request)
    found = await search_decisions(
        visit.db, search, PageRequest(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    )
    return render(
        visit.request,
        "decisions/index.html",
        {
            "active_page": "decisions",
            "found": found,
            "origins": await origins_of(visit.db, list(found.items)),
            "search": shown,
            "page_number": page,
            "previous_url": url_with(visit.request, pagina=page - 1) if page > 1 else None,
            "next_url": url_with(visit.request, pagina=page + 1) if found.has_next else None,
            "may_record": allows(visit.actor, Permission.MEMBERS_MANAGE),
            "values": values or {"orgaan": "alv"},
            "errors": list(errors),
            "notice": notice_for(visit, DECISION_NOTICE, errors),
        },
        status_code=status_code,
    )


async def _rates_page(
    visit: Visit,
    *,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    warnings: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    rates = await fees.rates(visit.db)
    decisions = await members.decisions_by_ids(visit.db, [r.decision_id for r in rates])
    alv = await search_decisions(
        visit.db, DecisionSearch(body=DecisionBody.ALV), PageRequest(offset=0, limit=200)
    )
    notice = visit.request.session.pop(RATE_NOTICE, None) if not errors else None
    return render(
        visit.request,
        "decisions/rates.html",
        {
            "active_page": "fees",
            "rates": [(r, decisions[r.decision_id]) for r in rates],
            "alv_options": [(d.reference, f"{d.reference}: {d.subject}") for d in alv.items],
            "values": values
            or {
                "jaar": str(date.today().year + 1),
                "pro_rata": ProRata.BY_DAYS.value,
                "peildatum": PopulationPolicy.JANUARY_FIRST.value,
            },
            "errors": list(errors),
            "warnings": list(warnings),
            "notice": (
                {"year": notice["year"], "rate": Decimal(notice["rate"])}
                if isinstance(notice, dict)
                else None
            ),
        },
        status_code=status_code,
    )


class DecisionPagesController(Controller):
    path = "/besluiten"
    include_in_schema = False

    @get("/", name="decisions", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _decisions_page(visit)

    @post("/", name="decision-record", opt=audience(Permission.MEMBERS_MANAGE))
    async def record(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *DECISION_FIELDS)
        errors: list[FieldError] = []
        decided_on = parse_date(values, "datum", "decidedOn", MembersRefusal.INVALID_DATE, errors)
        store = None
        if decided_on is not None:
            data = DecisionInput(
                body=values["orgaan"],
                decided_on=decided_on,
                reference=values["kenmerk"],
                subject=values["onderwerp"],
                text=values["tekst"] or None,
                document_url=values["document"] or None,
            )
            store = partial(record_decision, visit.db, visit.actor, data)
        return await submit(
            visit,
            store,
            lambda decision: Flash(DECISION_NOTICE, decision.reference, "/besluiten"),
            shown_again(_decisions_page, visit, values=values),
            errors=errors,
        )


class RatePagesController(Controller):
    path = "/contributie/tarieven"
    include_in_schema = False

    @get("/", name="rates", opt=audience(Permission.FEES_MANAGE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _rates_page(visit)

    @post("/", name="rate-set", opt=audience(Permission.FEES_MANAGE))
    async def set(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *RATE_FIELDS)
        try:
            year = int(values["jaar"])
        except ValueError:
            year = 0  # refused by the service as out of range, on the year field
        pro_rata = chosen(values["pro_rata"], ProRata.BY_DAYS)
        policy = chosen(values["peildatum"], PopulationPolicy.JANUARY_FIRST)
        data = RateInput(year, values["tarief"], values["besluit"], pro_rata, policy)
        # A year already invoiced: say what the rate bills or credits before storing it.
        warnings = await warnings_first(
            visit.request,
            values["bevestigd"] == "1",
            partial(preview_rate, visit.db, visit.actor, data),
        )
        if warnings:
            return await _rates_page(visit, values=values, warnings=warnings)
        return await submit(
            visit,
            partial(set_rate, visit.db, visit.actor, data),
            lambda rate: Flash(
                RATE_NOTICE, {"year": rate.year, "rate": str(rate.rate)}, "/contributie/tarieven"
            ),
            shown_again(_rates_page, visit, values=values),
        )
