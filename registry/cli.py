"""The `registry` command: serve, migrate, demo, population, fees, mergers, allocation, audit."""

from __future__ import annotations

import asyncio
import enum
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from registry.auth.roles import Role, system_actor
from registry.kit.errors import DomainError, ValidationFailed
from registry.kit.language import Language

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.billing.gateway import PaymentGateway
    from registry.billing.invoicing import DraftPreview
    from registry.costs.models import AllocationRun
    from registry.fees.service import FeeRunPreview
    from registry.members.figures import ImportResult
    from registry.members.population import PopulationRow
    from registry.reports.export import Export

# The command starts fast: each command imports the domain it works on (SQLAlchemy, the
# GraphQL schema, reportlab, Stripe, ...) when it runs, not when `registry --help` is asked.
# The options that name a domain enum take their values from these mirrors, which a test
# keeps equal to the domain's (registry.members.models, audit.export, billing.models).


class FigureStatusChoice(enum.StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class ExportFormatChoice(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


class CreditChoiceOption(enum.StrEnum):
    CARRY = "carry"
    REFUND = "refund"


class MessageStatusChoice(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class JournalFormatChoice(enum.StrEnum):
    CSV = "csv"
    XAF = "xaf"


T = TypeVar("T")


app = typer.Typer(help="Coöperatieregister: the registry of the cooperative.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
population_app = typer.Typer(help="Population figures (CBS).", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema file.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify the hash chain, export.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(population_app, name="population")
app.add_typer(schema_app, name="schema")
roles_app = typer.Typer(help="Roles of people (e.g. the first admin).", no_args_is_help=True)
app.add_typer(roles_app, name="roles")
app.add_typer(audit_app, name="audit")
fees_app = typer.Typer(help="Contributions: the yearly fee per inhabitant.", no_args_is_help=True)
app.add_typer(fees_app, name="fees")
members_app = typer.Typer(help="Members and municipal mergers.", no_args_is_help=True)
app.add_typer(members_app, name="members")
backup_app = typer.Typer(
    help="Backups of the database and their restore into an empty one.", no_args_is_help=True
)
app.add_typer(backup_app, name="backup")
config_app = typer.Typer(help="The settings (REGISTRY_... variables, .env).", no_args_is_help=True)
app.add_typer(config_app, name="config")
governance_app = typer.Typer(help="Bodies, meetings and votes.", no_args_is_help=True)
app.add_typer(governance_app, name="governance")

out = Console()
err = Console(stderr=True)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "graphql" / "schema.graphql"
"""graphql/schema.graphql of the project (registry.settings.PROJECT_ROOT, without its import)."""


def _language() -> Language:
    """The operator's language from the locale (LC_ALL, LANG): Dutch for nl_*, else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


_REFUSED: Mapping[Language, tuple[str, str]] = {
    "nl": ("Geweigerd: {n} fout(en), er is niets gewijzigd.", "Geweigerd ({code}): {message}"),
    "en": ("Refused: {n} error(s), nothing was changed.", "Refused ({code}): {message}"),
}


def _fail(error: DomainError) -> typer.Exit:
    language = _language()
    several, one = _REFUSED[language]
    if isinstance(error, ValidationFailed):
        err.print(f"[red]{several.format(n=len(error.errors))}[/red]")
        for e in error.errors:
            err.print(f"  {escape(e.field)}: {escape(e.text(language))} [dim]({e.code})[/dim]")
    else:
        message = escape(error.text(language))
        err.print(f"[red]{one.format(code=error.code, message=message)}[/red]")
    return typer.Exit(code=1)


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction: all of it is stored, or none of it."""

    from registry.db import create_engine, create_session_factory, transaction
    from registry.settings import get_settings

    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with transaction(create_session_factory(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        raise _fail(error) from None


_SETTINGS_OK: Mapping[Language, str] = {
    "nl": "De instellingen zijn in orde.",
    "en": "The settings are in order.",
}


def _refuse_invalid_settings() -> None:
    """Print what is wrong with the settings and exit 1, or return when nothing is."""
    from pydantic import ValidationError

    from registry import configuration
    from registry.settings import Settings

    language = configuration.operator_language()
    try:
        found = configuration.problems(Settings())
    except ValidationError as error:
        found = configuration.unreadable(error)
    if found:
        err.print(escape(configuration.report(found, language)), highlight=False, soft_wrap=True)
        raise typer.Exit(code=1)


@config_app.command("check")
def config_check() -> None:
    """Check every setting and say per setting what is wrong (Dutch with LANG=nl_*); exit 1
    when anything is. The service refuses to start with the same findings."""
    from registry.configuration import operator_language

    _refuse_invalid_settings()
    out.print(_SETTINGS_OK[operator_language()])


def _backup_failed(error: DomainError) -> typer.Exit:
    err.print(f"[red]{escape(error.text(_language()))}[/red]", soft_wrap=True)
    return typer.Exit(code=1)


@backup_app.command("create")
def backup_create(
    to: Annotated[
        Path | None,
        typer.Option(help="Folder to write the backup to (default: REGISTRY_BACKUP_DIR)."),
    ] = None,
) -> None:
    """Back up the database (PostgreSQL: pg_dump custom format; SQLite: the online backup
    API) with a manifest holding the audit chain head, which the file name carries too."""
    from registry.backup import create_backup
    from registry.settings import get_settings

    settings = get_settings()
    try:
        backup, manifest = asyncio.run(
            create_backup(
                settings.database_url, to or settings.backup_dir, pg_bindir=settings.pg_bindir
            )
        )
    except DomainError as error:
        raise _backup_failed(error) from None
    out.print(
        f"Backup {backup} (audit chain head {manifest.audit_head_seq} "
        f"{manifest.audit_head_hash}, SHA-256 {manifest.sha256})",
        highlight=False,
        soft_wrap=True,
    )


@backup_app.command("restore")
def backup_restore(
    file: Annotated[Path, typer.Argument(help="The backup file (its .json manifest next to it).")],
    database: Annotated[str, typer.Option(help="URL of the EMPTY database to restore into.")],
) -> None:
    """Restore a backup into an empty database; refuses a database that has any table."""
    from registry.backup import restore_backup
    from registry.settings import get_settings

    try:
        manifest = asyncio.run(restore_backup(file, database, pg_bindir=get_settings().pg_bindir))
    except DomainError as error:
        raise _backup_failed(error) from None
    out.print(
        f"Restored {file.name}: audit chain head {manifest.audit_head_seq} "
        f"{manifest.audit_head_hash}. Run `registry audit verify` against it.",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def migrate(revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date (Alembic)."""
    from registry import migrate as migrations
    from registry.settings import get_settings

    asyncio.run(migrations.upgrade(get_settings().database_url, revision))
    out.print(f"Database at revision {revision}.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    demo: Annotated[
        bool, typer.Option(help="Migrate and load the demo cooperative once, then serve.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Service processes (PostgreSQL only for more than one).")
    ] = 1,
) -> None:
    """Serve the GraphQL API and the web pages.

    With --demo (what `make run` uses): first bring the database up to date and load the demo
    cooperative unless members already exist, all in this one process.
    """
    import uvicorn

    from registry.settings import get_settings

    _refuse_invalid_settings()
    if demo:
        migrate()
        demo_load()
    settings = get_settings()
    if workers > 1 and not settings.database_url.startswith("postgresql"):
        err.print(
            "registry serve: more than one process needs PostgreSQL; on SQLite the jobs "
            "and the write lock live in one process."
        )
        raise typer.Exit(2)
    if settings.stripe_api_key is None:
        out.print(
            "Online payment is switched off (no REGISTRY_STRIPE_API_KEY): members pay "
            "invoices by bank transfer, which the directie records."
        )
    else:
        out.print(f"Online payment through {settings.stripe_api_base or 'Stripe'}.")
    if settings.smtp_host is None:
        out.print(
            "No mail server (no REGISTRY_SMTP_HOST): e-mail is not sent; the directie reads "
            f"the outbox at {settings.public_url.rstrip('/')}/berichten."
        )
    else:
        out.print(f"E-mail is sent through {settings.smtp_host}:{settings.smtp_port}.")
    uvicorn.run(
        "registry.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
        workers=workers,
        # The service logs one line per request itself (registry.requests), with its id and
        # without the query string; uvicorn's own lines go through the same logging in JSON.
        access_log=False,
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
    )


@app.command()
def worker(
    until_empty: Annotated[
        bool, typer.Option(help="Stop once no job is left to run now, instead of waiting.")
    ] = False,
) -> None:
    """Run the background jobs (report exports, payment retries) on PostgreSQL, until stopped.

    Run one or more beside the service processes; each job runs once. On SQLite the service
    runs its jobs itself.
    """
    from registry.jobs.worker import NeedsPostgres, run_worker
    from registry.settings import get_settings

    try:
        asyncio.run(run_worker(get_settings(), wait=not until_empty))
    except NeedsPostgres as error:
        err.print(f"registry worker: {error}")
        raise typer.Exit(2) from None


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo cooperative once (skipped when members already exist)."""
    from registry.demo import load_demo

    if _in_transaction(load_demo):
        out.print("Demo data loaded.")
    else:
        out.print("Members already exist: demo data not loaded again.")


@population_app.command("import")
def population_import(
    path: Annotated[
        Path | None,
        typer.Argument(exists=True, dir_okay=False, help="CSV: cbs_code,name,year,population"),
    ] = None,
    shipped: Annotated[
        bool,
        typer.Option(
            "--shipped",
            help="Import the CBS figures that ship with the registry (1 January 2020 to 2025) "
            "instead of a file, each year with its own source.",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(help="Source recorded with every figure (default: the CBS table 70072ned)."),
    ] = None,
    status: Annotated[
        FigureStatusChoice, typer.Option(help="provisional or final.")
    ] = FigureStatusChoice.FINAL,
) -> None:
    """Import population figures from a CBS export; a bad line refuses the whole file."""
    from registry.members.figures import CBS_SOURCE, import_population
    from registry.members.models import FigureStatus
    from registry.members.population import parse_cbs_csv, parse_cbs_file, source_label

    if shipped == (path is not None):
        err.print("[red]Give either a FILE or --shipped.[/red]")
        raise typer.Exit(code=2)
    if shipped:
        from registry.members import shipped as figures

        for year in figures.SHIPPED_YEARS:
            yearly = parse_cbs_csv(figures.population_csv(year))

            async def work(
                session: AsyncSession, rows: list[PopulationRow] = yearly, year: int = year
            ) -> ImportResult:
                actor = system_actor("cli:population-import")
                return await import_population(session, actor, rows, source=figures.SOURCES[year])

            done = _in_transaction(work)
            out.print(
                f"{year}: {len(yearly)} figures, {done.figures_created} new, "
                f"{done.figures_unchanged} unchanged; {done.municipalities_created} "
                "municipalities added."
            )
        return
    assert path is not None

    figure_status = FigureStatus(status)
    try:
        source = source_label(CBS_SOURCE if source is None else source)
        with path.open("rb") as file:
            rows = parse_cbs_file(file)
    except ValidationFailed as error:
        raise _fail(error) from None
    except OSError as error:
        reason = escape(error.strerror or str(error))
        err.print(f"[red]Refused: cannot read {escape(str(path))}: {reason}.[/red]")
        raise typer.Exit(code=1) from None
    actor = system_actor("cli:population-import")
    result = _in_transaction(
        lambda session: import_population(session, actor, rows, source=source, status=figure_status)
    )
    out.print(
        f"{len(rows)} figures read: {result.figures_created} new, "
        f"{result.figures_corrected} corrected, {result.figures_unchanged} unchanged; "
        f"{result.municipalities_created} municipalities added, "
        f"{result.municipalities_renamed} renamed."
    )


@schema_app.command("export")
def schema_export(
    check: Annotated[bool, typer.Option(help="Only check that the file is up to date.")] = False,
) -> None:
    """Write graphql/schema.graphql from the code (or check that it is current)."""
    from registry.graphql.schema import schema_sdl

    sdl = schema_sdl()
    if check:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text(encoding="utf-8") != sdl:
            err.print(f"{SCHEMA_FILE} is out of date: run `make schema`.")
            raise typer.Exit(code=1)
        out.print("Schema file is up to date.")
        return
    SCHEMA_FILE.write_text(sdl, encoding="utf-8")
    out.print(f"Wrote {SCHEMA_FILE}.")


def _read(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run read-only `work` in a session of its own."""

    from registry.db import create_engine, create_session_factory
    from registry.settings import get_settings

    async def run() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with create_session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        raise _fail(error) from None


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; names the first broken event (exit code 1)."""
    from registry.audit.service import verify_log

    verdict = _read(verify_log)
    broken = verdict.broken
    if broken is None:
        typer.echo(f"audit log intact: {verdict.events} events, last hash {verdict.last_hash}")
        return
    where = f"seq {broken.seq}"
    if broken.event is not None:
        event = broken.event
        where += f" (event id {event.id}, {event.entity_type} {event.entity_id}, {event.operation})"
    typer.echo(f"audit log BROKEN at {where}: {broken.reason.value}: {broken.detail}", err=True)
    typer.echo(f"{verdict.events} events before it are intact.", err=True)
    raise typer.Exit(code=1)


_DATE = ["%Y-%m-%d"]


@audit_app.command("export")
def audit_export(
    export_format: Annotated[
        ExportFormatChoice, typer.Option("--format", help="jsonl (one event per line) or csv.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", dir_okay=False, help="File to write; standard output if not given."
        ),
    ] = None,
    entity_type: Annotated[
        str | None, typer.Option(help="Only events on this entity type.")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=_DATE, help="From this day on (UTC), YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=_DATE, help="Up to and including this day (UTC).")
    ] = None,
) -> None:
    """Export audit events in seq order; the same events always give the same bytes."""
    from registry.audit.export import ExportFormat, write_events
    from registry.audit.repository import AuditFilter
    from registry.audit.service import stream_events

    events_format = ExportFormat(export_format)
    selection = AuditFilter(
        entity_type=entity_type,
        since=datetime.combine(since.date(), time.min, UTC) if since else None,
        until=datetime.combine(until.date(), time.max, UTC) if until else None,
    )

    def export(out: TextIO) -> int:
        return _read(
            lambda session: write_events(stream_events(session, selection), out, events_format)
        )

    if output is None:
        export(sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        count = export(file)
    typer.echo(f"{count} events written to {output}.")


@roles_app.command("grant")
def roles_grant(
    issuer: Annotated[str, typer.Option(help="Issuer URL of the person's identity provider.")],
    subject: Annotated[str, typer.Option(help="The person's id at that provider (sub).")],
    role: Annotated[Role, typer.Option(help="The role to give.")],
    member: Annotated[str | None, typer.Option(help="Member code, for member roles.")] = None,
    name: Annotated[str, typer.Option(help="Name shown until the person logs in.")] = "",
) -> None:
    """Give a person a role, e.g. the first admin; recorded in the audit log as this command."""
    from registry.auth.service import RoleInput, assign_role

    data = RoleInput(issuer, subject, role.value, member, name)
    _in_transaction(lambda session: assign_role(session, system_actor("cli:roles-grant"), data))
    out.print(f"{subject} at {issuer} now has the role {role.value}.")


def _euro(cents: int | None) -> str:
    from registry.kit.money import to_euro

    return "" if cents is None else f"{to_euro(cents):,}"


def _print_preview(preview: FeeRunPreview) -> None:
    from rich.table import Table

    terms = preview.terms
    table = Table(
        title=f"Contributions {terms.year}: EUR {terms.rate} per inhabitant "
        f"({terms.decision_reference}, {terms.pro_rata.value}, {terms.population_policy.value})"
    )
    for column in ("member", "inhabitants", "figures of", "basis", "days", "amount (EUR)"):
        table.add_column(column, justify="left" if column == "member" else "right")
    for line in preview.lines:
        table.add_row(
            line.member_code,
            f"{line.population.inhabitants.total:,}",
            line.population.reference_date.isoformat(),
            line.population.basis.value,
            f"{line.days_billable}/{line.days_in_year}",
            _euro(line.amount),
        )
    table.add_section()
    table.add_row("total", "", "", "", "", _euro(preview.total))
    out.print(table)
    out.print(f"inputs SHA-256 {preview.inputs_sha256}")
    changed = [d for d in preview.differences if d.amount]
    if preview.previous is not None and changed:
        out.print(f"Differences against run {preview.previous.year}/{preview.previous.sequence}:")
        for d in changed:
            out.print(
                f"  {d.member_code}: {_euro(d.previous)} → {_euro(d.current)} ({_euro(d.amount)})"
            )


@fees_app.command("run")
def fees_run(
    year: Annotated[int, typer.Argument(help="The contribution year.")],
    preview: Annotated[bool, typer.Option(help="Show the run without storing it.")] = False,
) -> None:
    """Compute every member's contribution for YEAR and store the run (unless unchanged)."""
    from registry.fees.service import preview_fee_run, run_fees

    actor = system_actor("cli:fees-run")

    async def work(session: AsyncSession) -> FeeRunPreview:
        if preview:
            return await preview_fee_run(session, actor, year)
        return (await run_fees(session, actor, year)).preview

    computed = _in_transaction(work)
    _print_preview(computed)
    if preview:
        out.print("Preview only: nothing was stored.")
    elif computed.unchanged:
        out.print("Unchanged inputs: the latest run stands, nothing was stored.")
    else:
        out.print(f"Stored a new fee run for {year}.")


@governance_app.command("meetings")
def governance_meetings(
    body: Annotated[
        str | None, typer.Option(help="alv, rvc or directie; all when left out.")
    ] = None,
) -> None:
    """The meetings, newest first, with every proposal's tally and outcome."""
    from registry.governance import service as governance
    from registry.members.models import DecisionBody

    actor = system_actor("cli:governance-meetings")
    chosen = DecisionBody(body) if body else None

    async def work(session: AsyncSession) -> list[governance.MeetingView]:
        meetings = await governance.list_meetings(session, actor, chosen)
        return [await governance.meeting_view(session, actor, m.id) for m in meetings]

    for view in _in_transaction(work):
        meeting = view.meeting
        quorum = "quorum met" if view.quorate else "no quorum"
        out.print(
            f"{meeting.held_on} {meeting.body.value} {escape(meeting.title)} "
            f"({meeting.form.value}; {len(view.entitled)} of {view.seats} entitled; {quorum})"
        )
        for entry in view.items:
            item = entry.item
            if item.kind is None:
                outcome = "not a proposal"
            elif item.adopted is None:
                t = entry.running
                outcome = f"open: {t.votes_for} for, {t.against} against, {t.abstain} abstain"
            else:
                decision = view.decisions.get(item.decision_id or 0)
                verdict = f"adopted as {decision.reference}" if decision else "rejected"
                outcome = (
                    f"{verdict}: {item.votes_for} for, {item.votes_against} against,"
                    f" {item.abstentions} abstain"
                )
            out.print(f"  {item.position}. {escape(item.title)}: {outcome}")


@members_app.command("merge")
def members_merge(
    effective_date: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="1 January.")],
    successor_code: Annotated[str, typer.Option(help="CBS code of the successor (GM....).")],
    predecessor: Annotated[list[str], typer.Option(help="CBS code of a merged municipality.")],
    successor_name: Annotated[str, typer.Option(help="Name, if the successor is new.")] = "",
    successor_member: Annotated[
        str | None, typer.Option(help="Member code that continues merged member municipalities.")
    ] = None,
) -> None:
    """Record a municipal merger (herindeling) and move the members' place to the successor."""
    from registry import mergers
    from registry.members.merger import MergerInput

    data = MergerInput(
        effective_date.date(), successor_code, successor_name, tuple(predecessor), successor_member
    )
    outcome = _in_transaction(
        lambda session: mergers.merge(session, system_actor("cli:members-merge"), data)
    )
    out.print(
        f"{', '.join(predecessor)} continue as "
        f"{outcome.successor.cbs_code} {outcome.successor.name}."
    )
    for member in outcome.absorbed:
        successor = outcome.successor_member.code if outcome.successor_member else "-"
        out.print(f"  membership of {member.code} ended; continued by {successor}")
    for member in outcome.regrouped:
        out.print(f"  {member.code} now stands for {outcome.successor.cbs_code}")


@app.command()
def allocate(
    pools: Annotated[list[str] | None, typer.Argument(help="Pool codes.")] = None,
    all_pools: Annotated[bool, typer.Option("--all", help="Every cost pool.")] = False,
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Allocate entries up to this date (today)."),
    ] = None,
) -> None:
    """Settle late joiners and allocate pending cost entries; unchanged pools store nothing."""
    from registry.costs import repository as costs_repository
    from registry.costs.errors import CostsRefusal
    from registry.costs.runs import run_pools
    from registry.kit.clock import today

    actor = system_actor("cli:allocate")
    day = until.date() if until else today()

    async def work(session: AsyncSession) -> dict[str, list[AllocationRun]]:
        codes = (
            [p.code for p in await costs_repository.pools(session)] if all_pools else pools or []
        )
        if not codes:
            raise ValidationFailed.single("pools", CostsRefusal.NO_POOLS_NAMED)
        with err.status(f"{len(codes)} pools"):
            return await run_pools(session, actor, codes, day, today())

    for code, runs in _in_transaction(work).items():
        if not runs:
            out.print(f"{code}: nothing to allocate or settle")
        for run in runs:
            out.print(
                f"{code}: {run.kind.value} run {run.sequence}, total EUR {_euro(run.total_cents)}, "
                f"inputs SHA-256 {run.inputs_sha256[:16]}…"
            )


invoices_app = typer.Typer(help="Invoices: bill what the registry computed.", no_args_is_help=True)
app.add_typer(invoices_app, name="invoices")
payments_app = typer.Typer(help="Payments through the payment gateway.", no_args_is_help=True)
app.add_typer(payments_app, name="payments")


def _print_drafts(previews: list[DraftPreview]) -> None:
    from rich.table import Table

    table = Table(title="Invoice run")
    for column in ("member", "kind", "lines", "net", "VAT", "gross", "credit deducted"):
        table.add_column(column, justify="left" if column in ("member", "kind") else "right")
    for p in previews:
        table.add_row(
            p.member.code,
            p.kind.value,
            str(len(p.lines)),
            _euro(p.net_cents),
            _euro(p.vat_cents),
            _euro(p.gross_cents),
            _euro(p.credit_cents),
        )
    out.print(table)


@invoices_app.command("run")
def invoices_run(
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Bill items up to this day.")
    ] = None,
    member: Annotated[list[str] | None, typer.Option(help="Only this member (repeatable).")] = None,
    preview: Annotated[bool, typer.Option(help="Show the run without storing it.")] = False,
    issue_drafts: Annotated[
        bool, typer.Option("--issue", help="Issue the drafts at once (numbers them).")
    ] = False,
    credit_choice: Annotated[
        CreditChoiceOption | None,
        typer.Option(help="For a net credit: carry it to the next invoice, or refund it."),
    ] = None,
) -> None:
    """Draft an invoice per member for everything not billed yet; optionally issue them."""
    from registry.billing.document import DocumentKind
    from registry.billing.invoicing import issue, preview_invoice_run, run_invoices
    from registry.billing.models import CreditChoice
    from registry.billing.payments import request_payment
    from registry.billing.stripe_gateway import payment_gateway
    from registry.kit.clock import today
    from registry.settings import get_settings

    choice = CreditChoice(credit_choice) if credit_choice is not None else None
    actor = system_actor("cli:invoices-run")
    settings = get_settings()
    day = until.date() if until else today()
    if issue_drafts and settings.four_eyes and not preview:
        out.print(
            "Four-eyes approval is on (REGISTRY_FOUR_EYES): a director prepares the issue and a"
            " second approves it, on /facturen or through GraphQL; a command is no person."
            " Run without --issue to store the drafts. Nothing was stored.",
            soft_wrap=True,
        )
        raise typer.Exit(1)

    async def work(session: AsyncSession) -> tuple[list[DraftPreview], list[str]]:
        previews = await preview_invoice_run(session, actor, day, member)
        if preview:
            return previews, []
        notes = []
        gateway = payment_gateway(settings)
        for draft in await run_invoices(session, actor, day, member):
            if not issue_drafts:
                notes.append(f"{draft.member_code}: draft {draft.id} stored")
                continue
            if draft.kind is DocumentKind.CREDIT_NOTE and choice is None:
                notes.append(
                    f"{draft.member_code}: net credit left as draft {draft.id} "
                    "(give --credit-choice carry or refund)"
                )
                continue
            issued = await issue(
                session, actor, draft.id, today(), settings, choice, single_director=True
            )
            paid_online = await request_payment(session, gateway, issued)
            notes.append(
                f"{issued.member_code}: {issued.number} issued"
                + ("; payment requested" if paid_online else "")
                + ("; payment request pending" if issued.payment_pending else "")
            )
        return previews, notes

    previews, notes = _in_transaction(work)
    _print_drafts(previews)
    for note in notes:
        out.print(note)
    if preview:
        out.print("Preview only: nothing was stored.")
    elif not previews:
        out.print("Nothing to bill.")


def _gateway_or_exit() -> PaymentGateway:
    from registry.billing.stripe_gateway import payment_gateway
    from registry.settings import get_settings

    gateway = payment_gateway(get_settings())
    if gateway is None:
        err.print("[red]Payments are switched off (no REGISTRY_STRIPE_API_KEY).[/red]")
        raise typer.Exit(code=1)
    return gateway


@payments_app.command("retry")
def payments_retry() -> None:
    """Create the PaymentIntents of invoices issued while the gateway was unreachable."""
    from registry.billing.payments import retry_payment_requests

    gateway = _gateway_or_exit()
    done = _in_transaction(lambda session: retry_payment_requests(session, gateway))
    out.print(f"{len(done)} payment request(s) created.")


@payments_app.command("reconcile")
def payments_reconcile(
    apply: Annotated[
        bool, typer.Option(help="Repair what can be repaired (missing intents and payments).")
    ] = False,
) -> None:
    """List every difference between the registry's invoices and the payment gateway."""
    from rich.table import Table

    from registry.billing.reconciliation import reconcile

    gateway = _gateway_or_exit()
    actor = system_actor("cli:payments-reconcile")
    differences = _in_transaction(lambda session: reconcile(session, actor, gateway, apply=apply))
    table = Table(title="Differences between the registry and the payment gateway")
    for column in ("difference", "invoice", "payment intent", "detail", "repairable"):
        table.add_column(column)
    for d in differences:
        table.add_row(
            d.code,
            d.invoice_number or "-",
            d.intent_id or "-",
            d.detail,
            "yes" if d.fixable else "no",
        )
    out.print(table)
    repaired = sum(d.fixable for d in differences)
    if not differences:
        out.print("No differences.")
    elif apply:
        out.print(f"Repaired {repaired} difference(s); the others need a person.")
    else:
        out.print("Nothing was changed (use --apply to repair what can be repaired).")
        raise typer.Exit(code=2)


report_app = typer.Typer(help="Reports for auditors.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("contributions")
def report_contributions(
    year: Annotated[int, typer.Option(help="The year the report is about.")],
    member: Annotated[str | None, typer.Option(help="Only this member.")] = None,
    as_of: Annotated[
        int | None,
        typer.Option(
            help="Audit event the report reflects (default: the latest); reproduces "
            "an earlier report byte for byte."
        ),
    ] = None,
    report_format: Annotated[
        list[str] | None, typer.Option("--format", help="csv, xlsx, pdf, json (repeatable).")
    ] = None,
    decimal_comma: Annotated[
        bool, typer.Option(help="CSV amounts with a decimal comma (1234,56).")
    ] = False,
    language: Annotated[
        str,
        typer.Option(help="Language of the labels and findings in CSV, XLSX and PDF: nl or en."),
    ] = "nl",
    output: Annotated[Path, typer.Option(help="Folder to write the files to.")] = Path("."),
) -> None:
    """Every euro per member for YEAR: contribution, charges, cost shares, settlements,
    usage fees, invoiced, paid and outstanding, with totals that must reconcile."""
    from rich.progress import Progress

    from registry.reports.export import FORMATS, export

    actor = system_actor("cli:report")

    async def work(session: AsyncSession) -> Export:
        with Progress(console=err) as bar:
            task = bar.add_task("members", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return await export(
                session,
                actor,
                output,
                year=year,
                member_code=member,
                as_of=as_of,
                formats=report_format or FORMATS,
                decimal_comma=decimal_comma,
                language="en" if language == "en" else "nl",
                progress=advance,
            )

    done = _read(work)
    header = done.prepared.header
    out.print(
        f"{header.title}: {header.members} members, audit event {header.scope.as_of_seq}, "
        f"inputs SHA-256 {header.inputs_sha256}"
    )
    for path in [*done.files, done.manifest]:
        out.print(f"  {path}")
    for finding in done.prepared.findings:
        out.print(
            f"[yellow]finding[/yellow] {finding.code} {finding.member_code or ''}: {finding.detail}"
        )


@report_app.command("quarterly")
def report_quarterly(
    year: Annotated[int, typer.Argument(help="The year of the quarter.")],
    quarter: Annotated[int, typer.Argument(help="The quarter: 1, 2, 3 or 4.")],
    report_format: Annotated[str, typer.Option("--format", help="pdf or xlsx.")] = "pdf",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write.")
    ] = None,
    as_of: Annotated[
        int | None,
        typer.Option(
            help="Audit event the report reflects (default: the last one of an ended quarter, "
            "else the latest); the same event gives the same file."
        ),
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the report: nl or en.")] = "nl",
) -> None:
    """The quarterly report to the RvC: budget against actuals, liquidity, the portfolio,
    contracts and commitments. The export is recorded in the audit log."""
    from registry.budget.reporting import QuarterlyFile, export_quarterly
    from registry.kit import clock

    actor = system_actor("cli:report")

    async def work(session: AsyncSession) -> QuarterlyFile:
        return await export_quarterly(
            session,
            actor,
            year,
            quarter,
            as_of,
            report_format,
            "en" if language == "en" else "nl",
            clock.today(),
        )

    done = _in_transaction(work)
    target = output or Path(done.filename)
    target.write_bytes(done.content)
    out.print(f"{target}: audit event {done.report.as_of_seq}")


publiccode_app = typer.Typer(help="publiccode.yml files: validate, import.", no_args_is_help=True)
app.add_typer(publiccode_app, name="publiccode")


@publiccode_app.command("validate")
def publiccode_validate(
    paths: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Files.")],
) -> None:
    """Validate publiccode.yml files (0.2 to 0.4.x); exit 0 when all are valid, 1 otherwise."""
    from registry.catalogue.publiccode import validate

    language = _language()
    valid = True
    for path in paths:
        report = validate(path.read_bytes())
        valid = valid and report.valid
        state = "[green]valid[/green]" if report.valid else "[red]invalid[/red]"
        version = f" (publiccode.yml {report.version})" if report.version else ""
        out.print(f"{escape(str(path))}: {state}{version}", soft_wrap=True)
        for error in report.errors:
            out.print(f"  [red]error[/red] {escape(error.text(language))}", soft_wrap=True)
        for warning in report.warnings:
            out.print(
                f"  [yellow]warning[/yellow] {escape(warning.text(language))}", soft_wrap=True
            )
    if not valid:
        raise typer.Exit(code=1)


@publiccode_app.command("import")
def publiccode_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="publiccode.yml")],
    slug: Annotated[
        str | None,
        typer.Option(help="Application to create or update (default: from landingURL or name)."),
    ] = None,
    preview: Annotated[bool, typer.Option(help="Only show what would change.")] = False,
) -> None:
    """Create or update an application from a valid publiccode.yml; shows what changes."""
    from registry.catalogue.publiccode_import import import_publiccode

    source = path.read_bytes()
    actor = system_actor("cli:publiccode-import")
    result = _in_transaction(
        lambda session: import_publiccode(session, actor, source, slug=slug, store=not preview)
    )
    action = "new application" if result.creating else "application"
    out.print(f"{action} {result.slug}: {len(result.changes)} change(s)", soft_wrap=True)
    for change in result.changes:
        out.print(
            f"  {change.field}: {escape(change.before)!r} -> {escape(change.after)!r}",
            soft_wrap=True,
        )
    for warning in result.warnings:
        out.print(f"  [yellow]warning[/yellow] {escape(warning.text('en'))}", soft_wrap=True)
    if result.stored:
        out.print("Stored.")
    elif preview:
        out.print("Preview: nothing was stored.")
    else:
        out.print("Nothing to change.")


journal_app = typer.Typer(
    help="The books: the journal export for the accountant.", no_args_is_help=True
)
app.add_typer(journal_app, name="journal")


@journal_app.command("export")
def journal_export(
    year: Annotated[int, typer.Argument(help="The financial year (1 January to 31 December).")],
    export_format: Annotated[
        JournalFormatChoice,
        typer.Option(
            "--format", help="csv (semicolons, UTF-8) or xaf (XML Auditfile Financieel 3.2)."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", dir_okay=False, help="The file to write.")
    ],
    language: Annotated[
        str, typer.Option(help="Language of the descriptions and headings: nl or en.")
    ] = "nl",
) -> None:
    """Every invoice, credit note, payment and refund of YEAR as double-entry journal lines
    on the chart of accounts (REGISTRY_JOURNAL_CHART, or the shipped default); audited."""
    from registry.journal.service import ExportedJournal, export_journal
    from registry.kit.clock import today
    from registry.settings import get_settings

    actor = system_actor("cli:journal-export")

    async def work(session: AsyncSession) -> ExportedJournal:
        return await export_journal(
            session,
            actor,
            year,
            export_format.value,
            get_settings(),
            today=today(),
            language="en" if language == "en" else "nl",
        )

    exported = _in_transaction(work)
    output.write_bytes(exported.content)
    lines = sum(len(t.lines) for t in exported.transactions)
    out.print(
        f"{len(exported.transactions)} transactions ({lines} lines) of {year} written to {output}."
    )


messages_app = typer.Typer(help="The outbox: e-mail the registry sends.", no_args_is_help=True)
app.add_typer(messages_app, name="messages")


@messages_app.command("list")
def messages_list(
    status: Annotated[
        MessageStatusChoice | None, typer.Option(help="Only messages with this status.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=200, help="At most this many, newest first.")
    ] = 50,
) -> None:
    """The newest messages of the outbox: status, attempts, recipients, subject, last answer."""
    from rich.table import Table

    from registry.messages.models import MessageStatus
    from registry.messages.outbox import messages_with

    actor = system_actor("cli:messages")
    chosen = MessageStatus(status.value) if status else None
    found = _read(lambda session: messages_with(session, actor, chosen, limit))
    table = Table(title="Outbox")
    for column in ("id", "status", "attempts", "queued", "to", "subject", "last answer"):
        table.add_column(column, overflow="fold")
    for m in found:
        table.add_row(
            str(m.id),
            m.status.value,
            str(m.attempts),
            f"{m.created_at:%Y-%m-%d %H:%M}",
            escape(m.recipients),
            escape(m.subject),
            escape(m.last_answer or ""),
        )
    out.print(table)
    out.print(f"{len(found)} message(s).")


@messages_app.command("retry")
def messages_retry(
    message_id: Annotated[int, typer.Argument(help="The id of a failed message.")],
) -> None:
    """Send a failed message again: it waits in the outbox for the worker's next run."""
    from registry.messages.outbox import retry

    actor = system_actor("cli:messages-retry")
    _in_transaction(lambda session: retry(session, actor, message_id))
    out.print(f"Message {message_id} is pending again; the worker sends it at its next run.")


reminders_app = typer.Typer(help="Payment reminders of overdue invoices.", no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")


@reminders_app.command("run")
def reminders_run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list the reminders that would go out.")
    ] = False,
    on: Annotated[
        datetime | None,
        typer.Option(formats=_DATE, help="Run as on this day (default: today), YYYY-MM-DD."),
    ] = None,
) -> None:
    """Send the reminders that are due (the worker does this every day), or list them."""
    from rich.table import Table

    from registry.billing.reminders import DueReminder, due_reminders, send_reminders
    from registry.kit.clock import today
    from registry.settings import get_settings

    day = on.date() if on else today()
    settings = get_settings()

    async def work(session: AsyncSession) -> list[DueReminder]:
        due = await due_reminders(session, settings, day)
        if dry_run:
            return due
        sent = {(r.invoice_id, r.stage) for r in await send_reminders(session, settings, day)}
        return [r for r in due if (r.invoice_id, r.stage) in sent]

    due = _read(work) if dry_run else _in_transaction(work)
    table = Table(title=f"Reminders due on {day.isoformat()}")
    for column in ("invoice", "member", "stage", "days late", "outstanding"):
        table.add_column(column)
    for r in due:
        table.add_row(
            r.number, r.member_code, r.stage.value, str(r.days_late), _euro(r.outstanding_cents)
        )
    out.print(table)
    if dry_run:
        out.print(f"{len(due)} reminder(s) would be sent; nothing was sent (--dry-run).")
    else:
        out.print(f"{len(due)} reminder(s) sent to the outbox.")


bank_app = typer.Typer(help="Bank statements: camt.053 and MT940.", no_args_is_help=True)
app.add_typer(bank_app, name="bank")

_BANK_SUMMARY: Mapping[Language, str] = {
    "nl": (
        "{statements} afschrift(en), waarvan {known} al ingelezen; {lines} boekingen, "
        "{new} nieuw: {matched} gekoppeld, {waiting} wachten op beoordeling."
    ),
    "en": (
        "{statements} statement(s), {known} imported before; {lines} lines, "
        "{new} new: {matched} matched, {waiting} waiting for review."
    ),
}


@bank_app.command("import")
def bank_import(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="camt.053 (XML) or MT940 file")
    ],
) -> None:
    """Read a bank statement, store what is new, record the payments that match exactly."""
    from registry.bank.service import import_file
    from registry.kit.clock import today
    from registry.settings import get_settings

    settings = get_settings()
    if path.stat().st_size > settings.bank_statement_max_bytes:
        data = path.read_bytes()[: settings.bank_statement_max_bytes + 1]
    else:
        data = path.read_bytes()
    actor = system_actor("cli:bank-import")
    summary = _in_transaction(lambda session: import_file(session, actor, data, settings, today()))
    out.print(
        _BANK_SUMMARY[_language()].format(
            statements=summary.statements,
            known=summary.already_imported,
            lines=summary.lines,
            new=summary.new_lines,
            matched=summary.matched,
            waiting=summary.waiting,
        ),
        soft_wrap=True,
    )


year_app = typer.Typer(help="Financial years: close after the accountant's sign-off, reopen.")
app.add_typer(year_app, name="year")


@year_app.command("close")
def year_close(
    year: Annotated[int, typer.Argument(help="The financial year to close.")],
    decision: Annotated[str, typer.Option(help="Reference of the directie's decision.")],
) -> None:
    """Close YEAR: afterwards nothing can be dated in it.

    With four-eyes approval on, a command cannot prepare it (a person must): use the
    financial years page or financialYearClose."""
    from registry.approvals.rules import CloseYear
    from registry.approvals.service import submit
    from registry.kit.clock import today
    from registry.settings import get_settings

    actor = system_actor("cli:year-close")
    submitted = _in_transaction(
        lambda session: submit(session, actor, get_settings(), CloseYear(year, decision), today())
    )
    if submitted.request is not None:
        out.print(f"Closing {year} waits for approval by a second director.")
    else:
        out.print(f"Financial year {year} is closed by decision {escape(decision)}.")


@year_app.command("reopen")
def year_reopen(
    year: Annotated[int, typer.Argument(help="The closed financial year to reopen.")],
    decision: Annotated[str, typer.Option(help="Reference of the new directie decision.")],
) -> None:
    """Reopen a closed YEAR by a new decision."""
    from registry.years.service import reopen_year

    actor = system_actor("cli:year-reopen")
    _in_transaction(lambda session: reopen_year(session, actor, year, decision))
    out.print(f"Financial year {year} is open again by decision {escape(decision)}.")


@year_app.command("status")
def year_status() -> None:
    """Every financial year: open or closed, and what was invoiced and credited in it."""
    from rich.table import Table

    from registry.kit.clock import today
    from registry.years.overview import year_overview

    years = _in_transaction(lambda session: year_overview(session, today()))
    table = Table("year", "status", "documents", "invoiced", "credited", "decision")
    for y in years:
        decision = y.reopened_by_decision or y.closed_by_decision or ""
        table.add_row(
            str(y.year),
            y.status.value,
            str(y.documents),
            _euro(y.invoiced_cents),
            _euro(y.credited_cents),
            escape(decision),
        )
    out.print(table)


opening_app = typer.Typer(help="Opening balances of the previous bookkeeping, imported once.")
app.add_typer(opening_app, name="opening-balances")


@opening_app.command("import")
def opening_balances_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="CSV: member;document;date;due_date;amount;description (negative: credit).",
        ),
    ],
) -> None:
    """Import the open invoices and credit balances, once, before the first run."""
    from registry.billing.opening_balances import import_opening_balances

    content = file.read_bytes()
    actor = system_actor("cli:opening-balances-import")
    result = _in_transaction(lambda session: import_opening_balances(session, actor, content))
    out.print(
        f"Imported {result.invoices} open invoice(s) ({_euro(result.receivable_cents)}) and "
        f"{result.credits} credit balance(s) ({_euro(result.credit_cents)})."
    )
