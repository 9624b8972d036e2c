"""The lists people want in a spreadsheet, as CSV or XLSX: what the page shows, in its order,
with its filters, its columns and headings in the page language, labels instead of codes and
amounts in euros (numbers, not text, so a spreadsheet can add them up).

Each download sits next to its page (`/facturen` → `/facturen.csv` and `/facturen.xlsx`),
takes the same query parameters, asks the same domain functions for its rows and answers to
the same audience. A page shows 20 rows at a time; its download has every row that matches,
up to `MAX_ROWS`. How a table becomes a file is `registry.kit.spreadsheet`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.billing import reading as invoice_reading
from registry.billing import repository as invoice_repository
from registry.costs import reading as cost_reading
from registry.costs import repository as costs
from registry.kit.clock import today
from registry.kit.labels import label
from registry.kit.language import Language
from registry.kit.pagination import PageRequest
from registry.kit.spreadsheet import Kind, Row, Table, csv_bytes, xlsx_bytes
from registry.members import repository as members
from registry.members.figures import latest_inhabitants
from registry.members.figures import municipalities_and_figures as member_figures
from registry.members.membership import status_on
from registry.members.memberships import membership_dates
from registry.usage import records as usage_records
from registry.web.access import audience
from registry.web.catalogue import parse_catalogue_query
from registry.web.catalogue_view import catalogue_view
from registry.web.deps import CurrentVisit, DbSession
from registry.web.i18n import load_translations, request_language
from registry.web.invoices import LISTS
from registry.web.members import parse_member_query
from registry.web.pages import content_disposition
from registry.web.public import public_members

MAX_ROWS = 10_000
"""A download never holds more rows than this (every list of the registry is far shorter)."""

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Texts:
    """The page's own texts (the same message ids as its template) in the page language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._catalogue = load_translations(language)

    def __call__(self, message: str) -> str:
        return self._catalogue.gettext(message)


async def _file(request: Request[Any, Any, Any], table: Table, stem: str) -> Response[bytes]:
    """Written in a worker thread: a workbook of thousands of rows is CPU work."""
    extension = request.url.path.rsplit(".", 1)[-1]
    if extension not in FORMATS:  # the routes are declared per extension
        raise NotFoundException(f"no download format '{extension}'")
    if extension == "csv":
        # Dutch Excel reads a decimal comma; the English file has a decimal point.
        comma = request_language(request) == "nl"
        content = await asyncio.to_thread(csv_bytes, table, decimal_comma=comma)
    else:
        content = await asyncio.to_thread(xlsx_bytes, table)
    return Response(
        content,
        media_type=MEDIA_TYPES[extension],
        headers={
            "Content-Disposition": content_disposition(f"{stem}.{extension}"),
            "Content-Language": request_language(request),
        },
    )


def _table(
    texts: Texts,
    title: str,
    columns: Sequence[tuple[str, Kind]],
    rows: Sequence[Row],
    widths: tuple[int, ...] = (),
) -> Table:
    return Table(
        title=title,
        headings=tuple(texts(heading) for heading, _ in columns),
        kinds=tuple(kind for _, kind in columns),
        rows=rows[:MAX_ROWS],
        widths=widths,
    )


def _routes(path: str) -> list[str]:
    return [f"{path}.{extension}" for extension in FORMATS]


# -- The rows of each list ----------------------------------------------------------------------


async def catalogue_table(
    session: AsyncSession, request: Request[Any, Any, Any], published_only: bool, texts: Texts
) -> Table:
    query = parse_catalogue_query(request.query_params)
    view = await catalogue_view(
        session,
        query.filter(published_only=published_only),
        sort=query.sort,
        municipality=query.municipality or None,
        page_request=PageRequest(offset=0, limit=MAX_ROWS),
    )
    rows: list[Row] = []
    for application in view.page.items:
        lead = view.leads.get(application.lead_member_id or 0)
        users = view.users_of(application)
        description = (
            application.description_en
            if texts.language == "en" and application.description_en
            else application.description_nl
        )
        rows.append(
            (
                application.name,
                description,
                label(application.status, texts.language),
                application.licence,
                lead.name if lead is not None else texts("Geen trekker"),
                len(users.members),
                users.inhabitants,
            )
        )
    columns = [
        ("Naam", Kind.TEXT),
        ("Beschrijving", Kind.TEXT),
        ("Status", Kind.TEXT),
        ("Licentie", Kind.TEXT),
        ("Trekker", Kind.TEXT),
        ("Leden", Kind.INT),
        ("Inwoners", Kind.INT),
    ]
    return _table(texts, texts("Catalogus"), columns, rows, (30, 80, 14, 14, 24, 12, 12))


