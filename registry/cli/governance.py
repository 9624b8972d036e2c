"""Governance: bodies and people, meetings, agenda, attendance, proxies, votes and conflicts
of interest."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.auth.roles import system_actor
from registry.cli.choices import (
    BodyChoice,
    MeetingFormChoice,
    PersonRoleChoice,
    ProposalKindChoice,
    SubjectKindChoice,
    VoteChoice,
)
from registry.cli.common import DATE, in_transaction, out, read

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.governance.models import BodyPerson, Conflict


governance_app = typer.Typer(
    help="Bodies and people, meetings, agenda, attendance, proxies, votes and conflicts of "
    "interest.",
    no_args_is_help=True,
)
person_app = typer.Typer(help="People in the ALV, the RvC and the directie.", no_args_is_help=True)
meeting_app = typer.Typer(help="Meetings and written resolutions.", no_args_is_help=True)
agenda_app = typer.Typer(help="The agenda of a meeting.", no_args_is_help=True)
proxy_app = typer.Typer(help="Written proxies at an ALV.", no_args_is_help=True)
proposal_app = typer.Typer(help="Closing a proposal into a decision.", no_args_is_help=True)
conflict_app = typer.Typer(help="The register of conflicts of interest.", no_args_is_help=True)
governance_app.add_typer(person_app, name="person")
governance_app.add_typer(meeting_app, name="meeting")
governance_app.add_typer(agenda_app, name="agenda")
governance_app.add_typer(proxy_app, name="proxy")
governance_app.add_typer(proposal_app, name="proposal")
governance_app.add_typer(conflict_app, name="conflict")


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


@person_app.command("add")
def person_add(
    body: Annotated[BodyChoice, typer.Option(help="The body the person joins.")],
    name: Annotated[str, typer.Option(help="The person's name.")],
    role: Annotated[
        PersonRoleChoice,
        typer.Option(
            help="ALV: representative; RvC: chair, secretary or member; directie: "
            "director or chair."
        ),
    ],
    start: Annotated[
        datetime, typer.Option(formats=DATE, help="First day in the body, YYYY-MM-DD.")
    ],
    end: Annotated[
        datetime | None,
        typer.Option(formats=DATE, help="Last day (RvC: at most four years; four when left out)."),
    ] = None,
    member: Annotated[
        str | None, typer.Option(help="ALV: the code of the member the person represents.")
    ] = None,
    user_email: Annotated[
        str | None,
        typer.Option(help="E-mail address of the registry user this person logs in as, if any."),
    ] = None,
) -> None:
    """A person joins the ALV (for a member), the RvC or the directie.

    The RvC never has more seats filled than its maximum on any day."""
    from registry.governance import service as governance
    from registry.settings import get_settings

    actor = system_actor("cli:governance-person-add")

    async def work(session: AsyncSession) -> BodyPerson:
        user_id = await governance.user_by_email(session, user_email) if user_email else None
        data = governance.PersonInput(
            name,
            body.value,
            role.value,
            start.date(),
            end.date() if end else None,
            member,
            user_id,
        )
        rules = governance.rules_of(get_settings())
        return await governance.add_person(session, actor, data, rules)

    person = in_transaction(work)
    until = person.ends_on.isoformat() if person.ends_on else "open-ended"
    out.print(
        f"Stored person {person.id}: {escape(person.name)}, {person.role.value} of the "
        f"{person.body.value} from {person.starts_on} until {until}.",
        soft_wrap=True,
    )


@person_app.command("end")
def person_end(
    person_id: Annotated[int, typer.Argument(help="The person's number (see `person list`).")],
    on: Annotated[datetime, typer.Option(formats=DATE, help="The last day, YYYY-MM-DD.")],
) -> None:
    """A person leaves their body; ON is their last day."""
    from registry.governance import service as governance

    actor = system_actor("cli:governance-person-end")
    person = in_transaction(
        lambda session: governance.end_person(session, actor, person_id, on.date())
    )
    out.print(
        f"Stored: {escape(person.name)} leaves the {person.body.value} after {person.ends_on}.",
        soft_wrap=True,
    )


@person_app.command("list")
def person_list(
    body: Annotated[BodyChoice | None, typer.Option(help="Only this body.")] = None,
) -> None:
    """The people of the bodies: number, name, body, role, member, first and last day."""
    from rich.table import Table

    from registry.governance import service as governance
    from registry.members.repository import members_by_ids

    actor = system_actor("cli:governance-person-list")

    async def work(session: AsyncSession) -> list[tuple[BodyPerson, str]]:
        people = await governance.list_people(session, actor)
        chosen = [p for p in people if body is None or p.body.value == body.value]
        codes = await members_by_ids(session, sorted({p.member_id for p in chosen if p.member_id}))
        return [(p, codes[p.member_id].code if p.member_id in codes else "") for p in chosen]

    table = Table("id", "name", "body", "role", "member", "from", "until")
    for person, code in read(work):
        table.add_row(
            str(person.id),
            escape(person.name),
            person.body.value,
            person.role.value,
            code,
            person.starts_on.isoformat(),
            person.ends_on.isoformat() if person.ends_on else "",
        )
    out.print(table)


@meeting_app.command("add")
def meeting_add(
    body: Annotated[BodyChoice, typer.Option(help="The body that meets.")],
    date: Annotated[datetime, typer.Option(formats=DATE, help="The day it is held, YYYY-MM-DD.")],
    title: Annotated[str, typer.Option(help="The meeting's title, e.g. ALV najaar 2026.")],
    form: Annotated[
        MeetingFormChoice,
        typer.Option(help="meeting, or written (a written resolution: no attendance)."),
    ] = MeetingFormChoice.MEETING,
    minutes: Annotated[
        str | None, typer.Option(help="Reference of the minutes' document, if known.")
    ] = None,
) -> None:
    """A meeting of a body, or a written resolution."""
    from registry.governance import service as governance
    from registry.governance.rules import MeetingForm

    actor = system_actor("cli:governance-meeting-add")
    data = governance.MeetingInput(body.value, date.date(), title, MeetingForm(form.value), minutes)
    meeting = in_transaction(lambda session: governance.create_meeting(session, actor, data))
    out.print(
        f"Stored meeting {meeting.id}: {meeting.body.value} {escape(meeting.title)} on "
        f"{meeting.held_on} ({meeting.form.value}).",
        soft_wrap=True,
    )


@meeting_app.command("minutes")
def meeting_minutes(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    reference: Annotated[str, typer.Argument(help="Reference of the minutes' document.")],
) -> None:
    """Record the minutes of a meeting, as a reference to the document."""
    from registry.governance import service as governance

    actor = system_actor("cli:governance-meeting-minutes")
    meeting = in_transaction(
        lambda session: governance.set_minutes(session, actor, meeting_id, reference)
    )
    out.print(
        f"Stored the minutes of meeting {meeting.id}: {escape(meeting.minutes_reference or '')}.",
        soft_wrap=True,
    )


@agenda_app.command("add")
def agenda_add(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    title: Annotated[str, typer.Option(help="The item's title.")],
    kind: Annotated[
        ProposalKindChoice | None,
        typer.Option(help="The kind of proposal (decides the majority); none: not voted on."),
    ] = None,
    subject_kind: Annotated[
        SubjectKindChoice | None, typer.Option(help="What the item is about.")
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(help="The member's code, the application's slug, the contract's reference."),
    ] = None,
) -> None:
    """An item at the end of the meeting's agenda; with --kind it is a proposal."""
    from registry.governance import service as governance
    from registry.governance.rules import ProposalKind, SubjectKind

    actor = system_actor("cli:governance-agenda-add")
    data = governance.ItemInput(
        title,
        ProposalKind(kind.value) if kind else None,
        SubjectKind(subject_kind.value) if subject_kind else None,
        subject,
    )
    item = in_transaction(
        lambda session: governance.add_agenda_item(session, actor, meeting_id, data)
    )
    what = f"proposal ({item.kind.value})" if item.kind else "item (not a proposal)"
    out.print(
        f"Stored agenda {what} {item.id} as point {item.position} of meeting {item.meeting_id}:"
        f" {escape(item.title)}.",
        soft_wrap=True,
    )


