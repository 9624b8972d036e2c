"""Money: contributions, cost allocation, invoices and payments, the journal, payment
reminders, bank statements, financial years and opening balances."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.choices import (
    CreditChoiceOption,
    JournalFormatChoice,
)
from registry.cli.common import (
    DATE,
    err,
    euro,
    in_transaction,
    out,
    read,
)
from registry.kit.errors import ValidationFailed
from registry.kit.language import Language, operator_language

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.billing.gateway import PaymentGateway
    from registry.billing.invoicing import DraftPreview
    from registry.costs.models import AllocationRun
    from registry.fees.service import FeeRunPreview


fees_app = typer.Typer(help="Contributions: the yearly fee per inhabitant.", no_args_is_help=True)


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
            euro(line.amount),
        )
    table.add_section()
    table.add_row("total", "", "", "", "", euro(preview.total))
    out.print(table)
    out.print(f"inputs SHA-256 {preview.inputs_sha256}")
    changed = [d for d in preview.differences if d.amount]
    if preview.previous is not None and changed:
        out.print(f"Differences against run {preview.previous.year}/{preview.previous.sequence}:")
        for d in changed:
            out.print(
                f"  {d.member_code}: {euro(d.previous)} → {euro(d.current)} ({euro(d.amount)})"
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

    computed = in_transaction(work)
    _print_preview(computed)
    if preview:
        out.print("Preview only: nothing was stored.")
    elif computed.unchanged:
        out.print("Unchanged inputs: the latest run stands, nothing was stored.")
    else:
        out.print(f"Stored a new fee run for {year}.")


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

    for code, runs in in_transaction(work).items():
        if not runs:
            out.print(f"{code}: nothing to allocate or settle")
        for run in runs:
            out.print(
                f"{code}: {run.kind.value} run {run.sequence}, total EUR {euro(run.total_cents)}, "
                f"inputs SHA-256 {run.inputs_sha256[:16]}…"
            )


invoices_app = typer.Typer(help="Invoices: bill what the registry computed.", no_args_is_help=True)
payments_app = typer.Typer(help="Payments through the payment gateway.", no_args_is_help=True)


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
            euro(p.net_cents),
            euro(p.vat_cents),
            euro(p.gross_cents),
            euro(p.credit_cents),
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

    previews, notes = in_transaction(work)
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
    done = in_transaction(lambda session: retry_payment_requests(session, gateway))
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
    differences = in_transaction(lambda session: reconcile(session, actor, gateway, apply=apply))
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


journal_app = typer.Typer(
    help="The books: the journal export for the accountant.", no_args_is_help=True
)


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

    exported = in_transaction(work)
    output.write_bytes(exported.content)
    lines = sum(len(t.lines) for t in exported.transactions)
    out.print(
        f"{len(exported.transactions)} transactions ({lines} lines) of {year} written to {output}."
    )


reminders_app = typer.Typer(help="Payment reminders of overdue invoices.", no_args_is_help=True)


@reminders_app.command("run")
def reminders_run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list the reminders that would go out.")
    ] = False,
    on: Annotated[
        datetime | None,
        typer.Option(formats=DATE, help="Run as on this day (default: today), YYYY-MM-DD."),
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

    due = read(work) if dry_run else in_transaction(work)
    table = Table(title=f"Reminders due on {day.isoformat()}")
    for column in ("invoice", "member", "stage", "days late", "outstanding"):
        table.add_column(column)
    for r in due:
        table.add_row(
            r.number, r.member_code, r.stage.value, str(r.days_late), euro(r.outstanding_cents)
        )
    out.print(table)
    if dry_run:
        out.print(f"{len(due)} reminder(s) would be sent; nothing was sent (--dry-run).")
    else:
        out.print(f"{len(due)} reminder(s) sent to the outbox.")


bank_app = typer.Typer(help="Bank statements: camt.053 and MT940.", no_args_is_help=True)

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
    summary = in_transaction(lambda session: import_file(session, actor, data, settings, today()))
    out.print(
        _BANK_SUMMARY[operator_language()].format(
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
    submitted = in_transaction(
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
    in_transaction(lambda session: reopen_year(session, actor, year, decision))
    out.print(f"Financial year {year} is open again by decision {escape(decision)}.")


@year_app.command("status")
def year_status() -> None:
    """Every financial year: open or closed, and what was invoiced and credited in it."""
    from rich.table import Table

    from registry.kit.clock import today
    from registry.years.overview import year_overview

    years = in_transaction(lambda session: year_overview(session, today()))
    table = Table("year", "status", "documents", "invoiced", "credited", "decision")
    for y in years:
        decision = y.reopened_by_decision or y.closed_by_decision or ""
        table.add_row(
            str(y.year),
            y.status.value,
            str(y.documents),
            euro(y.invoiced_cents),
            euro(y.credited_cents),
            escape(decision),
        )
    out.print(table)


opening_app = typer.Typer(help="Opening balances of the previous bookkeeping, imported once.")


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
    result = in_transaction(lambda session: import_opening_balances(session, actor, content))
    out.print(
        f"Imported {result.invoices} open invoice(s) ({euro(result.receivable_cents)}) and "
        f"{result.credits} credit balance(s) ({euro(result.credit_cents)})."
    )