async def invoices_table(
    session: AsyncSession, request: Request[Any, Any, Any], texts: Texts
) -> Table:
    listed = request.query_params.get("status", "open")
    if listed not in LISTS:
        listed = "open"
    day = today()
    invoices = await invoice_repository.invoices(session, statuses=LISTS[listed])
    if request.query_params.get("vervallen") == "1":
        invoices = [i for i in invoices if invoice_reading.overdue(i, day)]
    names = await members.members_by_ids(session, sorted({i.member_id for i in invoices}))
    overdue = texts("vervallen")
    rows: list[Row] = [
        (
            invoice.number,
            label(invoice.kind, texts.language),
            names[invoice.member_id].name,
            invoice.due_date,
            invoice.due_cents,
            invoice.due_cents - invoice.settled_cents,
            label(invoice.status, texts.language)
            + (f" ({overdue})" if invoice_reading.overdue(invoice, day) else ""),
        )
        for invoice in invoices
    ]
    columns = [
        ("Nummer", Kind.TEXT),
        ("Soort", Kind.TEXT),
        ("Lid", Kind.TEXT),
        ("Vervaldatum", Kind.DATE),
        ("Te betalen", Kind.EURO),
        ("Openstaand", Kind.EURO),
        ("Status", Kind.TEXT),
    ]
    return _table(texts, texts("Facturen"), columns, rows, (14, 14, 30, 12, 14, 14, 22))


def usage_window(day: date) -> tuple[date, date]:
    """The months the usage page lists: from the same month a year ago up to `day`."""
    return date(day.year - 1, day.month, 1), day


async def usage_table(
    session: AsyncSession, actor: Any, member_id: int, member_name: str, texts: Texts
) -> Table:
    first, last = usage_window(today())
    records = await usage_records.usage_of(session, actor, member_id, first, last)
    rows: list[Row] = [
        (
            application.name,
            record.period.strftime("%Y-%m"),
            label(record.metric, texts.language),
            record.quantity,
            record.recorded_by,
        )
        for record, application in records
    ]
    columns = [
        ("Applicatie", Kind.TEXT),
        ("Maand", Kind.TEXT),
        ("Soort", Kind.TEXT),
        ("Aantal", Kind.DECIMAL),
        ("Door", Kind.TEXT),
    ]
    return _table(texts, f"{texts('Gebruik')} {member_name}", columns, rows, (30, 10, 24, 12, 24))


async def pool_shares_table(session: AsyncSession, code: str, texts: Texts) -> Table:
    """The pool page's stored runs: what each member bears (or is credited) in each run."""
    pool = await costs.pool_by_code(session, code)
    if pool is None:
        raise NotFoundException(f"no pool '{code}'")
    view = await cost_reading.overview(session, pool)
    totals = [(run, view.run_totals(run)) for run in view.runs]
    names = {
        m.code: m.name
        for m in (
            await members.members_by_codes(session, sorted({c for _, t in totals for c in t}))
        ).values()
    }
    reversed_ = texts("teruggeboekt")
    rows: list[Row] = [
        (
            run.sequence,
            label(run.kind, texts.language)
            + (f" ({reversed_})" if run.id in view.reversed_runs else ""),
            run.booked_on,
            names.get(member_code, member_code),
            amount,
        )
        for run, per_member in totals
        for member_code, amount in per_member.items()
    ]
    columns = [
        ("Run", Kind.INT),
        ("Soort", Kind.TEXT),
        ("Datum", Kind.DATE),
        ("Lid", Kind.TEXT),
        ("Bedrag", Kind.EURO),
    ]
    return _table(texts, pool.name, columns, rows, (8, 22, 12, 30, 14))