@governance_app.command("attendance")
def attendance(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    member: Annotated[
        list[str] | None, typer.Option(help="ALV: the code of a member present (repeatable).")
    ] = None,
    person: Annotated[
        list[int] | None,
        typer.Option(help="RvC, directie: the number of a person present (repeatable)."),
    ] = None,
) -> None:
    """Record who is present.

    Members at an ALV, people at the RvC or the directie. All of them are stored, or
    none; recording someone again is harmless."""
    from registry.governance import service as governance

    actor = system_actor("cli:governance-attendance")
    present = [(code, None) for code in member or []] + [(None, p) for p in person or []]

    async def work(session: AsyncSession) -> int:
        for code, person_id in present:
            await governance.record_attendance(
                session, actor, meeting_id, member_code=code, person_id=person_id
            )
        return len(present)

    if not present:
        out.print("Name at least one --member or --person; nothing was stored.")
        raise typer.Exit(code=2)
    count = in_transaction(work)
    names = ", ".join([*(member or []), *(str(p) for p in person or [])])
    out.print(f"Stored the attendance of {count} at meeting {meeting_id}: {escape(names)}.")


@proxy_app.command("add")
def proxy_add(
    meeting_id: Annotated[int, typer.Argument(help="The ALV's number.")],
    from_member: Annotated[
        str, typer.Option("--from", help="The code of the member that gives the proxy.")
    ],
    to_member: Annotated[
        str, typer.Option("--to", help="The code of the member present that holds it.")
    ],
    document: Annotated[str, typer.Option(help="Reference of the written proxy.")],
) -> None:
    """A written proxy from one member to another for one ALV, within the limit per holder.

    Only before the first vote."""
    from registry.governance import service as governance
    from registry.settings import get_settings

    actor = system_actor("cli:governance-proxy-add")
    rules = governance.rules_of(get_settings())
    in_transaction(
        lambda session: governance.record_proxy(
            session, actor, meeting_id, from_member, to_member, document, rules
        )
    )
    out.print(
        f"Stored the proxy of {escape(from_member)} to {escape(to_member)} at meeting "
        f"{meeting_id} ({escape(document)}).",
        soft_wrap=True,
    )


