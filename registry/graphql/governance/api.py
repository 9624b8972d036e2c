"""Governance: the people of the ALV, RvC and directie, meetings with their agenda,
attendance, proxies and votes, closing a proposal into a decision with its tally, and the
register of conflicts of interest. The directie changes them; the directie and the auditor
read them; a member admin reads the ALV's meetings and outcomes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from registry.auth.policy import Permission
from registry.governance import service
from registry.governance.models import AgendaItem as ItemRecord
from registry.governance.models import BodyPerson, PersonRole, Vote
from registry.governance.models import Meeting as MeetingRecord
from registry.governance.rules import (
    Choice,
    Majority,
    MeetingForm,
    Origin,
    ProposalKind,
    SubjectKind,
)
from registry.graphql.attributes import from_attributes
from registry.graphql.common import Decision
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.mutating import Answer, acknowledge, act, answer, listed
from registry.graphql.permissions import field_for, mutation
from registry.graphql.relay import database_id
from registry.kit.errors import NotFound
from registry.members.models import DecisionBody
from registry.members.repository import decision_by_reference

MAX_ALV_MEETINGS = 20
"""How many meetings, each with its agenda, votes and quorum, one `alvMeetings` answers."""

strawberry.enum(PersonRole, name="PersonRole")
strawberry.enum(Choice, name="VoteChoice")
strawberry.enum(Majority, name="Majority")
strawberry.enum(MeetingForm, name="MeetingForm")
strawberry.enum(Origin, name="DecisionOrigin")
strawberry.enum(ProposalKind, name="ProposalKind")
strawberry.enum(SubjectKind, name="SubjectKind")


def _id(value: strawberry.ID) -> int:
    """A database id, or 0 (which names nothing) for an id this API never handed out."""
    return database_id(value) or 0


def _optional_id(value: strawberry.ID | None) -> int | None:
    """An optional id argument: None when not given, else as `_id`."""
    return None if value is None else _id(value)


@strawberry.type(description="A person in the ALV (for a member), the RvC or the directie.")
class BodyMember:
    id: strawberry.ID
    name: str
    body: DecisionBody
    role: PersonRole
    starts_on: date
    ends_on: date | None
    has_user: bool = strawberry.field(description="Linked to a person who logs in.")
    member_id: strawberry.Private[int | None]

    @strawberry.field(description="ALV: the code of the member this person represents.")
    async def member_code(self, info: Info) -> str | None:
        if self.member_id is None:
            return None
        member = await info.context.loaders.member_by_id.load(self.member_id)
        return member.code if member else None

    @classmethod
    def of(cls, row: BodyPerson) -> BodyMember:
        return from_attributes(
            cls, row, id=strawberry.ID(str(row.id)), has_user=row.user_id is not None
        )


@strawberry.type(description="One vote: of a member (ALV) or of a person (RvC, directie).")
class CastVote:
    voter: str = strawberry.field(description="The member's code, or the person's name.")
    choice: Choice


@strawberry.type(description="An agenda item; a proposal has a kind and, once closed, a tally.")
class AgendaItem:
    id: strawberry.ID
    position: int
    title: str
    kind: ProposalKind | None
    subject_kind: SubjectKind | None
    subject_reference: str | None
    majority: Majority | None
    closed: bool
    adopted: bool | None
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None = strawberry.field(description="Not counted as votes cast.")
    decision: Decision | None
    votes: list[CastVote]


@strawberry.type(description="A proxy: one member represented by another at one ALV.")
class ProxyGiven:
    grantor: str
    holder: str
    document_reference: str


@strawberry.type(description="A meeting of a body, or a written resolution.")
class Meeting:
    id: strawberry.ID
    body: DecisionBody
    form: MeetingForm
    held_on: date
    title: str
    minutes_reference: str | None


@strawberry.type(description="A meeting with its agenda, attendance, proxies and quorum.")
class MeetingDetail:
    meeting: Meeting
    items: list[AgendaItem]
    present: list[str] = strawberry.field(description="Members' codes (ALV) or people's names.")
    proxies: list[ProxyGiven]
    entitled_voters: int
    seats: int
    quorate: bool
    seats_short: bool = strawberry.field(description="An RvC with fewer than 3 seated: flagged.")


def _meeting(row: MeetingRecord) -> Meeting:
    return from_attributes(Meeting, row, id=strawberry.ID(str(row.id)))


def _detail(view: service.MeetingView) -> MeetingDetail:
    def voter(member_id: int | None, person_id: int | None) -> str:
        if member_id is not None:
            return view.members[member_id].code if member_id in view.members else str(member_id)
        person = view.people.get(person_id or 0)
        return person.name if person else ""

    items = [
        AgendaItem(
            id=strawberry.ID(str(v.item.id)),
            position=v.item.position,
            title=v.item.title,
            kind=v.item.kind,
            subject_kind=v.item.subject_kind,
            subject_reference=v.item.subject_reference,
            majority=v.majority,
            closed=v.item.adopted is not None,
            adopted=v.item.adopted,
            votes_for=v.item.votes_for,
            votes_against=v.item.votes_against,
            abstentions=v.item.abstentions,
            decision=Decision.of(view.decisions[v.item.decision_id])
            if v.item.decision_id in view.decisions
            else None,
            votes=[
                CastVote(voter=voter(x.member_id, x.person_id), choice=x.choice) for x in v.votes
            ],
        )
        for v in view.items
    ]
    return MeetingDetail(
        meeting=_meeting(view.meeting),
        items=items,
        present=[voter(a.member_id, a.person_id) for a in view.attendance],
        proxies=[
            ProxyGiven(
                grantor=voter(p.grantor_member_id, None),
                holder=voter(p.holder_member_id, None),
                document_reference=p.document_reference,
            )
            for p in view.proxies
        ],
        entitled_voters=len(view.entitled),
        seats=view.seats,
        quorate=view.quorate,
        seats_short=view.seats_short,
    )


@strawberry.type(description="A recorded conflict of interest of a person about a subject.")
class ConflictOfInterest:
    id: strawberry.ID
    person: str
    subject_kind: SubjectKind
    subject_reference: str
    description: str | None
    starts_on: date
    ends_on: date | None


@strawberry.type(description="How a decision came about.")
class DecisionOriginInfo:
    origin: Origin
    meeting: Meeting | None
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    seats_short: bool = strawberry.field(
        description="An RvC decision taken while fewer than 3 were seated: flagged."
    )


@strawberry.type
class GovernanceQuery:
    @field_for(Permission.GOVERNANCE_READ, "The people of the ALV, the RvC and the directie.")
    async def body_members(self, info: Info) -> list[BodyMember]:
        return await listed(info, BodyMember.of, service.list_people)

    @field_for(Permission.GOVERNANCE_READ, "Meetings and written resolutions, newest first.")
    async def meetings(self, info: Info, body: DecisionBody | None = None) -> list[Meeting]:
        return await listed(info, _meeting, service.list_meetings, body)

    @field_for(Permission.GOVERNANCE_READ, "A meeting with its agenda, votes and quorum.")
    async def meeting(self, info: Info, id: strawberry.ID) -> MeetingDetail | None:
        async with info.context.db() as session:
            try:
                view = await service.meeting_view(
                    session, info.context.actor, _id(id), service.rules_of(info.context.settings)
                )
            except NotFound:
                return None
        return _detail(view)

    @field_for(
        Permission.ALV_READ,
        "The ALV's meetings with their agenda, votes and outcomes, as a member admin sees them.",
        member_argument="member",
    )
    async def alv_meetings(
        self,
        info: Info,
        member: str,
        first: Annotated[
            int, strawberry.argument(description=f"The newest ones, at most {MAX_ALV_MEETINGS}.")
        ] = 10,
    ) -> list[MeetingDetail]:
        async with info.context.db() as session:
            rows = await service.list_meetings(session, info.context.actor, DecisionBody.ALV)
            rows = rows[: max(1, min(first, MAX_ALV_MEETINGS))]
            rules = service.rules_of(info.context.settings)
            views = [
                await service.meeting_view(session, info.context.actor, m.id, rules) for m in rows
            ]
        return [_detail(v) for v in views]

    @field_for(Permission.GOVERNANCE_READ, "The register of conflicts of interest.")
    async def conflicts_of_interest(self, info: Info) -> list[ConflictOfInterest]:
        async with info.context.db() as session:
            rows = await service.list_conflicts(session, info.context.actor)
            people = {p.id: p.name for p in await service.list_people(session, info.context.actor)}
        return [
            ConflictOfInterest(
                id=strawberry.ID(str(c.id)),
                person=people.get(c.person_id, ""),
                subject_kind=c.subject_kind,
                subject_reference=c.subject_reference,
                description=c.description,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
            )
            for c in rows
        ]

    @field_for(
        Permission.GOVERNANCE_READ,
        "How a decision came about: voted in a meeting, a written resolution, or recorded only.",
    )
    async def decision_origin(self, info: Info, reference: str) -> DecisionOriginInfo | None:
        async with info.context.db() as session:
            service.authorise_read(info.context.actor)
            decision = await decision_by_reference(session, reference.strip())
            if decision is None:
                return None
            found = (await service.origins_of(session, [decision]))[decision.id]
            item = found.item
            meeting = await service.meeting_or_refuse(session, item.meeting_id) if item else None
        return DecisionOriginInfo(
            origin=found.origin,
            seats_short=found.seats_short,
            meeting=_meeting(meeting) if meeting else None,
            votes_for=item.votes_for if item else None,
            votes_against=item.votes_against if item else None,
            abstentions=item.abstentions if item else None,
        )


@strawberry.input
class BodyMemberInput:
    name: str
    body: DecisionBody
    role: PersonRole
    starts_on: date
    ends_on: date | None = None
    member: str | None = strawberry.field(default=None, description="ALV: the member's code.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The registry user this person logs in as, if any."
    )


@strawberry.input
class MeetingInput:
    body: DecisionBody
    held_on: date
    title: str
    form: MeetingForm = MeetingForm.MEETING
    minutes_reference: str | None = None


@strawberry.input
class AgendaItemInput:
    title: str
    kind: ProposalKind | None = strawberry.field(
        default=None, description="Set for a proposal that is voted on."
    )
    subject_kind: SubjectKind | None = None
    subject_reference: str | None = None


@strawberry.input
class VoteInput:
    choice: Choice
    member: str | None = strawberry.field(default=None, description="ALV: the member's code.")
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="RvC and directie: the person who votes."
    )
    cast_by_id: strawberry.ID | None = strawberry.field(
        default=None, description="ALV: the representative who casts the member's vote."
    )


@strawberry.input
class ConflictInput:
    person_id: strawberry.ID
    subject_kind: SubjectKind
    subject_reference: str
    starts_on: date
    ends_on: date | None = None
    description: str | None = None


@strawberry.type
class BodyMemberPayload:
    body_member: BodyMember | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class MeetingPayload:
    meeting: Meeting | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class AgendaItemPayload:
    id: strawberry.ID | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class VotePayload:
    choice: Choice | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class ProposalClosePayload:
    adopted: bool | None = None
    majority: Majority | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    decision: Decision | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordedPayload:
    ok: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


_PERSON = answer(BodyMemberPayload, "body_member", BodyMember.of)
_MEETING = answer(MeetingPayload, "meeting", _meeting)
_ITEM: Answer[ItemRecord, AgendaItemPayload] = Answer(
    AgendaItemPayload, lambda i: AgendaItemPayload(id=strawberry.ID(str(i.id)))
)
_VOTE: Answer[Vote, VotePayload] = Answer(VotePayload, lambda v: VotePayload(choice=v.choice))
_RECORDED: Answer[object, RecordedPayload] = acknowledge(RecordedPayload)


def _closed(outcome: service.Outcome) -> ProposalClosePayload:
    return ProposalClosePayload(
        adopted=outcome.adopted,
        majority=outcome.majority,
        votes_for=outcome.tally.votes_for,
        votes_against=outcome.tally.against,
        abstentions=outcome.tally.abstain,
        decision=Decision.of(outcome.decision) if outcome.decision else None,
    )


_CLOSE = Answer(ProposalClosePayload, _closed)


@strawberry.type
class GovernanceMutation:
    @mutation(Permission.GOVERNANCE_MANAGE, "A person joins the ALV, the RvC or the directie.")
    async def body_member_add(self, info: Info, input: BodyMemberInput) -> BodyMemberPayload:
        data = service.PersonInput(
            input.name,
            input.body.value,
            input.role.value,
            input.starts_on,
            input.ends_on,
            input.member,
            _optional_id(input.user_id),
        )
        return await act(
            info, _PERSON, service.add_person, data, service.rules_of(info.context.settings)
        )

    @mutation(Permission.GOVERNANCE_MANAGE, "A person leaves their body (last day).")
    async def body_member_end(
        self, info: Info, id: strawberry.ID, ends_on: date
    ) -> BodyMemberPayload:
        return await act(info, _PERSON, service.end_person, _id(id), ends_on)

    @mutation(Permission.GOVERNANCE_MANAGE, "A meeting of a body, or a written resolution.")
    async def meeting_create(self, info: Info, input: MeetingInput) -> MeetingPayload:
        data = service.MeetingInput(
            input.body.value, input.held_on, input.title, input.form, input.minutes_reference
        )
        return await act(info, _MEETING, service.create_meeting, data)

    @mutation(Permission.GOVERNANCE_MANAGE, "The minutes of a meeting, as a document reference.")
    async def meeting_minutes_set(
        self, info: Info, id: strawberry.ID, reference: str
    ) -> MeetingPayload:
        return await act(info, _MEETING, service.set_minutes, _id(id), reference)

    @mutation(Permission.GOVERNANCE_MANAGE, "An item (or proposal) at the end of the agenda.")
    async def agenda_item_add(
        self, info: Info, meeting_id: strawberry.ID, input: AgendaItemInput
    ) -> AgendaItemPayload:
        data = service.ItemInput(
            input.title, input.kind, input.subject_kind, input.subject_reference
        )
        return await act(info, _ITEM, service.add_agenda_item, _id(meeting_id), data)

    @mutation(
        Permission.GOVERNANCE_MANAGE,
        "A member (ALV) or a person (RvC, directie) is present; recording it again is harmless.",
    )
    async def attendance_record(
        self,
        info: Info,
        meeting_id: strawberry.ID,
        member: str | None = None,
        person_id: strawberry.ID | None = None,
    ) -> RecordedPayload:
        return await act(
            info,
            _RECORDED,
            service.record_attendance,
            _id(meeting_id),
            member_code=member,
            person_id=_optional_id(person_id),
        )

    @mutation(Permission.GOVERNANCE_MANAGE, "A written proxy from one member to another.")
    async def proxy_record(
        self,
        info: Info,
        meeting_id: strawberry.ID,
        grantor: str,
        holder: str,
        document_reference: str,
    ) -> RecordedPayload:
        return await act(
            info,
            _RECORDED,
            service.record_proxy,
            _id(meeting_id),
            grantor,
            holder,
            document_reference,
            service.rules_of(info.context.settings),
        )

    @mutation(
        Permission.GOVERNANCE_MANAGE,
        "One vote on a proposal; the same vote again is recorded once.",
    )
    async def vote_cast(self, info: Info, item_id: strawberry.ID, input: VoteInput) -> VotePayload:
        data = service.VoteInput(
            input.choice,
            input.member,
            _optional_id(input.person_id),
            _optional_id(input.cast_by_id),
        )
        return await act(info, _VOTE, service.cast_vote, _id(item_id), data)

    @mutation(
        Permission.GOVERNANCE_MANAGE,
        "Count the votes and close the proposal; adopted, it records the decision `reference`.",
    )
    async def proposal_close(
        self, info: Info, item_id: strawberry.ID, reference: str
    ) -> ProposalClosePayload:
        return await act(
            info,
            _CLOSE,
            service.close_proposal,
            _id(item_id),
            reference,
            service.rules_of(info.context.settings),
        )

    @mutation(Permission.GOVERNANCE_MANAGE, "Record a person's conflict of interest.")
    async def conflict_of_interest_record(
        self, info: Info, input: ConflictInput
    ) -> RecordedPayload:
        data = service.ConflictInput(
            _id(input.person_id),
            input.subject_kind,
            input.subject_reference,
            input.starts_on,
            input.ends_on,
            input.description,
        )
        return await act(info, _RECORDED, service.record_conflict, data)
