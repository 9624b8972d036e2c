"""Governance operations: people in the bodies, meetings and their agenda, attendance,
proxies, votes, closing a proposal into a `Decision`, and the register of conflicts of
interest. Every operation takes (session, actor, ...), checks, writes, audits and flushes —
never commits. The arithmetic is in `rules.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record_row, update_recorded
from registry.auth.models import User
from registry.auth.policy import Permission, allows, require
from registry.auth.repository import users_with_email
from registry.auth.roles import Actor
from registry.catalogue.repository import application_by_slug
from registry.db import serialise
from registry.governance import repository
from registry.governance.errors import GovernanceRefusal
from registry.governance.models import (
    ROLES_OF,
    AgendaItem,
    Attendance,
    BodyPerson,
    Conflict,
    Meeting,
    PersonRole,
    Proxy,
    Vote,
)
from registry.governance.rules import (
    DEFAULT_RULES,
    Choice,
    ConflictRecord,
    GovernanceRules,
    Majority,
    MeetingForm,
    Origin,
    ProposalKind,
    Subject,
    SubjectKind,
    Tally,
    adopted,
    proxy_refusal,
    quorum_met,
    rules_from,
    seated_on,
    seats_refusal,
    seats_short,
    tally,
    voters,
    why_conflicted,
)
from registry.kit.errors import (
    Common,
    ErrorCollector,
    Forbidden,
    NotFound,
    Phrase,
    ValidationFailed,
)
from registry.members import repository as members
from registry.members.decisions import DecisionInput, record_decision
from registry.members.lookup import member_or_refuse
from registry.members.membership import is_member_on as is_member_on_date
from registry.members.memberships import membership_dates
from registry.members.models import Decision, DecisionBody, Member
from registry.settings import Settings

RVC_TERM_YEARS = 4


def authorise(actor: Actor) -> None:
    require(actor, Permission.GOVERNANCE_MANAGE, GovernanceRefusal.DIRECTIE_ONLY)


def authorise_read(actor: Actor) -> None:
    require(actor, Permission.GOVERNANCE_READ, GovernanceRefusal.READERS_ONLY)


def may_read_alv(actor: Actor) -> bool:
    """The directie and the auditor, and a member admin of any member, read the ALV's
    meetings and outcomes."""
    return allows(actor, Permission.GOVERNANCE_READ) or any(
        allows(actor, Permission.ALV_READ, member_id) for member_id in actor.member_ids
    )


async def _audit(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: Any,
    before: dict[str, Any] | None = None,
    member_id: int | None = None,
    **extra: Any,
) -> None:
    await record_row(
        session,
        actor,
        operation,
        row.__tablename__,
        row,
        before=before,
        member_id=_member_of(row, member_id),
        **extra,
    )


async def _add(session: AsyncSession, actor: Actor, row: Any, member_id: int | None = None) -> None:
    """Store a new governance row and record its creation (see `add_recorded`)."""
    await add_recorded(session, actor, row, member_id=_member_of(row, member_id))


def _member_of(row: Any, member_id: int | None) -> int | None:
    """The member a governance event belongs to: the one given, else the row's own."""
    return member_id if member_id is not None else getattr(row, "member_id", None)


def _body(value: str, errors: ErrorCollector, field_name: str = "body") -> DecisionBody | None:
    try:
        return DecisionBody(value.strip().lower())
    except ValueError:
        errors.add(field_name, GovernanceRefusal.UNKNOWN_BODY, value=value)
        return None


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------- bodies and people


@dataclass(frozen=True, slots=True)
class PersonInput:
    name: str
    body: str
    role: str
    starts_on: date
    ends_on: date | None = None
    member_code: str | None = None
    user_id: int | None = None


