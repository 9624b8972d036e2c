"""The directie's cost-pool forms: create a pool, record entries, participants from and until a
date, and close a period. Each writes through the same service as its GraphQL mutation, so
the audit log names the person; the pool page itself (`/kostenpotten/{code}`) shows the runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.costs import repository as costs
from registry.costs.errors import CostsRefusal
from registry.costs.models import CostCategory, PoolKind
from registry.costs.pools import (
    EntryInput,
    PoolInput,
    add_entry,
    add_participant,
    change_participant,
    close_period,
    create_pool,
)
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.kit.errors import FieldError, RefusedValue, ValidationFailed
from registry.kit.labels import label
from registry.kit.money import parse_number
from registry.kit.pagination import PageRequest
from registry.members import repository as members
from registry.usage.models import Metric
from registry.usage.rules import parse_period
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
)
from registry.web.i18n import request_language
from registry.web.pages import render

NOTICE_KEY = "pool_admin_notice"
USAGE_KEY_FIELDS = ("metriek", "gebruik_van", "gebruik_tot")
"""The form fields of a key by usage: the metric and the months it is counted over."""
POOL_FIELDS = (
    "code",
    "naam",
    "soort",
    "applicatie",
    "sleutel",
    "peildatum",
    "betaler",
    "nieuwkomers",
    "afschrijving",
    *USAGE_KEY_FIELDS,
)
ENTRY_FIELDS = (
    "bedrag",
    "datum",
    "categorie",
    "omschrijving",
    "document",
    "formulier",
    "contract",
)
PARTICIPANT_FIELDS = ("lid", "vanaf", "percentage")
LEAVE_FIELDS = ("lid", "tot")
CLOSE_FIELDS = ("tot_en_met",)


def usage_key(
    values: dict[str, str], errors: list[FieldError]
) -> tuple[str | None, date | None, date | None]:
    """The metric and the first and last month of a key by usage, as the form gives them."""
    months = []
    for name, field in (("gebruik_van", "usageFrom"), ("gebruik_tot", "usageTo")):
        month = None
        if values[name]:
            try:
                month = parse_period(values[name], field)
            except ValidationFailed as failed:
                errors.extend(failed.errors)
        months.append(month)
    return values["metriek"] or None, months[0], months[1]


def metric_options(request: AnyRequest) -> list[tuple[str, str]]:
    return [(m.value, label(m, request_language(request))) for m in Metric]


async def _member_options(db_session: AsyncSession) -> list[tuple[str, str]]:
    found = await members.list_members(db_session, PageRequest(0, 1000), search=None, type_=None)
    return [(m.code, m.name) for m in found.items]


async def _new_page(
    visit: Visit,
    *,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    return render(
        visit.request,
        "pools/new.html",
        {
            "active_page": "pools",
            "members": await _member_options(visit.db),
            "metrics": metric_options(visit.request),
            "values": values
            or {"soort": "operating", "sleutel": "inhabitants", "afschrijving": "5"},
            "errors": list(errors),
        },
        status_code=status_code,
    )


async def admin_page(
    visit: Visit,
    code: str,
    *,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
) -> Response[Any]:
    pool = await costs.pool_by_code(visit.db, code)
    if pool is None:
        raise NotFoundException(f"no cost pool {code}")
    participants = await costs.participants_of(visit.db, pool.id)
    names = await members.members_by_ids(visit.db, [p.member_id for p in participants])
    return render(
        visit.request,
        "pools/admin.html",
        {
            "active_page": "pools",
            "pool": pool,
            "entries": await costs.entries_of(visit.db, pool.id),
            "participants": [(p, names[p.member_id]) for p in participants],
            "participant_options": [
                (names[p.member_id].code, names[p.member_id].name) for p in participants
            ],
            "members": await _member_options(visit.db),
            "metrics": metric_options(visit.request),
            # One per form shown: a double submit of the entry form stores once.
            "submission": secrets.token_urlsafe(24),
            "form": form,
            "values": values or {"categorie": "development"},
            "errors": list(errors),
            "notice": notice_for(visit, NOTICE_KEY, errors),
        },
        status_code=status_code,
    )


class PoolAdminController(Controller):
    path = "/kostenpotten"
    include_in_schema = False

    @get("/nieuw", name="pool-new", opt=audience(Permission.COSTS_MANAGE))
    async def new(self, visit: CurrentVisit) -> Response[Any]:
        return await _new_page(visit)

    @post("/nieuw", name="pool-create", opt=audience(Permission.COSTS_MANAGE))
    async def create(self, visit: CurrentVisit) -> Response[Any]:
        values = await form_values(visit.request, *POOL_FIELDS)
        errors: list[FieldError] = []
        reference = parse_date(
            values, "peildatum", "referenceDate", CostsRefusal.INVALID_DATE, errors, required=False
        )
        metric, usage_from, usage_to = usage_key(values, errors)
        try:
            years = int(values["afschrijving"] or "5")
        except ValueError:
            years = 0  # refused by the service on its field
        data = PoolInput(
            code=values["code"],
            name=values["naam"],
            kind=chosen(values["soort"], PoolKind.OPERATING),
            key=chosen(values["sleutel"], AllocationKey.INHABITANTS),
            application=values["applicatie"] or None,
            reference_date=reference,
            single_payer=values["betaler"] or None,
            usage_metric=metric,
            usage_from=usage_from,
            usage_to=usage_to,
            late_joiner_policy=chosen(values["nieuwkomers"], LateJoinerPolicy.FULL_COST),
            depreciation_years=years,
        )
        return await submit(
            visit,
            lambda: create_pool(visit.db, visit.actor, data),
            lambda pool: Flash(NOTICE_KEY, "created", f"/kostenpotten/{pool.code}/beheer"),
            shown_again(_new_page, visit, values=values),
            errors=errors,
        )

    @get("/{code:str}/beheer", name="pool-admin", opt=audience(Permission.COSTS_MANAGE))
    async def admin(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await admin_page(visit, code)

    async def _done(
        self,
        visit: Visit,
        code: str,
        form: str,
        values: dict[str, str],
        errors: list[FieldError],
        store: Callable[[], Awaitable[object]] | None,
    ) -> Response[Any]:
        """Store the pool's form `form`, or show it again with what was typed."""
        return await submit(
            visit,
            store,
            lambda _: Flash(NOTICE_KEY, form, f"/kostenpotten/{code}/beheer"),
            shown_again(admin_page, visit, code, form=form, values=values),
            errors=errors,
        )

    @post("/{code:str}/beheer/posten", name="pool-entry", opt=audience(Permission.COSTS_MANAGE))
    async def entry(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        await self._exists(visit.db, code)
        values = await form_values(visit.request, *ENTRY_FIELDS)
        errors: list[FieldError] = []
        day = parse_date(values, "datum", "entryDate", CostsRefusal.INVALID_DATE, errors)
        store = None
        if day is not None:
            data = EntryInput(
                amount=values["bedrag"],
                entry_date=day,
                category=chosen(values["categorie"], CostCategory.OTHER),
                description=values["omschrijving"],
                document_reference=values["document"] or None,
                submission_key=values["formulier"] or None,
                contract=values["contract"] or None,
            )
            store = partial(add_entry, visit.db, visit.actor, code, data)
        return await self._done(visit, code, "entry", values, errors, store)

    @post(
        "/{code:str}/beheer/deelnemers",
        name="pool-participant",
        opt=audience(Permission.COSTS_MANAGE),
    )
    async def participant(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        await self._exists(visit.db, code)
        values = await form_values(visit.request, *PARTICIPANT_FIELDS)
        errors: list[FieldError] = []
        joined = parse_date(values, "vanaf", "joinedOn", CostsRefusal.INVALID_DATE, errors)
        percentage = None
        if values["percentage"]:
            try:
                percentage = parse_number(values["percentage"])
            except RefusedValue as refused:
                errors.append(FieldError("percentage", refused.phrase))
        store = None
        if joined is not None:
            store = partial(
                add_participant, visit.db, visit.actor, code, values["lid"], joined, percentage
            )
        return await self._done(visit, code, "participant", values, errors, store)

    @post(
        "/{code:str}/beheer/deelnemers/einde",
        name="pool-participant-leaves",
        opt=audience(Permission.COSTS_MANAGE),
    )
    async def leave(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        await self._exists(visit.db, code)
        values = await form_values(visit.request, *LEAVE_FIELDS)
        errors: list[FieldError] = []
        left = parse_date(values, "tot", "leftOn", CostsRefusal.INVALID_DATE, errors)
        store = None
        if left is not None:
            store = partial(
                change_participant, visit.db, visit.actor, code, values["lid"], left_on=left
            )
        return await self._done(visit, code, "leave", values, errors, store)

    @post("/{code:str}/beheer/afsluiten", name="pool-close", opt=audience(Permission.COSTS_MANAGE))
    async def close(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        await self._exists(visit.db, code)
        values = await form_values(visit.request, *CLOSE_FIELDS)
        errors: list[FieldError] = []
        until = parse_date(values, "tot_en_met", "until", CostsRefusal.INVALID_DATE, errors)
        store = None
        if until is not None:
            store = partial(close_period, visit.db, visit.actor, code, until)
        return await self._done(visit, code, "close", values, errors, store)

    @staticmethod
    async def _exists(db_session: AsyncSession, code: str) -> None:
        if await costs.pool_by_code(db_session, code) is None:
            raise NotFoundException(f"no cost pool {code}")
