"""Running the service: settings, migrations, serving, the worker, the demo, the schema
file, backups, roles, the audit log and the outbox."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.markup import escape

from registry.auth.roles import Role
from registry.cli.common import (
    DATE,
    EnumChoice,
    as_command,
    choice_option,
    err,
    headings,
    in_transaction,
    named,
    out,
    read,
    read_as,
    say,
    tell,
)
from registry.kit.errors import DomainError
from registry.kit.language import operator_language

if TYPE_CHECKING:
    from registry.audit.export import ExportFormat
    from registry.messages.models import MessageStatus
else:  # the domain is imported when a command needs its values (see EnumChoice)
    ExportFormat = EnumChoice("registry.audit.export:ExportFormat")
    MessageStatus = EnumChoice("registry.messages.models:MessageStatus")

demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema file.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify the hash chain, export.", no_args_is_help=True)
roles_app = typer.Typer(help="Roles of people (e.g. the first admin).", no_args_is_help=True)
backup_app = typer.Typer(
    help="Backups of the database and their restore into an empty one.", no_args_is_help=True
)
config_app = typer.Typer(help="The settings (REGISTRY_... variables, .env).", no_args_is_help=True)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
"""graphql/schema.graphql of the project (registry.settings.PROJECT_ROOT, without its import)."""


def _refuse_invalid_settings() -> None:
    """Print what is wrong with the settings and exit 1, or return when nothing is."""
    from pydantic import ValidationError

    from registry import configuration
    from registry.settings import Settings

    language = operator_language()
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

    _refuse_invalid_settings()
    tell("De instellingen zijn in orde.", "The settings are in order.")


def _backup_failed(error: DomainError) -> typer.Exit:
    err.print(f"[red]{escape(error.text(operator_language()))}[/red]", soft_wrap=True)
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
        say(
            "Back-up {backup} (kop van de auditketen {seq} {hash}, SHA-256 {sha})",
            "Backup {backup} (audit chain head {seq} {hash}, SHA-256 {sha})",
            backup=str(backup),
            seq=manifest.audit_head_seq,
            hash=manifest.audit_head_hash,
            sha=manifest.sha256,
        ),
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
        say(
            "{name} teruggezet: kop van de auditketen {seq} {hash}. Controleer hem met "
            "`registry audit verify`.",
            "Restored {name}: audit chain head {seq} {hash}. Run `registry audit verify` "
            "against it.",
            name=file.name,
            seq=manifest.audit_head_seq,
            hash=manifest.audit_head_hash,
        ),
        highlight=False,
        soft_wrap=True,
    )


def migrate(revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date (Alembic)."""
    from registry import migrate as migrations
    from registry.settings import get_settings

    asyncio.run(migrations.upgrade(get_settings().database_url, revision))
    tell("Database op revisie {revision}.", "Database at revision {revision}.", revision=revision)


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
            say(
                "registry serve: meer dan één proces vraagt PostgreSQL; op SQLite leven de "
                "taken en het schrijfslot in één proces.",
                "registry serve: more than one process needs PostgreSQL; on SQLite the jobs "
                "and the write lock live in one process.",
            )
        )
        raise typer.Exit(2)
    if settings.stripe_api_key is None:
        tell(
            "Online betalen staat uit (geen REGISTRY_STRIPE_API_KEY): leden betalen facturen "
            "per overschrijving, die de directie vastlegt.",
            "Online payment is switched off (no REGISTRY_STRIPE_API_KEY): members pay "
            "invoices by bank transfer, which the directie records.",
        )
    else:
        tell(
            "Online betalen via {via}.",
            "Online payment through {via}.",
            via=settings.stripe_api_base or "Stripe",
        )
    if settings.smtp_host is None:
        tell(
            "Geen mailserver (geen REGISTRY_SMTP_HOST): e-mail wordt niet verstuurd; de "
            "directie leest de postvak-uit op {url}.",
            "No mail server (no REGISTRY_SMTP_HOST): e-mail is not sent; the directie reads "
            "the outbox at {url}.",
            url=settings.link("/berichten"),
        )
    else:
        tell(
            "E-mail gaat via {host}:{port}.",
            "E-mail is sent through {host}:{port}.",
            host=settings.smtp_host,
            port=str(settings.smtp_port),
        )
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
    except NeedsPostgres:
        err.print(
            say(
                "registry worker: op SQLite staat de takenwachtrij in het serviceproces; "
                "`registry worker` vraagt REGISTRY_DATABASE_URL=postgresql+asyncpg://…",
                "registry worker: the job queue is in the service process on SQLite; "
                "`registry worker` needs REGISTRY_DATABASE_URL=postgresql+asyncpg://…",
            ),
            soft_wrap=True,
        )
        raise typer.Exit(2) from None


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo cooperative once (skipped when members already exist)."""
    from registry.demo import load_demo

    if in_transaction(load_demo):
        tell("Demogegevens geladen.", "Demo data loaded.")
    else:
        tell(
            "Er zijn al leden: de demogegevens zijn niet opnieuw geladen.",
            "Members already exist: demo data not loaded again.",
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
            err.print(
                say(
                    "{file} is verouderd: voer `make schema` uit.",
                    "{file} is out of date: run `make schema`.",
                    file=str(SCHEMA_FILE),
                )
            )
            raise typer.Exit(code=1)
        tell("Het schemabestand is bijgewerkt.", "Schema file is up to date.")
        return
    SCHEMA_FILE.write_text(sdl, encoding="utf-8")
    tell("{file} geschreven.", "Wrote {file}.", file=str(SCHEMA_FILE))


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; names the first broken event (exit code 1)."""
    from registry.audit.service import verify_log

    verdict = read(verify_log)
    broken = verdict.broken
    if broken is None:
        tell(
            "auditlog intact: {n} gebeurtenissen, laatste hash {hash}",
            "audit log intact: {n} events, last hash {hash}",
            n=verdict.events,
            hash=verdict.last_hash,
        )
        return
    where = say("seq {seq}", "seq {seq}", seq=broken.seq)
    if broken.event is not None:
        event = broken.event
        where = say(
            "{where} (gebeurtenis {id}, {entity} {entity_id}, {operation})",
            "{where} (event id {id}, {entity} {entity_id}, {operation})",
            where=where,
            id=event.id,
            entity=event.entity_type,
            entity_id=event.entity_id,
            operation=event.operation,
        )
    for line in (
        say(
            "auditlog GEBROKEN bij {where}: {reason}: {detail}",
            "audit log BROKEN at {where}: {reason}: {detail}",
            where=where,
            reason=broken.reason,
            detail=broken.detail,
        ),
        say(
            "De {n} gebeurtenissen ervoor zijn intact.",
            "{n} events before it are intact.",
            n=verdict.events,
        ),
    ):
        err.print(line, soft_wrap=True, highlight=False)
    raise typer.Exit(code=1)