async def add_person(
    session: AsyncSession,
    actor: Actor,
    data: PersonInput,
    rules: GovernanceRules = DEFAULT_RULES,
) -> BodyPerson:
    """A person joins a body. An RvC term lasts at most four years (four years when no end
    is given) and the RvC never has more seats filled than the maximum on any day."""
    authorise(actor)
    await serialise(session, "governance:people")
    errors = ErrorCollector()
    name = data.name.strip()
    if not name:
        errors.add("name", Common.REQUIRED)
    body = _body(data.body, errors)
    role: PersonRole | None = None
    try:
        role = PersonRole(data.role.strip().lower())
    except ValueError:
        errors.add("role", GovernanceRefusal.UNKNOWN_ROLE, value=data.role)
    if body is not None and role is not None and role not in ROLES_OF[body]:
        errors.add("role", GovernanceRefusal.ROLE_NOT_IN_BODY)
    member: Member | None = None
    code = (data.member_code or "").strip()
    if body is DecisionBody.ALV and not code:
        errors.add("member", GovernanceRefusal.MEMBER_REQUIRED)
    elif code and body is not None and body is not DecisionBody.ALV:
        errors.add("member", GovernanceRefusal.MEMBER_ONLY_IN_ALV)
    elif code:
        member = await errors.check_awaitable(member_or_refuse(session, code))
    if data.user_id is not None and await session.get(User, data.user_id) is None:
        errors.add("user", GovernanceRefusal.UNKNOWN_USER, value=data.user_id)
    ends_on = data.ends_on
    if body is DecisionBody.RVC:
        longest = _add_years(data.starts_on, RVC_TERM_YEARS) - timedelta(days=1)
        if ends_on is None:
            ends_on = longest
        elif ends_on > longest:
            errors.add("endsOn", GovernanceRefusal.TERM_TOO_LONG, years=RVC_TERM_YEARS)
    if ends_on is not None and ends_on < data.starts_on:
        errors.add("endsOn", GovernanceRefusal.ENDS_BEFORE_START)
    if body is DecisionBody.RVC and not errors.errors:
        seated = await repository.people(session, DecisionBody.RVC)
        days = {data.starts_on} | {
            p.starts_on for p in seated if seated_on(data.starts_on, ends_on, p.starts_on)
        }
        most = max(
            1 + sum(1 for p in seated if seated_on(p.starts_on, p.ends_on, day)) for day in days
        )
        refusal = seats_refusal(most, rules)
        if refusal is not None:
            errors.add("startsOn", refusal)
    errors.raise_if_any()
    assert body is not None
    assert role is not None
    person = BodyPerson(
        name=name,
        body=body,
        role=role,
        member_id=member.id if member else None,
        user_id=data.user_id,
        starts_on=data.starts_on,
        ends_on=ends_on,
    )
    await _add(session, actor, person)
    return person


async def user_by_email(session: AsyncSession, email: str) -> int:
    """The id of the one registry user with this e-mail address, to link a person to when
    the command line names them by address; refused when there is none or more than one."""
    found = await users_with_email(session, email)
    if len(found) != 1:
        raise ValidationFailed.single("user", GovernanceRefusal.UNKNOWN_USER_EMAIL, value=email)
    return found[0].id


async def end_person(
    session: AsyncSession, actor: Actor, person_id: int, ends_on: date
) -> BodyPerson:
    """A person leaves their body on `ends_on` (the last day)."""
    authorise(actor)
    person = await _person(session, person_id)
    if ends_on < person.starts_on:
        raise ValidationFailed.single("endsOn", GovernanceRefusal.ENDS_BEFORE_START)
    await update_recorded(
        session, actor, person, {"ends_on": ends_on}, member_id=_member_of(person, None)
    )
    return person


async def _person(session: AsyncSession, person_id: int, field_name: str = "person") -> BodyPerson:
    person = await session.get(BodyPerson, person_id)
    if person is None:
        raise ValidationFailed.single(field_name, GovernanceRefusal.UNKNOWN_PERSON, value=person_id)
    return person


# ---------------------------------------------------------------- meetings