async def members_table(
    session: AsyncSession, request: Request[Any, Any, Any], texts: Texts
) -> Table:
    """The member list with the page's search, every page of it."""
    query = parse_member_query(request.query_params)
    page = await members.list_members(
        session, PageRequest(offset=0, limit=MAX_ROWS), search=query.search or None, type_=None
    )
    ids = [m.id for m in page.items]
    municipalities, figures = await member_figures(session, ids)
    memberships = await members.memberships_of_members(session, ids)
    on = today()
    rows: list[Row] = []
    for member in page.items:
        current = memberships[member.id][-1] if memberships[member.id] else None
        inhabitants = latest_inhabitants(municipalities[member.id], figures)[0]
        status = status_on(membership_dates(current), on) if current else None
        rows.append(
            (
                member.name,
                label(member.type, texts.language),
                ", ".join(f"{m.name} ({m.cbs_code})" for m in municipalities[member.id])
                or texts("Geen"),
                label(status, texts.language) if status else texts("Geen lidmaatschap"),
                current.start_date if current and current.start_date else None,
                inhabitants.total if inhabitants else None,
                inhabitants.on if inhabitants else None,
            )
        )
    columns = [
        ("Naam", Kind.TEXT),
        ("Soort", Kind.TEXT),
        ("Gemeenten", Kind.TEXT),
        ("Lidmaatschap vandaag", Kind.TEXT),
        ("Lid sinds", Kind.DATE),
        ("Inwoners", Kind.INT),
        ("Peildatum", Kind.DATE),
    ]
    return _table(texts, texts("Leden"), columns, rows, (34, 16, 40, 20, 12, 12, 12))


async def public_members_table(session: AsyncSession, texts: Texts) -> Table:
    """The public member list: who is a member today and what it uses in production."""
    rows: list[Row] = [
        (
            row.member.name,
            label(row.member.type, texts.language),
            ", ".join(m.name for m in row.municipalities) or texts("Geen"),
            row.inhabitants.total if row.inhabitants else None,
            row.inhabitants.on if row.inhabitants else None,
            ", ".join(a.name for a in row.applications)
            or texts("Nog geen applicaties in productie"),
        )
        for row in await public_members(session)
    ]
    columns = [
        ("Naam", Kind.TEXT),
        ("Soort", Kind.TEXT),
        ("Gemeenten", Kind.TEXT),
        ("Inwoners", Kind.INT),
        ("Peildatum", Kind.DATE),
        ("Gebruikt in productie", Kind.TEXT),
    ]
    return _table(texts, texts("Leden"), columns, rows, (34, 16, 40, 12, 12, 60))


# -- The routes ---------------------------------------------------------------------------------


def _texts(request: Request[Any, Any, Any]) -> Texts:
    return Texts(request_language(request))


class DownloadsController(Controller):
    path = "/"
    include_in_schema = False

    @get(_routes("/catalogus"), name="catalogue-download", opt=audience())
    async def catalogue(self, visit: CurrentVisit) -> Response[bytes]:
        # Unpublished applications are for the cooperative's own eyes, as on the page.
        published_only = not allows(visit.actor, Permission.CATALOGUE_READ_UNPUBLISHED)
        table = await catalogue_table(
            visit.db, visit.request, published_only, _texts(visit.request)
        )
        return await _file(visit.request, table, "catalogus")

    @get(_routes("/facturen"), name="invoices-download", opt=audience(Permission.FINANCE_READ))
    async def invoices(self, visit: CurrentVisit) -> Response[bytes]:
        table = await invoices_table(visit.db, visit.request, _texts(visit.request))
        return await _file(visit.request, table, "facturen")

    @get(
        _routes("/leden/{code:str}/gebruik"),
        name="usage-download",
        opt=audience(Permission.MEMBER_READ_PRIVATE, member_param="code"),
    )
    async def usage(self, visit: CurrentVisit, code: FromPath[str]) -> Response[bytes]:
        member = await members.member_by_code(visit.db, code)
        if member is None:
            raise NotFoundException(f"no member '{code}'")
        table = await usage_table(
            visit.db, visit.actor, member.id, member.name, _texts(visit.request)
        )
        return await _file(visit.request, table, f"gebruik-{member.code}")

    @get(
        _routes("/kostenpotten/{code:str}/aandelen"),
        name="pool-shares-download",
        opt=audience(Permission.FINANCE_READ),
    )
    async def pool_shares(self, visit: CurrentVisit, code: FromPath[str]) -> Response[bytes]:
        table = await pool_shares_table(visit.db, code, _texts(visit.request))
        return await _file(visit.request, table, f"kostenaandelen-{code}")

    @get(_routes("/leden-overzicht"), name="public-members-download", opt=audience())
    async def public_members(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[bytes]:
        table = await public_members_table(db_session, _texts(request))
        return await _file(request, table, "leden-overzicht")

    @get(_routes("/leden"), name="members-download", opt=audience(Permission.MEMBER_READ_PRIVATE))
    async def members(self, visit: CurrentVisit) -> Response[bytes]:
        return await _file(
            visit.request,
            await members_table(visit.db, visit.request, _texts(visit.request)),
            "leden",
        )
