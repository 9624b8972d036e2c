"""The directie's page for usage tariffs (euro per unit of a metric from a month, by a recorded
decision) and the VAT rule of each invoice line category. Both write through the services of
the GraphQL mutations (`usageTariffSet`, `vatRuleSet`), so the audit log names the person.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.response import Response

from registry.auth.policy import Permission
from registry.billing.document import VatCode
from registry.billing.invoicing import set_vat_rule, vat_rules
from registry.billing.models import LineCategory
from registry.catalogue import repository as catalogue
from registry.kit.clock import today
from registry.kit.errors import FieldError
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.usage import repository as usage
from registry.usage.tariffs import TariffInput, set_tariff
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import (
    Flash,
    chosen,
    form_values,
    notice_for,
    shown_again,
    submit,
    warnings_first,
)
from registry.web.pages import render
from registry.years.warnings import preview_tariff

NOTICE_KEY = "tariff_notice"
TARIFF_FIELDS = ("applicatie", "eenheid", "prijs", "vanaf", "besluit", "bevestigd")
VAT_FIELDS = ("categorie", "btw_code", "btw_tarief", "vrijstelling")


async def _page(
    visit: Visit,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    warnings: Sequence[str] = (),
    status_code: int = 200,
) -> Response[Any]:
    applications = (
        await catalogue.list_applications(
            visit.db, PageRequest(0, 1000), catalogue.ApplicationFilter()
        )
    ).items
    names = {a.id: a.name for a in applications}
    tariffs = await usage.tariffs_of(visit.db, sorted(names))
    decisions = await members.decisions_by_ids(visit.db, sorted({t.decision_id for t in tariffs}))
    recent = await members.list_decisions(visit.db, PageRequest(0, 200), body=None)
    return render(
        visit.request,
        "tariffs/index.html",
        {
            "active_page": "fees",
            "applications": [(a.slug, a.name) for a in applications],
            "tariffs": [(t, names[t.application_id], decisions[t.decision_id]) for t in tariffs],
            "decision_options": [
                (d.reference, f"{d.reference}: {d.subject}") for d in recent.items
            ],
            "vat_rules": await vat_rules(visit.db),
            "form": form,
            "values": values or {},
            "errors": list(errors),
            "warnings": list(warnings),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


async def _submit(
    visit: Visit, form: str, values: dict[str, str], store: Callable[[], Awaitable[object]]
) -> Response[Any]:
    """Store the tariffs page's form `form`, or show it again with what was typed."""
    return await submit(
        visit,
        store,
        lambda _: Flash(NOTICE_KEY, form, "/tarieven"),
        shown_again(_page, visit, form=form, values=values),
    )


class TariffPagesController(Controller):
    path = "/tarieven"
    include_in_schema = False

    @get("/", name="tariffs", opt=audience(Permission.FEES_MANAGE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _page(visit)

    @post("/gebruik", name="tariff-set", opt=audience(Permission.FEES_MANAGE))
    async def tariff(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *TARIFF_FIELDS)
        data = TariffInput(
            values["applicatie"],
            values["eenheid"],
            values["prijs"],
            values["vanaf"],
            values["besluit"],
        )
        # Usage already invoiced: say what the tariff bills or credits before storing it.
        warnings = await warnings_first(
            visit.request,
            values["bevestigd"] == "1",
            lambda: preview_tariff(visit.db, visit.actor, data, today()),
        )
        if warnings:
            return await _page(visit, form="tariff", values=values, warnings=warnings)
        store = partial(set_tariff, visit.db, visit.actor, data)
        return await _submit(visit, "tariff", values, store)

    @post("/btw", name="vat-rule-set", opt=audience(Permission.BILLING_MANAGE))
    async def vat(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *VAT_FIELDS)
        category = chosen(values["categorie"], LineCategory.CONTRIBUTION)
        code = chosen(values["btw_code"], VatCode.STANDARD)
        store = partial(
            set_vat_rule,
            visit.db,
            visit.actor,
            category,
            code,
            values["btw_tarief"] or "0",
            values["vrijstelling"] or None,
        )
        return await _submit(visit, "vat", values, store)
