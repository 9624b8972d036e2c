"""The contracts register: record, sign (with the RvC's approval above the threshold), end,
list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape

from registry.cli.common import DATE, as_command, euro, headings, named, out, read_as, say, tell
from registry.kit.errors import Euro

contracts_app = typer.Typer(
    help="The contracts register: contracts with suppliers and their notice dates.",
    no_args_is_help=True,
)


@contracts_app.command("add")
def contracts_add(
    reference: Annotated[str, typer.Argument(help="The contract's reference, e.g. C-2026-04.")],
    supplier: Annotated[str, typer.Option(help="The supplier.")],
    subject: Annotated[str, typer.Option(help="What the contract is for.")],
    amount: Annotated[
        str,
        typer.Option(help="In euros over the whole term, excluding VAT: 60000 or 60.000,00."),
    ],
    start: Annotated[datetime, typer.Option(formats=DATE, help="First day, YYYY-MM-DD.")],
    end: Annotated[datetime, typer.Option(formats=DATE, help="Last day, YYYY-MM-DD.")],
    notice_date: Annotated[
        datetime | None,
        typer.Option(formats=DATE, help="The last day notice can be given (opzegdatum)."),
    ] = None,
    notice_months: Annotated[
        int | None, typer.Option(help="The notice period in months (0 to 120).")
    ] = None,
    application: Annotated[
        str | None, typer.Option(help="The slug of the application it is for.")
    ] = None,
    pool: Annotated[str | None, typer.Option(help="The code of the cost pool it is for.")] = None,
) -> None:
    """Record a contract as a draft; the same contract entered again is stored once."""
    from registry.contracts import service as contracts

    data = contracts.ContractInput(
        reference=reference,
        supplier=supplier,
        subject=subject,
        amount=amount,
        start_date=start.date(),
        end_date=end.date(),
        notice_date=notice_date.date() if notice_date else None,
        notice_period_months=notice_months,
        application=application,
        pool=pool,
    )
    stored = as_command(
        "cli:contracts-add",
        lambda session, actor: contracts.create_contract(session, actor, data),
    )
    tell(
        "Contract {ref} met {supplier} als concept vastgelegd: {amount} van {start} tot en "
        "met {end}.",
        "Stored contract {ref} with {supplier} as a draft: {amount} from {start} to {end}.",
        ref=stored.reference,
        supplier=stored.supplier,
        amount=Euro(stored.amount_cents),
        start=stored.start_date,
        end=stored.end_date,
    )


@contracts_app.command("sign")
def contracts_sign(
    reference: Annotated[str, typer.Argument(help="The draft contract's reference.")],
    on: Annotated[datetime, typer.Option(formats=DATE, help="The day it is signed, YYYY-MM-DD.")],
    approval: Annotated[
        str | None,
        typer.Option(
            help="Reference of the RvC decision approving it: needed above the threshold "
            "(REGISTRY_CONTRACT_RVC_THRESHOLD, EUR 50,000)."
        ),
    ] = None,
) -> None:
    """Mark a draft signed.

    Above the threshold only with an RvC decision taken on or before the signing day."""
    from registry.contracts import service as contracts
    from registry.settings import get_settings

    threshold = get_settings().contract_rvc_threshold
    signed = as_command(
        "cli:contracts-sign",
        lambda session, actor: contracts.sign_contract(
            session, actor, reference, on.date(), approval, threshold
        ),
    )
    approved = (
        say(", goedgekeurd bij RvC-besluit {ref}", ", approved by RvC decision {ref}", ref=approval)
        if approval
        else ""
    )
    tell(
        "Vastgelegd: contract {ref} ondertekend op {day}{approved}.",
        "Stored: contract {ref} signed on {day}{approved}.",
        ref=signed.reference,
        day=signed.signed_on or on.date(),
        approved=approved,
    )


@contracts_app.command("end")
def contracts_end(
    reference: Annotated[str, typer.Argument(help="The signed contract's reference.")],
    on: Annotated[datetime, typer.Option(formats=DATE, help="The day it ends, YYYY-MM-DD.")],
) -> None:
    """A signed contract ends (notice given, or run out)."""
    from registry.contracts import service as contracts

    ended = as_command(
        "cli:contracts-end",
        lambda session, actor: contracts.end_contract(session, actor, reference, on.date()),
    )
    tell(
        "Vastgelegd: contract {ref} beëindigd op {day}.",
        "Stored: contract {ref} ended on {day}.",
        ref=ended.reference,
        day=ended.ended_on or on.date(),
    )


@contracts_app.command("list")
def contracts_list() -> None:
    """The contracts register, newest first: status, amount, term and notice date."""
    from rich.table import Table

    from registry.contracts import service as contracts

    found = read_as(
        "cli:contracts-list", lambda session, actor: contracts.list_contracts(session, actor)
    )
    table = Table(
        *headings(
            ("kenmerk", "reference"),
            ("leverancier", "supplier"),
            ("onderwerp", "subject"),
            ("status", "status"),
            ("bedrag (EUR)", "amount (EUR)"),
            ("looptijd", "term"),
            ("opzegdatum", "notice"),
        )
    )
    for c in found:
        table.add_row(
            escape(c.reference),
            escape(c.supplier),
            escape(c.subject),
            named(c.status),
            euro(c.amount_cents),
            f"{c.start_date} – {c.end_date}",
            c.notice_date.isoformat() if c.notice_date else "",
        )
    out.print(table)
    tell("{n} contract(en).", "{n} contract(s).", n=len(found))