@governance_app.command("vote")
def vote(
    item_id: Annotated[int, typer.Argument(help="The proposal's number (agenda item).")],
    choice: Annotated[VoteChoice, typer.Option(help="for, against or abstain.")],
    member: Annotated[str | None, typer.Option(help="ALV: the code of the member.")] = None,
    person: Annotated[
        int | None, typer.Option(help="RvC, directie: the number of the person who votes.")
    ] = None,
    cast_by: Annotated[
        int | None,
        typer.Option(help="ALV: the number of the representative who casts the member's vote."),
    ] = None,
) -> None:
    """One vote on an open proposal by a member (ALV) or a person (RvC, directie).

    The voter must be entitled to vote and the person casting it without a conflict of
    interest in the subject; the same vote again is stored once."""
    from registry.governance import service as governance
    from registry.governance.rules import Choice

    actor = system_actor("cli:governance-vote")
    data = governance.VoteInput(Choice(choice.value), member, person, cast_by)
    cast = in_transaction(lambda session: governance.cast_vote(session, actor, item_id, data))
    voter = member or f"person {person}"
    out.print(f"Stored the vote of {escape(voter)} on proposal {item_id}: {cast.choice.value}.")


@proposal_app.command("close")
def proposal_close(
    item_id: Annotated[int, typer.Argument(help="The proposal's number (agenda item).")],
    reference: Annotated[
        str, typer.Option(help="Reference of the decision it records when adopted.")
    ],
) -> None:
    """Count the votes and close the proposal.

    Adopted, it records the decision REFERENCE of the meeting's body on the meeting's
    day; rejected, it keeps its tally only."""
    from registry.governance import service as governance
    from registry.settings import get_settings

    actor = system_actor("cli:governance-proposal-close")
    rules = governance.rules_of(get_settings())
    outcome = in_transaction(
        lambda session: governance.close_proposal(session, actor, item_id, reference, rules)
    )
    t = outcome.tally
    counted = f"{t.votes_for} for, {t.against} against, {t.abstain} abstain"
    if outcome.decision is not None:
        verdict = f"adopted as decision {escape(outcome.decision.reference)}"
    else:
        verdict = "rejected; no decision recorded"
    out.print(
        f"Proposal {item_id} closed ({outcome.majority.value} majority): {counted}: {verdict}.",
        soft_wrap=True,
    )


@conflict_app.command("add")
def conflict_add(
    person: Annotated[int, typer.Option(help="The number of the person with the interest.")],
    subject_kind: Annotated[SubjectKindChoice, typer.Option(help="What the interest is in.")],
    subject: Annotated[
        str,
        typer.Option(help="The member's code, the application's slug, the contract's reference."),
    ],
    start: Annotated[datetime, typer.Option(formats=DATE, help="From this day, YYYY-MM-DD.")],
    end: Annotated[
        datetime | None, typer.Option(formats=DATE, help="Up to and including this day.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="What the interest is.")] = None,
) -> None:
    """Record a person's conflict of interest.

    From START they may not vote on or approve anything about the subject."""
    from registry.governance import service as governance
    from registry.governance.rules import SubjectKind

    actor = system_actor("cli:governance-conflict-add")
    data = governance.ConflictInput(
        person,
        SubjectKind(subject_kind.value),
        subject,
        start.date(),
        end.date() if end else None,
        description,
    )
    row = in_transaction(lambda session: governance.record_conflict(session, actor, data))
    out.print(
        f"Stored conflict of interest {row.id}: person {row.person_id} in "
        f"{row.subject_kind.value} {escape(row.subject_reference)} from {row.starts_on}.",
        soft_wrap=True,
    )


@conflict_app.command("list")
def conflict_list() -> None:
    """The register of conflicts of interest: who, about what, from when until when."""
    from rich.table import Table

    from registry.governance import service as governance

    actor = system_actor("cli:governance-conflict-list")

    async def work(session: AsyncSession) -> list[tuple[Conflict, str]]:
        names = {p.id: p.name for p in await governance.list_people(session, actor)}
        rows = await governance.list_conflicts(session, actor)
        return [(c, names.get(c.person_id, "")) for c in rows]

    table = Table("id", "person", "subject", "from", "until", "description")
    for row, name in read(work):
        table.add_row(
            str(row.id),
            escape(name),
            f"{row.subject_kind.value} {escape(row.subject_reference)}",
            row.starts_on.isoformat(),
            row.ends_on.isoformat() if row.ends_on else "",
            escape(row.description or ""),
        )
    out.print(table)