@dataclass(frozen=True, slots=True)
class MeetingInput:
    body: str
    held_on: date
    title: str
    form: MeetingForm = MeetingForm.MEETING
    minutes_reference: str | None = None


async def create_meeting(session: AsyncSession, actor: Actor, data: MeetingInput) -> Meeting:
    """A meeting of a body, or a written resolution (`form` written)."""
    authorise(actor)
    errors = ErrorCollector()
    body = _body(data.body, errors)
    title = data.title.strip()
    if not title:
        errors.add("title", Common.REQUIRED)
    errors.raise_if_any()
    assert body is not None
    meeting = Meeting(
        body=body,
        form=data.form,
        held_on=data.held_on,
        title=title,
        minutes_reference=(data.minutes_reference or "").strip() or None,
    )
    await _add(session, actor, meeting)
    return meeting


async def set_minutes(
    session: AsyncSession, actor: Actor, meeting_id: int, reference: str
) -> Meeting:
    """The minutes of a meeting, as a reference to the document."""
    authorise(actor)
    meeting = await meeting_or_refuse(session, meeting_id)
    reference = reference.strip()
    if not reference:
        raise ValidationFailed.single("minutesReference", Common.REQUIRED)
    await update_recorded(session, actor, meeting, {"minutes_reference": reference})
    return meeting