@audit_app.command("export")
def audit_export(
    export_format: Annotated[
        ExportFormat,
        choice_option(ExportFormat, "--format", help="jsonl (one event per line) or csv."),
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
        datetime | None, typer.Option(formats=DATE, help="From this day on (UTC), YYYY-MM-DD.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Up to and including this day (UTC).")
    ] = None,
) -> None:
    """Export audit events in seq order; the same events always give the same bytes."""
    from registry.audit.export import write_events
    from registry.audit.repository import AuditFilter
    from registry.audit.service import stream_events

    selection = AuditFilter(
        entity_type=entity_type,
        since=datetime.combine(since.date(), time.min, UTC) if since else None,
        until=datetime.combine(until.date(), time.max, UTC) if until else None,
    )

    def export(out: TextIO) -> int:
        return read(
            lambda session: write_events(stream_events(session, selection), out, export_format)
        )

    if output is None:
        export(sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as file:
        count = export(file)
    tell(
        "{n} gebeurtenissen geschreven naar {output}.",
        "{n} events written to {output}.",
        n=count,
        output=str(output),
    )


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
    as_command("cli:roles-grant", lambda session, actor: assign_role(session, actor, data))
    tell(
        "{subject} bij {issuer} heeft nu de rol {role}.",
        "{subject} at {issuer} now has the role {role}.",
        subject=subject,
        issuer=issuer,
        role=role,
    )


messages_app = typer.Typer(help="The outbox: e-mail the registry sends.", no_args_is_help=True)


@messages_app.command("list")
def messages_list(
    status: Annotated[
        MessageStatus | None,
        choice_option(MessageStatus, help="Only messages with this status."),
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=200, help="At most this many, newest first.")
    ] = 50,
) -> None:
    """The newest messages of the outbox: status, attempts, recipients, subject, last answer."""
    from rich.table import Table

    from registry.messages.outbox import messages_with

    found = read_as(
        "cli:messages", lambda session, actor: messages_with(session, actor, status, limit)
    )
    table = Table(title=say("Postvak-uit", "Outbox"))
    for column in headings(
        ("nr", "id"),
        ("status", "status"),
        ("pogingen", "attempts"),
        ("in de wachtrij", "queued"),
        ("aan", "to"),
        ("onderwerp", "subject"),
        ("laatste antwoord", "last answer"),
    ):
        table.add_column(column, overflow="fold")
    for m in found:
        table.add_row(
            str(m.id),
            named(m.status),
            str(m.attempts),
            f"{m.created_at:%Y-%m-%d %H:%M}",
            escape(m.recipients),
            escape(m.subject),
            escape(m.last_answer or ""),
        )
    out.print(table)
    tell("{n} bericht(en).", "{n} message(s).", n=len(found))


@messages_app.command("retry")
def messages_retry(
    message_id: Annotated[int, typer.Argument(help="The id of a failed message.")],
) -> None:
    """Send a failed message again: it waits in the outbox for the worker's next run."""
    from registry.messages.outbox import retry

    as_command("cli:messages-retry", lambda session, actor: retry(session, actor, message_id))
    tell(
        "Bericht {id} wacht weer; de worker verstuurt het bij zijn volgende run.",
        "Message {id} is pending again; the worker sends it at its next run.",
        id=message_id,
    )
