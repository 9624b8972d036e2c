"""The audit log page for auditors (and registry admins): events filtered by entity, person,
member and period, a page at a time; the chain's status; the exports with the same filters.

The chain is verified by `registry.audit.service.verify_log`, which hashes in a worker thread,
so a long log does not hold up other requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import repository, service
from registry.audit.errors import AuditRefusal
from registry.audit.export import ExportFormat
from registry.audit.labels import ENTITY
from registry.audit.repository import AuditFilter
from registry.auth.policy import Permission
from registry.kit.clock import NETHERLANDS
from registry.kit.errors import FieldError, field_error
from registry.kit.pagination import MAX_PAGE_SIZE, PageRequest
from registry.members import repository as members
from registry.web.access import audience
from registry.web.deps import CurrentVisit
from registry.web.pages import render, url_with

DEFAULT_PAGE_SIZE = 25
FILTER_FIELDS = ("soort", "entiteit", "persoon", "lid", "van", "tot")
"""The query parameters of the filters, shared by the page and the exports."""
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """The filters as typed (to show again) and as the repository reads them."""

    shown: dict[str, str]
    audit_filter: AuditFilter
    errors: tuple[FieldError, ...]


def _day(shown: dict[str, str], name: str, errors: list[FieldError]) -> date | None:
    text = shown[name]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(field_error(name, AuditRefusal.NOT_A_DATE, value=text))
        return None


async def read_filters(request: Request[Any, Any, Any], session: AsyncSession) -> AuditQuery:
    """The filters in the query string; days are whole days in the Netherlands."""
    params = request.query_params
    shown = {k: str(params.get(k) or "").strip()[:MAX_TEXT] for k in FILTER_FIELDS}
    errors: list[FieldError] = []
    since_day, until_day = _day(shown, "van", errors), _day(shown, "tot", errors)
    if since_day and until_day and until_day < since_day:
        errors.append(field_error("tot", AuditRefusal.PERIOD_REVERSED))
    member_id: int | None = None
    if shown["lid"]:
        member = await members.member_by_code(session, shown["lid"])
        if member is None:
            errors.append(field_error("lid", AuditRefusal.UNKNOWN_MEMBER, value=shown["lid"]))
        else:
            member_id = member.id
    since = datetime.combine(since_day, time(), NETHERLANDS) if since_day else None
    until = (
        datetime.combine(until_day + timedelta(days=1), time(), NETHERLANDS)
        - timedelta(microseconds=1)
        if until_day
        else None
    )
    audit_filter = AuditFilter(
        entity_type=shown["soort"] or None,
        entity_id=shown["entiteit"] or None,
        actor_label=shown["persoon"] or None,
        member_id=member_id,
        since=since,
        until=until,
    )
    return AuditQuery(shown, audit_filter, tuple(errors))


def _page_size(request: Request[Any, Any, Any], errors: list[FieldError]) -> tuple[int, str]:
    text = str(request.query_params.get("per_pagina") or "").strip()[:10]
    if not text:
        return DEFAULT_PAGE_SIZE, ""
    try:
        size = int(text)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        errors.append(field_error("per_pagina", AuditRefusal.PAGE_SIZE, limit=MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE, text
    return size, text


def _page_number(request: Request[Any, Any, Any]) -> int:
    try:
        return min(max(1, int(str(request.query_params.get("pagina") or "1"))), 1_000_000)
    except ValueError:
        return 1


def local_time(moment: datetime) -> str:
    """A moment of the log as the Netherlands' clock showed it."""
    return moment.astimezone(NETHERLANDS).strftime("%Y-%m-%d %H:%M:%S")


class AuditLogPagesController(Controller):
    path = "/auditlog"
    include_in_schema = False

    @get("/", name="audit-log", opt=audience(Permission.AUDIT_READ))
    async def log(self, visit: CurrentVisit) -> Response[Any]:
        """`visit` is asked for so the page header links to what its person may open."""
        query = await read_filters(visit.request, visit.db)
        errors = list(query.errors)
        size, size_shown = _page_size(visit.request, errors)
        number = _page_number(visit.request)
        page = None
        if not errors:
            page = await repository.list_events(
                visit.db,
                PageRequest(offset=(number - 1) * size, limit=size),
                query.audit_filter,
            )
        verdict = await service.verify_log(visit.db)
        by_id = await members.members_by_ids(
            visit.db,
            sorted({e.member_id for e in (page.items if page else []) if e.member_id}),
        )
        filters = {k: v for k, v in query.shown.items() if v}
        export_query = f"?{urlencode(filters)}" if filters and not errors else ""
        return render(
            visit.request,
            "audit/log.html",
            {
                "active_page": "audit",
                "page": page,
                "filters": query.shown,
                "page_size": size_shown,
                "errors": errors,
                "members": by_id,
                "entity_options": sorted(
                    ((kind, name.text(visit.language)) for kind, name in ENTITY.items()),
                    key=lambda option: option[1],
                ),
                "local_time": local_time,
                "verdict": verdict,
                "exports": [
                    (f.value.upper(), f"/audit/export/{f.value}{export_query}")
                    for f in ExportFormat
                ],
                "filtered": bool(filters),
                "page_number": number,
                "previous_url": url_with(visit.request, pagina=number - 1) if number > 1 else None,
                "next_url": url_with(visit.request, pagina=number + 1)
                if page is not None and page.has_next
                else None,
            },
            status_code=422 if errors else 200,
        )
