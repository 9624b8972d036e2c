"""Money: contributions, cost allocation, invoices and payments, the journal, payment
reminders, bank statements, financial years and opening balances."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.cli.common import (
    DATE,
    EnumChoice,
    Said,
    as_command,
    choice_option,
    err,
    euro,
    headings,
    in_transaction,
    named,
    out,
    read,
    say,
    tell,
)
from registry.kit.errors import Euro, ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.auth.roles import Actor
    from registry.billing.gateway import PaymentGateway
    from registry.billing.invoicing import DraftPreview
    from registry.billing.models import CreditChoice
    from registry.costs.models import AllocationRun
    from registry.fees.service import FeeRunPreview
    from registry.journal.formats import JournalFormat
else:  # the domain is imported when a command needs its values (see EnumChoice)
    CreditChoice = EnumChoice("registry.billing.models:CreditChoice")
    JournalFormat = EnumChoice("registry.journal.formats:JournalFormat")


fees_app = typer.Typer(help="Contributions: the yearly fee per inhabitant.", no_args_is_help=True)


def _print_preview(preview: FeeRunPreview) -> None:
    from rich.table import Table

    terms = preview.terms
    table = Table(
        title=say(
            "Bijdragen {year}: EUR {rate} per inwoner ({decision}, {pro_rata}, {policy})",
            "Contributions {year}: EUR {rate} per inhabitant ({decision}, {pro_rata}, {policy})",
            year=str(terms.year),
            rate=str(terms.rate),
            decision=terms.decision_reference,
            pro_rata=terms.pro_rata,
            policy=terms.population_policy,
        )
    )
    columns = headings(
        ("lid", "member"),
        ("inwoners", "inhabitants"),
        ("cijfers van", "figures of"),
        ("grondslag", "basis"),
        ("dagen", "days"),
        ("bedrag (EUR)", "amount (EUR)"),
    )
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right")
    for line in preview.lines:
        table.add_row(
            line.member_code,
            f"{line.population.inhabitants.total:,}",
            line.population.reference_date.isoformat(),
            named(line.population.basis),
            f"{line.days_billable}/{line.days_in_year}",
            euro(line.amount),
        )
    table.add_section()
    table.add_row(say("totaal", "total"), "", "", "", "", euro(preview.total))
    out.print(table)
    tell("invoer SHA-256 {sha}", "inputs SHA-256 {sha}", sha=preview.inputs_sha256)
    changed = [d for d in preview.differences if d.amount]
    if preview.previous is not None and changed:
        tell(
            "Verschillen met run {year}/{sequence}:",
            "Differences against run {year}/{sequence}:",
            year=str(preview.previous.year),
            sequence=preview.previous.sequence,
        )
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

    async def work(session: AsyncSession, actor: Actor) -> FeeRunPreview:
        if preview:
            return await preview_fee_run(session, actor, year)
        return (await run_fees(session, actor, year)).preview

    computed = as_command("cli:fees-run", work)
    _print_preview(computed)
    if preview:
        _preview_only()
    elif computed.unchanged:
        tell(
            "Ongewijzigde invoer: de laatste run blijft staan, er is niets vastgelegd.",
            "Unchanged inputs: the latest run stands, nothing was stored.",
        )
    else:
        tell(
            "Nieuwe bijdragerun voor {year} vastgelegd.",
            "Stored a new fee run for {year}.",
            year=str(year),
        )


def _preview_only() -> None:
    tell("Alleen een voorbeeld: er is niets vastgelegd.", "Preview only: nothing was stored.")


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

    day = until.date() if until else today()

    async def work(session: AsyncSession, actor: Actor) -> dict[str, list[AllocationRun]]:
        codes = (
            [p.code for p in await costs_repository.pools(session)] if all_pools else pools or []
        )
        if not codes:
            raise ValidationFailed.single("pools", CostsRefusal.NO_POOLS_NAMED)
        with err.status(say("{n} potten", "{n} pools", n=len(codes))):
            return await run_pools(session, actor, codes, day, today())

    for code, runs in as_command("cli:allocate", work).items():
        if not runs:
            tell(
                "{code}: niets te verdelen of te verrekenen",
                "{code}: nothing to allocate or settle",
                code=code,
            )
        for run in runs:
            tell(
                "{code}: {kind}-run {n}, totaal {total}, invoer SHA-256 {sha}…",
                "{code}: {kind} run {n}, total {total}, inputs SHA-256 {sha}…",
                code=code,
                kind=run.kind,
                n=run.sequence,
                total=Euro(run.total_cents),
                sha=run.inputs_sha256[:16],
            )


invoices_app = typer.Typer(help="Invoices: bill what the registry computed.", no_args_is_help=True)
payments_app = typer.Typer(help="Payments through the payment gateway.", no_args_is_help=True)


def _print_drafts(previews: list[DraftPreview]) -> None:
    from rich.table import Table

    table = Table(title=say("Facturatierun", "Invoice run"))
    columns = headings(
        ("lid", "member"),
        ("soort", "kind"),
        ("regels", "lines"),
        ("netto", "net"),
        ("btw", "VAT"),
        ("bruto", "gross"),
        ("verrekend tegoed", "credit deducted"),
    )
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < 2 else "right")
    for p in previews:
        table.add_row(
            p.member.code,
            named(p.kind),
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
        CreditChoice | None,
        choice_option(
            CreditChoice, help="For a net credit: carry it to the next invoice, or refund it."
        ),
    ] = None,
) -> None:
    """Draft an invoice per member for everything not billed yet; optionally issue them."""
    from registry.billing.document import DocumentKind
    from registry.billing.invoicing import issue, preview_invoice_run, run_invoices
    from registry.billing.payments import request_payment
    from registry.billing.stripe_gateway import payment_gateway
    from registry.kit.clock import today
    from registry.settings import get_settings

    choice = credit_choice
    settings = get_settings()
    day = until.date() if until else today()
    if issue_drafts and settings.four_eyes and not preview:
        tell(
            "Vier-ogengoedkeuring staat aan (REGISTRY_FOUR_EYES): een directeur bereidt het"
            " uitgeven voor en een tweede keurt het goed, op /facturen of via GraphQL; een"
            " commando is geen persoon. Laat --issue weg om de concepten vast te leggen."
            " Er is niets vastgelegd.",
            "Four-eyes approval is on (REGISTRY_FOUR_EYES): a director prepares the issue and a"
            " second approves it, on /facturen or through GraphQL; a command is no person."
            " Run without --issue to store the drafts. Nothing was stored.",
        )
        raise typer.Exit(1)

    async def work(session: AsyncSession, actor: Actor) -> tuple[list[DraftPreview], list[Said]]:
        previews = await preview_invoice_run(session, actor, day, member)
        if preview:
            return previews, []
        notes = []
        gateway = payment_gateway(settings)
        for draft in await run_invoices(session, actor, day, member):
            if not issue_drafts:
                notes.append(
                    say(
                        "{member}: concept {id} vastgelegd",
                        "{member}: draft {id} stored",
                        member=draft.member_code,
                        id=draft.id,
                    )
                )
                continue
            if draft.kind is DocumentKind.CREDIT_NOTE and choice is None:
                notes.append(
                    say(
                        "{member}: nettotegoed blijft concept {id} (geef --credit-choice carry"
                        " of refund)",
                        "{member}: net credit left as draft {id} (give --credit-choice carry"
                        " or refund)",
                        member=draft.member_code,
                        id=draft.id,
                    )
                )
                continue
            issued = await issue(
                session, actor, draft.id, today(), settings, choice, single_director=True
            )
            paid_online = await request_payment(session, gateway, issued)
            requested = say("; betaling aangevraagd", "; payment requested") if paid_online else ""
            pending = (
                say("; betaalverzoek wacht", "; payment request pending")
                if issued.payment_pending
                else ""
            )
            notes.append(
                say(
                    "{member}: {number} uitgegeven{requested}{pending}",
                    "{member}: {number} issued{requested}{pending}",
                    member=issued.member_code,
                    number=issued.number or "",
                    requested=requested,
                    pending=pending,
                )
            )
        return previews, notes

    previews, notes = as_command("cli:invoices-run", work)
    _print_drafts(previews)
    for note in notes:
        out.print(note)
    if preview:
        _preview_only()
    elif not previews:
        tell("Niets te factureren.", "Nothing to bill.")


def _gateway_or_exit() -> PaymentGateway:
    from registry.billing.stripe_gateway import payment_gateway
    from registry.settings import get_settings

    gateway = payment_gateway(get_settings())
    if gateway is None:
        message = say(
            "Betalen staat uit (geen REGISTRY_STRIPE_API_KEY).",
            "Payments are switched off (no REGISTRY_STRIPE_API_KEY).",
        )
        err.print(f"[red]{message}[/red]")
        raise typer.Exit(code=1)
    return gateway


@payments_app.command("retry")
def payments_retry() -> None:
    """Create the PaymentIntents of invoices issued while the gateway was unreachable."""
    from registry.billing.payments import retry_payment_requests

    gateway = _gateway_or_exit()
    done = in_transaction(lambda session: retry_payment_requests(session, gateway))
    tell("{n} betaalverzoek(en) aangemaakt.", "{n} payment request(s) created.", n=len(done))


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
    differences = as_command(
        "cli:payments-reconcile",
        lambda session, actor: reconcile(session, actor, gateway, apply=apply),
    )
    table = Table(
        *headings(
            ("verschil", "difference"),
            ("factuur", "invoice"),
            ("payment intent", "payment intent"),
            ("toelichting", "detail"),
            ("herstelbaar", "repairable"),
        ),
        title=say(
            "Verschillen tussen het register en de betaaldienst",
            "Differences between the registry and the payment gateway",
        ),
    )
    for d in differences:
        table.add_row(
            d.code,
            d.invoice_number or "-",
            d.intent_id or "-",
            d.detail,
            say("ja", "yes") if d.fixable else say("nee", "no"),
        )
    out.print(table)
    repaired = sum(d.fixable for d in differences)
    if not differences:
        tell("Geen verschillen.", "No differences.")
    elif apply:
        tell(
            "{n} verschil(len) hersteld; de andere vragen een persoon.",
            "Repaired {n} difference(s); the others need a person.",
            n=repaired,
        )
    else:
        tell(
            "Er is niets gewijzigd (herstel met --apply wat te herstellen is).",
            "Nothing was changed (use --apply to repair what can be repaired).",
        )
        raise typer.Exit(code=2)


journal_app = typer.Typer(
    help="The books: the journal export for the accountant.", no_args_is_help=True
)


@journal_app.command("export")
def journal_export(
    year: Annotated[int, typer.Argument(help="The financial year (1 January to 31 December).")],
    export_format: Annotated[
        JournalFormat,
        choice_option(
            JournalFormat,
            "--format",
            help="csv (semicolons, UTF-8) or xaf (XML Auditfile Financieel 3.2).",
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
    from registry.journal.service import export_journal
    from registry.kit.clock import today
    from registry.settings import get_settings

    exported = as_command(
        "cli:journal-export",
        lambda session, actor: export_journal(
            session,
            actor,
            year,
            export_format,
            get_settings(),
            today=today(),
            language="en" if language == "en" else "nl",
        ),
    )
    output.write_bytes(exported.content)
    lines = sum(len(t.lines) for t in exported.transactions)
    tell(
        "{n} boekingen ({lines} regels) van {year} geschreven naar {output}.",
        "{n} transactions ({lines} lines) of {year} written to {output}.",
        n=len(exported.transactions),
        lines=lines,
        year=str(year),
        output=str(output),
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
    table = Table(
        *headings(
            ("factuur", "invoice"),
            ("lid", "member"),
            ("fase", "stage"),
            ("dagen te laat", "days late"),
            ("openstaand", "outstanding"),
        ),
        title=say("Herinneringen op {day}", "Reminders due on {day}", day=day),
    )
    for r in due:
        table.add_row(
            r.number, r.member_code, named(r.stage), str(r.days_late), euro(r.outstanding_cents)
        )
    out.print(table)
    if dry_run:
        tell(
            "{n} herinnering(en) zou(den) verstuurd worden; er is niets verstuurd (--dry-run).",
            "{n} reminder(s) would be sent; nothing was sent (--dry-run).",
            n=len(due),
        )
    else:
        tell(
            "{n} herinnering(en) in de postvak-uit gezet.",
            "{n} reminder(s) sent to the outbox.",
            n=len(due),
        )


bank_app = typer.Typer(help="Bank statements: camt.053 and MT940.", no_args_is_help=True)


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
    summary = as_command(
        "cli:bank-import",
        lambda session, actor: import_file(session, actor, data, settings, today()),
    )
    tell(
        "{statements} afschrift(en), waarvan {known} al ingelezen; {lines} boekingen, "
        "{new} nieuw: {matched} gekoppeld, {waiting} wachten op beoordeling.",
        "{statements} statement(s), {known} imported before; {lines} lines, "
        "{new} new: {matched} matched, {waiting} waiting for review.",
        statements=summary.statements,
        known=summary.already_imported,
        lines=summary.lines,
        new=summary.new_lines,
        matched=summary.matched,
        waiting=summary.waiting,
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

    submitted = as_command(
        "cli:year-close",
        lambda session, actor: submit(
            session, actor, get_settings(), CloseYear(year, decision), today()
        ),
    )
    if submitted.request is not None:
        tell(
            "Het afsluiten van {year} wacht op goedkeuring door een tweede directeur.",
            "Closing {year} waits for approval by a second director.",
            year=str(year),
        )
    else:
        tell(
            "Boekjaar {year} is afgesloten bij besluit {decision}.",
            "Financial year {year} is closed by decision {decision}.",
            year=str(year),
            decision=decision,
        )


@year_app.command("reopen")
def year_reopen(
    year: Annotated[int, typer.Argument(help="The closed financial year to reopen.")],
    decision: Annotated[str, typer.Option(help="Reference of the new directie decision.")],
) -> None:
    """Reopen a closed YEAR by a new decision."""
    from registry.years.service import reopen_year

    as_command(
        "cli:year-reopen", lambda session, actor: reopen_year(session, actor, year, decision)
    )
    tell(
        "Boekjaar {year} is weer open bij besluit {decision}.",
        "Financial year {year} is open again by decision {decision}.",
        year=str(year),
        decision=decision,
    )


@year_app.command("status")
def year_status() -> None:
    """Every financial year: open or closed, and what was invoiced and credited in it."""
    from rich.table import Table

    from registry.kit.clock import today
    from registry.years.overview import year_overview

    years = in_transaction(lambda session: year_overview(session, today()))
    table = Table(
        *headings(
            ("jaar", "year"),
            ("status", "status"),
            ("documenten", "documents"),
            ("gefactureerd", "invoiced"),
            ("gecrediteerd", "credited"),
            ("besluit", "decision"),
        )
    )
    for y in years:
        decision = y.reopened_by_decision or y.closed_by_decision or ""
        table.add_row(
            str(y.year),
            named(y.status),
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
    result = as_command(
        "cli:opening-balances-import",
        lambda session, actor: import_opening_balances(session, actor, content),
    )
    tell(
        "{invoices} openstaande factuur/facturen ({receivable}) en {credits} tegoed(en) "
        "({credit}) ingelezen.",
        "Imported {invoices} open invoice(s) ({receivable}) and {credits} credit balance(s) "
        "({credit}).",
        invoices=result.invoices,
        receivable=Euro(result.receivable_cents),
        credits=result.credits,
        credit=Euro(result.credit_cents),
    )
