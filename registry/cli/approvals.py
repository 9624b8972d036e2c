"""Four-eyes approval: the requests one director prepared, and how they were decided."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.cli.common import EnumChoice, choice_option, euro, headings, named, out, read_as, tell

if TYPE_CHECKING:
    from registry.approvals.rules import ApprovalStatus
else:  # the domain is imported when a command needs its values (see EnumChoice)
    ApprovalStatus = EnumChoice("registry.approvals.rules:ApprovalStatus")

approvals_app = typer.Typer(
    help="Four-eyes approval: the requests prepared by one director.", no_args_is_help=True
)


@approvals_app.command("list")
def approvals_list(
    status: Annotated[
        list[ApprovalStatus] | None,
        choice_option(
            ApprovalStatus, help="Only requests with this status (repeatable); default: all."
        ),
    ] = None,
) -> None:
    """The requests, newest first: what each does, who prepared it and who decided it.

    Approving or rejecting is a second director's act as a person: on the approvals page
    (/goedkeuringen) or through GraphQL, never from the command line."""
    from rich.table import Table

    from registry.approvals import service as approvals
    from registry.approvals.rules import ApprovalStatus

    chosen = status or list(ApprovalStatus)
    found = read_as(
        "cli:approvals-list", lambda session, actor: approvals.requests(session, actor, chosen)
    )
    table = Table(
        *headings(
            ("nr", "id"),
            ("wat", "what"),
            ("status", "status"),
            ("bedrag (EUR)", "amount (EUR)"),
            ("voorbereid door", "prepared by"),
            ("besloten door", "decided by"),
        )
    )
    for request in found:
        summary = approvals.summary_of(request)
        if summary.year is not None:
            what = f"{named(request.kind)} {summary.year} ({summary.decision or ''})"
        else:
            kind = named(summary.document) if summary.document else ""
            document = summary.invoice_number or kind
            what = f"{named(request.kind)} {summary.member_code or ''} {document}".strip()
        decided = ""
        if request.decided_by:
            decided = f"{request.decided_by} {request.decided_at:%Y-%m-%d}"
            decided += f": {request.reason}" if request.reason else ""
        table.add_row(
            str(request.id),
            escape(what),
            named(request.status),
            euro(summary.gross_cents),
            escape(f"{request.prepared_by} {request.prepared_at:%Y-%m-%d}"),
            escape(decided),
        )
    out.print(table)
    tell(
        "{n} verzoek(en). Een tweede directeur keurt goed of af op /goedkeuringen of via GraphQL.",
        "{n} request(s). A second director approves or rejects on /goedkeuringen or through "
        "GraphQL.",
        n=len(found),
    )
