"""The directie's page for usage tariffs (euro per unit of a metric from a month, by a recorded
decision) and the VAT rule of each invoice line category. Both write through the services of
the GraphQL mutations (`usageTariffSet`, `vatRuleSet`), so the audit log names the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.billing.document import VatCode
from registry.billing.invoicing import set_vat_rule, vat_rules
from registry.billing.models import LineCategory
from registry.catalogue import repository as catalogue
from registry.kit.errors import FieldError, ValidationFailed
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.usage import repository as usage
from registry.usage.tariffs import set_tariff
from registry.web.access import audience
from registry.web.deps import CurrentActor, DbSession
from registry.web.forms import form_values
from registry.web.pages import render

NOTICE_KEY = "tariff_notice"
TARIFF_FIELDS = ("applicatie", "eenheid", "prijs", "vanaf", "besluit")
VAT_FIELDS = ("categorie", "btw_code", "btw_tarief", "vrijstelling")


async def _page(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    applications = (
        await catalogue.list_applications(
            db_session, PageRequest(0, 1000), catalogue.ApplicationFilter()
        )
    ).items
    names = {a.id: a.name for a in applications}
    tariffs = await usage.tariffs_of(db_session, sorted(names))
    decisions = await members.decisions_by_ids(db_session, sorted({t.decision_id for t in tariffs}))
    recent = await members.list_decisions(db_session, PageRequest(0, 200), body=None)
    notice = request.session.pop(NOTICE_KEY, None) if not errors else None
    return render(
        request,
        "tariffs/index.html",
        {
            "active_page": "fees",
            "applications": [(a.slug, a.name) for a in applications],
            "tariffs": [(t, names[t.application_id], decisions[t.decision_id]) for t in tariffs],
            "decision_options": [
                (d.reference, f"{d.reference}: {d.subject}") for d in recent.items
            ],
            "vat_rules": await vat_rules(db_session),
            "form": form,
            "values": values or {},
            "errors": list(errors),
            "notice": notice if isinstance(notice, str) else None,
        },
        status_code=status_code,
    )


class TariffPagesController(Controller):
    path = "/tarieven"
    include_in_schema = False

    @get("/", name="tariffs", opt=audience(Permission.FEES_MANAGE))
    async def index(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        return await _page(request, db_session)

    @post("/gebruik", name="tariff-set", opt=audience(Permission.FEES_MANAGE))
    async def tariff(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        values = await form_values(request, *TARIFF_FIELDS)
        try:
            await set_tariff(
                db_session,
                actor,
                values["applicatie"],
                values["eenheid"],
                values["prijs"],
                values["vanaf"],
                values["besluit"],
            )
        except ValidationFailed as failed:
            await db_session.rollback()
            return await _page(
                request,
                db_session,
                form="tariff",
                values=values,
                errors=failed.errors,
                status_code=422,
            )
        request.session[NOTICE_KEY] = "tariff"
        return Redirect("/tarieven", status_code=303)

    @post("/btw", name="vat-rule-set", opt=audience(Permission.BILLING_MANAGE))
    async def vat(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: CurrentActor
    ) -> Response[Any]:
        values = await form_values(request, *VAT_FIELDS)
        category = (
            LineCategory(values["categorie"])
            if values["categorie"] in {c.value for c in LineCategory}
            else LineCategory.CONTRIBUTION
        )
        code = (
            VatCode(values["btw_code"])
            if values["btw_code"] in {c.value for c in VatCode}
            else VatCode.STANDARD
        )
        try:
            await set_vat_rule(
                db_session,
                actor,
                category,
                code,
                values["btw_tarief"] or "0",
                values["vrijstelling"] or None,
            )
        except ValidationFailed as failed:
            await db_session.rollback()
            return await _page(
                request,
                db_session,
                form="vat",
                values=values,
                errors=failed.errors,
                status_code=422,
            )
        request.session[NOTICE_KEY] = "vat"
        return Redirect("/tarieven", status_code=303)
