"""Governance: bodies and people, meetings, agenda, attendance, proxies, votes and conflicts
of interest."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from registry.cli.common import (
    DATE,
    EnumChoice,
    Said,
    as_command,
    choice_option,
    headings,
    named,
    out,
    read_as,
    say,
    tell,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from registry.auth.roles import Actor
    from registry.governance.models import BodyPerson, Conflict, PersonRole
    from registry.governance.rules import Choice, MeetingForm, ProposalKind, SubjectKind
    from registry.members.models import DecisionBody
else:  # the domain is imported when a command needs its values (see EnumChoice)
    PersonRole = EnumChoice("registry.governance.models:PersonRole")
    Choice = EnumChoice("registry.governance.rules:Choice")
    MeetingForm = EnumChoice("registry.governance.rules:MeetingForm")
    ProposalKind = EnumChoice("registry.governance.rules:ProposalKind")
    SubjectKind = EnumChoice("registry.governance.rules:SubjectKind")
    DecisionBody = EnumChoice("registry.members.models:DecisionBody")


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


def _counted(votes_for: int | None, against: int | None, abstain: int | None) -> Said:
    """A tally as people read it: how many for, against and abstaining."""
    return say(
        "{f} voor, {a} tegen, {o} onthouding",
        "{f} for, {a} against, {o} abstain",
        f=votes_for or 0,
        a=against or 0,
        o=abstain or 0,
    )


@governance_app.command("meetings")
def governance_meetings(
    body: Annotated[
        DecisionBody | None,
        choice_option(DecisionBody, help="alv, rvc or directie; all when left out."),
    ] = None,
) -> None:
    """The meetings, newest first, with every proposal's tally and outcome."""
    from registry.governance import service as governance

    async def work(session: AsyncSession, actor: Actor) -> list[governance.MeetingView]:
        meetings = await governance.list_meetings(session, actor, body)
        return [await governance.meeting_view(session, actor, m.id) for m in meetings]

    for view in as_command("cli:governance-meetings", work):
        meeting = view.meeting
        quorum = (
            say("quorum gehaald", "quorum met") if view.quorate else say("geen quorum", "no quorum")
        )
        tell(
            "{day} {body} {title} ({form}; {entitled} van {seats} stemgerechtigd; {quorum})",
            "{day} {body} {title} ({form}; {entitled} of {seats} entitled; {quorum})",
            day=meeting.held_on.isoformat(),
            body=meeting.body,
            title=meeting.title,
            form=meeting.form,
            entitled=len(view.entitled),
            seats=view.seats,
            quorum=quorum,
        )
        for entry in view.items:
            item = entry.item
            if item.kind is None:
                outcome = say("geen voorstel", "not a proposal")
            elif item.adopted is None:
                t = entry.running
                counted = _counted(t.votes_for, t.against, t.abstain)
                outcome = say("open: {counted}", "open: {counted}", counted=counted)
            else:
                decision = view.decisions.get(item.decision_id or 0)
                verdict = (
                    say("aangenomen als {ref}", "adopted as {ref}", ref=decision.reference)
                    if decision
                    else say("verworpen", "rejected")
                )
                counted = _counted(item.votes_for, item.votes_against, item.abstentions)
                outcome = say(
                    "{verdict}: {counted}", "{verdict}: {counted}", verdict=verdict, counted=counted
                )
            out.print(
                say(
                    "  {n}. {title}: {outcome}",
                    "  {n}. {title}: {outcome}",
                    n=item.position,
                    title=item.title,
                    outcome=outcome,
                )
            )