async def meeting_or_refuse(session: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(GovernanceRefusal.UNKNOWN_MEETING, value=meeting_id)
    return meeting


@dataclass(frozen=True, slots=True)
class ItemInput:
    title: str
    kind: ProposalKind | None = None
    subject_kind: SubjectKind | None = None
    subject_reference: str | None = None


async def add_agenda_item(
    session: AsyncSession, actor: Actor, meeting_id: int, data: ItemInput
) -> AgendaItem:
    """An item at the end of the meeting's agenda; with a `kind` it is a proposal."""
    authorise(actor)
    meeting = await meeting_or_refuse(session, meeting_id)
    await serialise(session, f"meeting:{meeting.id}")
    errors = ErrorCollector()
    title = data.title.strip()
    if not title:
        errors.add("title", Common.REQUIRED)
    subject = await _subject(session, data.subject_kind, data.subject_reference, errors)
    errors.raise_if_any()
    items = await repository.items_of(session, meeting.id)
    item = AgendaItem(
        meeting_id=meeting.id,
        position=1 + max((i.position for i in items), default=0),
        title=title,
        kind=data.kind,
        subject_kind=subject.kind if subject else None,
        subject_reference=subject.reference if subject else None,
    )
    await _add(session, actor, item)
    return item


async def _subject(
    session: AsyncSession,
    kind: SubjectKind | None,
    reference: str | None,
    errors: ErrorCollector,
    field_name: str = "subject",
) -> Subject | None:
    """The typed reference, checked: a member and an application must exist."""
    text = (reference or "").strip()
    if kind is None:
        if text:
            return Subject(SubjectKind.OTHER, text)
        return None
    if not text:
        errors.add(field_name, Common.REQUIRED)
        return None
    if kind is SubjectKind.MEMBER:
        if await errors.check_awaitable(member_or_refuse(session, text, field_name)) is None:
            return None
    elif kind is SubjectKind.APPLICATION and await application_by_slug(session, text) is None:
        errors.add(field_name, GovernanceRefusal.UNKNOWN_APPLICATION, value=text)
        return None
    return Subject(kind, text)


async def record_attendance(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    *,
    member_code: str | None = None,
    person_id: int | None = None,
) -> Attendance:
    """A member (ALV) or a person (RvC, directie) is present. Recording it again answers
    with the attendance already recorded."""
    authorise(actor)
    meeting = await meeting_or_refuse(session, meeting_id)
    await serialise(session, f"meeting:{meeting.id}")
    if meeting.form is MeetingForm.WRITTEN:
        raise ValidationFailed.single("meeting", GovernanceRefusal.WRITTEN_HAS_NO_ATTENDANCE)
    present = await repository.attendance_of(session, meeting.id)
    if meeting.body is DecisionBody.ALV:
        if not member_code or person_id is not None:
            raise ValidationFailed.single("member", GovernanceRefusal.WRONG_VOTER)
        member = await member_or_refuse(session, member_code)
        if not await _member_on(session, member.id, meeting.held_on):
            raise ValidationFailed.single("member", GovernanceRefusal.NOT_SEATED, voter=member.name)
        found = next((a for a in present if a.member_id == member.id), None)
        row = Attendance(meeting_id=meeting.id, member_id=member.id)
    else:
        if person_id is None or member_code:
            raise ValidationFailed.single("person", GovernanceRefusal.WRONG_VOTER)
        person = await _seated_person(session, meeting, person_id)
        found = next((a for a in present if a.person_id == person.id), None)
        row = Attendance(meeting_id=meeting.id, person_id=person.id)
    if found is not None:
        return found
    await _add(session, actor, row)
    return row


async def _seated_person(session: AsyncSession, meeting: Meeting, person_id: int) -> BodyPerson:
    person = await _person(session, person_id)
    if person.body is not meeting.body or not seated_on(
        person.starts_on, person.ends_on, meeting.held_on
    ):
        raise ValidationFailed.single("person", GovernanceRefusal.NOT_SEATED, voter=person.name)
    return person


async def _member_on(session: AsyncSession, member_id: int, on: date) -> bool:
    memberships = (await members.memberships_of_members(session, [member_id]))[member_id]
    return any(is_member_on_date(membership_dates(m), on) for m in memberships)


async def members_on(session: AsyncSession, on: date) -> set[int]:
    """The members admitted and not ended on `on`: the ALV's seats that day."""
    return {
        m.member_id
        for m in await members.all_memberships(session)
        if is_member_on_date(membership_dates(m), on)
    }


async def record_proxy(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    grantor_code: str,
    holder_code: str,
    document_reference: str,
    rules: GovernanceRules = DEFAULT_RULES,
) -> Proxy:
    """A written proxy from one member to another for one ALV, within the limit per holder.
    Recording the same proxy again answers with the one recorded."""
    authorise(actor)
    meeting = await meeting_or_refuse(session, meeting_id)
    await serialise(session, f"meeting:{meeting.id}")
    if meeting.body is not DecisionBody.ALV:
        raise ValidationFailed.single("meeting", GovernanceRefusal.PROXY_ONLY_IN_ALV)
    if meeting.form is MeetingForm.WRITTEN:
        raise ValidationFailed.single("meeting", GovernanceRefusal.WRITTEN_HAS_NO_ATTENDANCE)
    errors = ErrorCollector()
    grantor = await errors.check_awaitable(member_or_refuse(session, grantor_code, "grantor"))
    holder = await errors.check_awaitable(member_or_refuse(session, holder_code, "holder"))
    reference = document_reference.strip()
    if not reference:
        errors.add("documentReference", Common.REQUIRED)
    errors.raise_if_any()
    assert grantor is not None
    assert holder is not None
    for who, name in ((grantor, "grantor"), (holder, "holder")):
        if not await _member_on(session, who.id, meeting.held_on):
            errors.add(name, GovernanceRefusal.NOT_SEATED, voter=who.name)
    errors.raise_if_any()
    proxies = await repository.proxies_of(session, meeting.id)
    same = next(
        (
            p
            for p in proxies
            if p.grantor_member_id == grantor.id and p.holder_member_id == holder.id
        ),
        None,
    )
    if same is not None:
        return same
    items = await repository.items_of(session, meeting.id)
    if await repository.votes_of(session, [i.id for i in items]):
        raise ValidationFailed.single("grantor", GovernanceRefusal.PROXY_AFTER_VOTES)
    present = {str(a.member_id) for a in await repository.attendance_of(session, meeting.id)}
    refusal = proxy_refusal(
        str(grantor.id),
        str(holder.id),
        {str(p.grantor_member_id): str(p.holder_member_id) for p in proxies},
        present,
        rules.proxies_per_holder,
    )
    if refusal is not None:
        raise ValidationFailed.single("grantor", refusal)
    proxy = Proxy(
        meeting_id=meeting.id,
        grantor_member_id=grantor.id,
        holder_member_id=holder.id,
        document_reference=reference,
    )
    await _add(session, actor, proxy, member_id=grantor.id)
    return proxy


# ---------------------------------------------------------------- votes


@dataclass(frozen=True, slots=True)
class VoteInput:
    choice: Choice
    member_code: str | None = None
    person_id: int | None = None
    cast_by_id: int | None = None


async def item_or_refuse(session: AsyncSession, item_id: int) -> AgendaItem:
    item = await session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(GovernanceRefusal.UNKNOWN_ITEM, value=item_id)
    return item


async def cast_vote(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    data: VoteInput,
    on: date | None = None,
) -> Vote:
    """One vote of a member (ALV) or a person (RvC, directie) on an open proposal.

    The voter must be present or represented by a proxy (in a written resolution: a member
    that day, or seated that day) and the person who casts it may have no conflict of
    interest in the proposal's subject. The same vote again answers with the vote recorded;
    a different one is refused: a vote once cast stands.
    """
    authorise(actor)
    await serialise(session, f"agenda_item:{item_id}")  # before reading what it decides on
    item = await item_or_refuse(session, item_id)
    meeting = await meeting_or_refuse(session, item.meeting_id)
    if item.kind is None:
        raise ValidationFailed.single("item", GovernanceRefusal.NOT_A_PROPOSAL)
    if item.adopted is not None:
        raise ValidationFailed.single("item", GovernanceRefusal.PROPOSAL_CLOSED)
    entitled = await entitled_voters(session, meeting)
    votes = await repository.votes_of(session, [item.id])
    caster: BodyPerson | None = None
    if meeting.body is DecisionBody.ALV:
        if not data.member_code or data.person_id is not None:
            raise ValidationFailed.single("member", GovernanceRefusal.WRONG_VOTER)
        member = await member_or_refuse(session, data.member_code)
        if member.id not in entitled:
            raise ValidationFailed.single(
                "member", GovernanceRefusal.NOT_ENTITLED, voter=member.name
            )
        if data.cast_by_id is not None:
            caster = await _person(session, data.cast_by_id, "castBy")
        previous = next((v for v in votes if v.member_id == member.id), None)
        row = Vote(
            agenda_item_id=item.id,
            member_id=member.id,
            cast_by_id=caster.id if caster else None,
            choice=data.choice,
        )
    else:
        if data.person_id is None or data.member_code:
            raise ValidationFailed.single("person", GovernanceRefusal.WRONG_VOTER)
        caster = await _person(session, data.person_id)
        if caster.id not in entitled:
            raise ValidationFailed.single(
                "person", GovernanceRefusal.NOT_ENTITLED, voter=caster.name
            )
        previous = next((v for v in votes if v.person_id == caster.id), None)
        row = Vote(agenda_item_id=item.id, person_id=caster.id, choice=data.choice)
    if previous is not None:
        if previous.choice is data.choice:
            return previous
        raise ValidationFailed.single("choice", GovernanceRefusal.ALREADY_VOTED)
    subject = subject_of(item)
    if subject is not None and caster is not None:
        refusal = await conflicted(session, subject, on or meeting.held_on, person_id=caster.id)
        if refusal is not None:
            raise ValidationFailed.single("castBy", refusal)
    # the unique keys refuse a second vote that lost a race
    await _add(session, actor, row, member_id=row.member_id)
    return row


def subject_of(item: AgendaItem) -> Subject | None:
    if item.subject_kind is None or not item.subject_reference:
        return None
    return Subject(item.subject_kind, item.subject_reference)


async def entitled_voters(session: AsyncSession, meeting: Meeting) -> set[int]:
    """Who may vote in `meeting`: member ids (ALV) or person ids (RvC, directie)."""
    if meeting.form is MeetingForm.WRITTEN:
        if meeting.body is DecisionBody.ALV:
            return await members_on(session, meeting.held_on)
        return {
            p.id
            for p in await repository.people(session, meeting.body)
            if seated_on(p.starts_on, p.ends_on, meeting.held_on)
        }
    present = await repository.attendance_of(session, meeting.id)
    if meeting.body is DecisionBody.ALV:
        proxies = await repository.proxies_of(session, meeting.id)
        allowed = voters(
            [str(a.member_id) for a in present],
            {str(p.grantor_member_id): str(p.holder_member_id) for p in proxies},
        )
        return {int(v) for v in allowed}
    return {a.person_id for a in present if a.person_id is not None}


async def seats_of(session: AsyncSession, meeting: Meeting) -> int:
    """How many seats the body has on the meeting's day."""
    if meeting.body is DecisionBody.ALV:
        return len(await members_on(session, meeting.held_on))
    return sum(
        1
        for p in await repository.people(session, meeting.body)
        if seated_on(p.starts_on, p.ends_on, meeting.held_on)
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    item: AgendaItem
    tally: Tally
    majority: Majority
    adopted: bool
    decision: Decision | None


async def close_proposal(
    session: AsyncSession,
    actor: Actor,
    item_id: int,
    reference: str,
    rules: GovernanceRules = DEFAULT_RULES,
) -> Outcome:
    """Count the votes on a proposal and close it. An adopted proposal records its
    `Decision` (of the meeting's body, on the meeting's day, under `reference`) with the
    tally attached; a rejected one keeps its tally and records no decision. A meeting
    without quorum decides nothing."""
    authorise(actor)
    await serialise(session, f"agenda_item:{item_id}")  # before reading what it decides on
    item = await item_or_refuse(session, item_id)
    meeting = await meeting_or_refuse(session, item.meeting_id)
    if item.kind is None:
        raise ValidationFailed.single("item", GovernanceRefusal.NOT_A_PROPOSAL)
    if item.adopted is not None:
        raise ValidationFailed.single("item", GovernanceRefusal.PROPOSAL_CLOSED)
    entitled = await entitled_voters(session, meeting)
    seats = await seats_of(session, meeting)
    if meeting.form is MeetingForm.MEETING:
        quorum = rules.quorum.get(meeting.body.value)
        if quorum is not None and not quorum_met(len(entitled), seats, quorum):
            raise ValidationFailed.single(
                "item", GovernanceRefusal.NO_QUORUM, present=len(entitled), seats=seats
            )
    votes = await repository.votes_of(session, [item.id])
    counted = tally({str(v.member_id or v.person_id): v.choice for v in votes})
    majority = rules.majority_for(item.kind, meeting.form)
    passed = adopted(counted, majority, entitled=len(entitled))
    before = {"adopted": None}
    decision: Decision | None = None
    if passed:
        decision = await record_decision(
            session,
            actor,
            DecisionInput(
                body=meeting.body.value,
                decided_on=meeting.held_on,
                reference=reference,
                subject=item.title,
                text=None,
                document_url=None,
            ),
        )
        item.decision_id = decision.id
    item.adopted = passed
    item.votes_for = counted.votes_for
    item.votes_against = counted.against
    item.abstentions = counted.abstain
    await session.flush()
    await _audit(session, actor, "update", item, before, majority=majority.value)
    return Outcome(item, counted, majority, passed, decision)


@dataclass(frozen=True, slots=True)
class DecisionOrigin:
    """How a decision came about, and whether the RvC was short of seats that day."""

    origin: Origin
    item: AgendaItem | None
    seats_short: bool


async def origins_of(
    session: AsyncSession, decisions: list[Decision], rules: GovernanceRules = DEFAULT_RULES
) -> dict[int, DecisionOrigin]:
    """The origin of each decision (for a list of decisions: a constant number of queries);
    an RvC decision voted while fewer than the minimum of seats were filled is flagged."""
    items = await repository.items_of_decisions(session, [d.id for d in decisions])
    forms = await repository.forms_of_meetings(session, [i.meeting_id for i in items.values()])
    people = await repository.people(session, DecisionBody.RVC)
    found: dict[int, DecisionOrigin] = {}
    for decision in decisions:
        item = items.get(decision.id)
        if item is None:
            origin = Origin.RECORDED
        elif forms.get(item.meeting_id) is MeetingForm.WRITTEN:
            origin = Origin.WRITTEN
        else:
            origin = Origin.MEETING
        # Only where the registry knows who sat: a decision voted here, not one recorded.
        short = (
            item is not None
            and decision.body is DecisionBody.RVC
            and rvc_short_on(people, decision.decided_on, rules)
        )
        found[decision.id] = DecisionOrigin(origin, item, short)
    return found


async def decision_origin(
    session: AsyncSession, decision_id: int
) -> tuple[Origin, AgendaItem | None]:
    """How a decision came about: voted in a meeting, a written resolution, or recorded
    without either (history)."""
    item = await repository.item_of_decision(session, decision_id)
    if item is None:
        return Origin.RECORDED, None
    meeting = await meeting_or_refuse(session, item.meeting_id)
    return (Origin.WRITTEN if meeting.form is MeetingForm.WRITTEN else Origin.MEETING), item


# ---------------------------------------------------------------- conflicts of interest


@dataclass(frozen=True, slots=True)
class ConflictInput:
    person_id: int
    subject_kind: SubjectKind
    subject_reference: str
    starts_on: date
    ends_on: date | None = None
    description: str | None = None


async def record_conflict(session: AsyncSession, actor: Actor, data: ConflictInput) -> Conflict:
    """A person's conflict of interest about a subject, from a day (until a day)."""
    authorise(actor)
    errors = ErrorCollector()
    person = await errors.check_awaitable(_person(session, data.person_id))
    subject = await _subject(session, data.subject_kind, data.subject_reference, errors)
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors.add("endsOn", GovernanceRefusal.ENDS_BEFORE_START)
    errors.raise_if_any()
    assert person is not None
    assert subject is not None
    row = Conflict(
        person_id=person.id,
        subject_kind=subject.kind,
        subject_reference=subject.reference,
        description=(data.description or "").strip() or None,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    await _add(session, actor, row)
    return row


def _records(rows: list[Conflict]) -> list[ConflictRecord]:
    return [
        ConflictRecord(
            str(c.person_id), Subject(c.subject_kind, c.subject_reference), c.starts_on, c.ends_on
        )
        for c in rows
    ]


async def conflicted(
    session: AsyncSession,
    subject: Subject,
    on: date,
    *,
    person_id: int | None = None,
    user_id: int | None = None,
) -> Phrase | None:
    """Why this person, or the person(s) linked to this registry user, may not vote on or
    approve `subject` on `on`; None when nothing is recorded. For other domains (approvals,
    contracts): they call this before letting someone approve."""
    people: list[BodyPerson] = []
    if person_id is not None:
        found = await session.get(BodyPerson, person_id)
        people += [found] if found else []
    if user_id is not None:
        people += await repository.people_of_user(session, user_id)
    if not people:
        return None
    records = _records(await repository.conflicts(session, [p.id for p in people]))
    for person in people:
        refusal = why_conflicted(str(person.id), subject, records, on)
        if refusal is not None:
            return Phrase(refusal.refusal, {**refusal.params, "person": person.name})
    return None


async def refuse_if_conflicted(
    session: AsyncSession, subject: Subject, on: date, *, user_id: int | None
) -> None:
    """Raise `Forbidden` with the conflict refusal when the user has a recorded conflict."""
    if user_id is None:
        return
    refusal = await conflicted(session, subject, on, user_id=user_id)
    if refusal is not None:
        raise Forbidden(refusal)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class ItemView:
    item: AgendaItem
    votes: list[Vote]
    majority: Majority | None
    running: Tally


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting: Meeting
    items: list[ItemView]
    attendance: list[Attendance]
    proxies: list[Proxy]
    entitled: set[int]
    seats: int
    quorate: bool
    seats_short: bool
    members: dict[int, Member] = field(default_factory=dict)
    people: dict[int, BodyPerson] = field(default_factory=dict)
    decisions: dict[int, Decision] = field(default_factory=dict)


async def meeting_view(
    session: AsyncSession, actor: Actor, meeting_id: int, rules: GovernanceRules = DEFAULT_RULES
) -> MeetingView:
    """A meeting with its agenda, votes, attendance, proxies, quorum and seats."""
    meeting = await meeting_or_refuse(session, meeting_id)
    if not (meeting.body is DecisionBody.ALV and may_read_alv(actor)):
        authorise_read(actor)
    items = await repository.items_of(session, meeting.id)
    votes = await repository.votes_of(session, [i.id for i in items])
    attendance = await repository.attendance_of(session, meeting.id)
    proxies = await repository.proxies_of(session, meeting.id)
    entitled = await entitled_voters(session, meeting)
    seats = await seats_of(session, meeting)
    quorum = rules.quorum.get(meeting.body.value)
    member_ids = {a.member_id for a in attendance if a.member_id} | {
        m for p in proxies for m in (p.grantor_member_id, p.holder_member_id)
    }
    member_ids |= {v.member_id for v in votes if v.member_id}
    if meeting.body is DecisionBody.ALV:
        member_ids |= entitled
    decisions = await members.decisions_by_ids(
        session, [i.decision_id for i in items if i.decision_id]
    )
    people = {p.id: p for p in await repository.people(session)}
    views = []
    for item in items:
        own = [v for v in votes if v.agenda_item_id == item.id]
        views.append(
            ItemView(
                item,
                own,
                rules.majority_for(item.kind, meeting.form) if item.kind else None,
                tally({str(v.member_id or v.person_id): v.choice for v in own}),
            )
        )
    return MeetingView(
        meeting=meeting,
        items=views,
        attendance=attendance,
        proxies=proxies,
        entitled=entitled,
        seats=seats,
        quorate=meeting.form is MeetingForm.WRITTEN
        or quorum is None
        or quorum_met(len(entitled), seats, quorum),
        seats_short=meeting.body is DecisionBody.RVC and seats_short(seats, rules),
        members=await members.members_by_ids(session, sorted(member_ids)),
        people=people,
        decisions=decisions,
    )


async def list_meetings(
    session: AsyncSession, actor: Actor, body: DecisionBody | None = None
) -> list[Meeting]:
    if body is DecisionBody.ALV and may_read_alv(actor):
        return await repository.meetings(session, body)
    authorise_read(actor)
    return await repository.meetings(session, body)


async def list_people(session: AsyncSession, actor: Actor) -> list[BodyPerson]:
    authorise_read(actor)
    return await repository.people(session)


async def list_conflicts(session: AsyncSession, actor: Actor) -> list[Conflict]:
    authorise_read(actor)
    return await repository.conflicts(session)


def rvc_short_on(
    people: list[BodyPerson], on: date, rules: GovernanceRules = DEFAULT_RULES
) -> bool:
    """Whether the RvC has fewer seats filled than the minimum on `on` (flagged)."""
    seated = sum(
        1 for p in people if p.body is DecisionBody.RVC and seated_on(p.starts_on, p.ends_on, on)
    )
    return seats_short(seated, rules)


def rules_of(settings: Settings) -> GovernanceRules:
    """The governance rules as the settings make them."""
    return rules_from(
        settings.governance_proxies_per_holder,
        settings.governance_two_thirds,
        settings.governance_quorum,
    )
