"""Governance: bodies and people, meetings, agenda, attendance, proxies, votes and conflicts
of interest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.common import (
    in_transaction,
    out,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


governance_app = typer.Typer(help="Bodies, meetings and votes.", no_args_is_help=True)


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

    for view in in_transaction(work):
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