@person_app.command("add")
def person_add(
    body: Annotated[DecisionBody, choice_option(DecisionBody, help="The body the person joins.")],
    name: Annotated[str, typer.Option(help="The person's name.")],
    role: Annotated[
        PersonRole,
        choice_option(
            PersonRole,
            help="ALV: representative; RvC: chair, secretary or member; directie: "
            "director or chair.",
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

    async def work(session: AsyncSession, actor: Actor) -> BodyPerson:
        user_id = await governance.user_by_email(session, user_email) if user_email else None
        data = governance.PersonInput(
            name, body, role, start.date(), end.date() if end else None, member, user_id
        )
        rules = governance.rules_of(get_settings())
        return await governance.add_person(session, actor, data, rules)

    person = as_command("cli:governance-person-add", work)
    if person.ends_on:
        until = say("tot en met {end}", "until {end}", end=person.ends_on)
    else:
        until = say("zonder einddatum", "open-ended")
    tell(
        "Persoon {id} vastgelegd: {name}, {role} van de {body} vanaf {start}, {until}.",
        "Stored person {id}: {name}, {role} of the {body} from {start}, {until}.",
        id=person.id,
        name=person.name,
        role=person.role,
        body=person.body,
        start=person.starts_on,
        until=until,
    )


@person_app.command("end")
def person_end(
    person_id: Annotated[int, typer.Argument(help="The person's number (see `person list`).")],
    on: Annotated[datetime, typer.Option(formats=DATE, help="The last day, YYYY-MM-DD.")],
) -> None:
    """A person leaves their body; ON is their last day."""
    from registry.governance import service as governance

    person = as_command(
        "cli:governance-person-end",
        lambda session, actor: governance.end_person(session, actor, person_id, on.date()),
    )
    tell(
        "Vastgelegd: {name} verlaat de {body} na {end}.",
        "Stored: {name} leaves the {body} after {end}.",
        name=person.name,
        body=person.body,
        end=person.ends_on or on.date(),
    )


@person_app.command("list")
def person_list(
    body: Annotated[
        DecisionBody | None, choice_option(DecisionBody, help="Only this body.")
    ] = None,
) -> None:
    """The people of the bodies: number, name, body, role, member, first and last day."""
    from rich.table import Table

    from registry.governance import service as governance
    from registry.members.repository import members_by_ids

    async def work(session: AsyncSession, actor: Actor) -> list[tuple[BodyPerson, str]]:
        people = await governance.list_people(session, actor)
        chosen = [p for p in people if body is None or p.body is body]
        codes = await members_by_ids(session, sorted({p.member_id for p in chosen if p.member_id}))
        return [(p, codes[p.member_id].code if p.member_id in codes else "") for p in chosen]

    table = Table(
        *headings(
            ("nr", "id"),
            ("naam", "name"),
            ("orgaan", "body"),
            ("rol", "role"),
            ("lid", "member"),
            ("van", "from"),
            ("tot en met", "until"),
        )
    )
    for person, code in read_as("cli:governance-person-list", work):
        table.add_row(
            str(person.id),
            escape(person.name),
            named(person.body),
            named(person.role),
            code,
            person.starts_on.isoformat(),
            person.ends_on.isoformat() if person.ends_on else "",
        )
    out.print(table)


@meeting_app.command("add")
def meeting_add(
    body: Annotated[DecisionBody, choice_option(DecisionBody, help="The body that meets.")],
    date: Annotated[datetime, typer.Option(formats=DATE, help="The day it is held, YYYY-MM-DD.")],
    title: Annotated[str, typer.Option(help="The meeting's title, e.g. ALV najaar 2026.")],
    form: Annotated[
        MeetingForm | None,
        choice_option(
            MeetingForm,
            help="meeting, or written (a written resolution: no attendance).",
            show_default="meeting",
        ),
    ] = None,
    minutes: Annotated[
        str | None, typer.Option(help="Reference of the minutes' document, if known.")
    ] = None,
) -> None:
    """A meeting of a body, or a written resolution."""
    from registry.governance import service as governance
    from registry.governance.rules import MeetingForm

    data = governance.MeetingInput(body, date.date(), title, form or MeetingForm.MEETING, minutes)
    meeting = as_command(
        "cli:governance-meeting-add",
        lambda session, actor: governance.create_meeting(session, actor, data),
    )
    tell(
        "Vergadering {id} vastgelegd: {body} {title} op {day} ({form}).",
        "Stored meeting {id}: {body} {title} on {day} ({form}).",
        id=meeting.id,
        body=meeting.body,
        title=meeting.title,
        day=meeting.held_on,
        form=meeting.form,
    )


@meeting_app.command("minutes")
def meeting_minutes(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    reference: Annotated[str, typer.Argument(help="Reference of the minutes' document.")],
) -> None:
    """Record the minutes of a meeting, as a reference to the document."""
    from registry.governance import service as governance

    meeting = as_command(
        "cli:governance-meeting-minutes",
        lambda session, actor: governance.set_minutes(session, actor, meeting_id, reference),
    )
    tell(
        "De notulen van vergadering {id} vastgelegd: {reference}.",
        "Stored the minutes of meeting {id}: {reference}.",
        id=meeting.id,
        reference=meeting.minutes_reference or "",
    )


@agenda_app.command("add")
def agenda_add(
    meeting_id: Annotated[int, typer.Argument(help="The meeting's number.")],
    title: Annotated[str, typer.Option(help="The item's title.")],
    kind: Annotated[
        ProposalKind | None,
        choice_option(
            ProposalKind,
            help="The kind of proposal (decides the majority); none: not voted on.",
        ),
    ] = None,
    subject_kind: Annotated[
        SubjectKind | None, choice_option(SubjectKind, help="What the item is about.")
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(help="The member's code, the application's slug, the contract's reference."),
    ] = None,
) -> None:
    """An item at the end of the meeting's agenda; with --kind it is a proposal."""
    from registry.governance import service as governance

    data = governance.ItemInput(title, kind, subject_kind, subject)
    item = as_command(
        "cli:governance-agenda-add",
        lambda session, actor: governance.add_agenda_item(session, actor, meeting_id, data),
    )
    if item.kind:
        what = say("Voorstel ({kind})", "proposal ({kind})", kind=item.kind)
    else:
        what = say("Agendapunt (geen voorstel)", "item (not a proposal)")
    tell(
        "{what} {id} vastgelegd als punt {n} van vergadering {meeting}: {title}.",
        "Stored agenda {what} {id} as point {n} of meeting {meeting}: {title}.",
        what=what,
        id=item.id,
        n=item.position,
        meeting=item.meeting_id,
        title=item.title,
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

    present = [(code, None) for code in member or []] + [(None, p) for p in person or []]

    async def work(session: AsyncSession, actor: Actor) -> int:
        for code, person_id in present:
            await governance.record_attendance(
                session, actor, meeting_id, member_code=code, person_id=person_id
            )
        return len(present)

    if not present:
        tell(
            "Noem ten minste één --member of --person; er is niets vastgelegd.",
            "Name at least one --member or --person; nothing was stored.",
        )
        raise typer.Exit(code=2)
    count = as_command("cli:governance-attendance", work)
    tell(
        "De aanwezigheid van {count} bij vergadering {meeting} vastgelegd: {names}.",
        "Stored the attendance of {count} at meeting {meeting}: {names}.",
        count=count,
        meeting=meeting_id,
        names=", ".join([*(member or []), *(str(p) for p in person or [])]),
    )


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

    rules = governance.rules_of(get_settings())
    as_command(
        "cli:governance-proxy-add",
        lambda session, actor: governance.record_proxy(
            session, actor, meeting_id, from_member, to_member, document, rules
        ),
    )
    tell(
        "De volmacht van {giver} aan {holder} bij vergadering {meeting} vastgelegd ({document}).",
        "Stored the proxy of {giver} to {holder} at meeting {meeting} ({document}).",
        giver=from_member,
        holder=to_member,
        meeting=meeting_id,
        document=document,
    )


@governance_app.command("vote")
def vote(
    item_id: Annotated[int, typer.Argument(help="The proposal's number (agenda item).")],
    choice: Annotated[Choice, choice_option(Choice, help="for, against or abstain.")],
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

    data = governance.VoteInput(choice, member, person, cast_by)
    cast = as_command(
        "cli:governance-vote",
        lambda session, actor: governance.cast_vote(session, actor, item_id, data),
    )
    voter = member or say("persoon {n}", "person {n}", n=person or 0)
    tell(
        "De stem van {voter} over voorstel {item} vastgelegd: {choice}.",
        "Stored the vote of {voter} on proposal {item}: {choice}.",
        voter=voter,
        item=item_id,
        choice=cast.choice,
    )


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

    rules = governance.rules_of(get_settings())
    outcome = as_command(
        "cli:governance-proposal-close",
        lambda session, actor: governance.close_proposal(session, actor, item_id, reference, rules),
    )
    t = outcome.tally
    if outcome.decision is not None:
        verdict = say(
            "aangenomen als besluit {ref}",
            "adopted as decision {ref}",
            ref=outcome.decision.reference,
        )
    else:
        verdict = say("verworpen; geen besluit vastgelegd", "rejected; no decision recorded")
    tell(
        "Voorstel {item} gesloten ({majority}): {counted}: {verdict}.",
        "Proposal {item} closed ({majority}): {counted}: {verdict}.",
        item=item_id,
        majority=outcome.majority,
        counted=_counted(t.votes_for, t.against, t.abstain),
        verdict=verdict,
    )


@conflict_app.command("add")
def conflict_add(
    person: Annotated[int, typer.Option(help="The number of the person with the interest.")],
    subject_kind: Annotated[
        SubjectKind, choice_option(SubjectKind, help="What the interest is in.")
    ],
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

    data = governance.ConflictInput(
        person, subject_kind, subject, start.date(), end.date() if end else None, description
    )
    row = as_command(
        "cli:governance-conflict-add",
        lambda session, actor: governance.record_conflict(session, actor, data),
    )
    tell(
        "Belangenverstrengeling {id} vastgelegd: persoon {person} bij {kind} {subject} "
        "vanaf {start}.",
        "Stored conflict of interest {id}: person {person} in {kind} {subject} from {start}.",
        id=row.id,
        person=row.person_id,
        kind=row.subject_kind,
        subject=row.subject_reference,
        start=row.starts_on,
    )


@conflict_app.command("list")
def conflict_list() -> None:
    """The register of conflicts of interest: who, about what, from when until when."""
    from rich.table import Table

    from registry.governance import service as governance

    async def work(session: AsyncSession, actor: Actor) -> list[tuple[Conflict, str]]:
        names = {p.id: p.name for p in await governance.list_people(session, actor)}
        rows = await governance.list_conflicts(session, actor)
        return [(c, names.get(c.person_id, "")) for c in rows]

    table = Table(
        *headings(
            ("nr", "id"),
            ("persoon", "person"),
            ("onderwerp", "subject"),
            ("van", "from"),
            ("tot en met", "until"),
            ("omschrijving", "description"),
        )
    )
    for row, name in read_as("cli:governance-conflict-list", work):
        table.add_row(
            str(row.id),
            escape(name),
            say("{kind} {ref}", "{kind} {ref}", kind=row.subject_kind, ref=row.subject_reference),
            row.starts_on.isoformat(),
            row.ends_on.isoformat() if row.ends_on else "",
            escape(row.description or ""),
        )
    out.print(table)
