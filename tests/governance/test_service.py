"""Governance through its services on the demo: people and seats, meetings, proxies, votes,
quorum, closing into a Decision with its tally, written resolutions, conflicts of interest."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.auth.roles import system_actor
from registry.governance import service as gov
from registry.governance.models import BodyPerson, Vote
from registry.governance.rules import (
    Choice,
    GovernanceRules,
    Majority,
    MeetingForm,
    Origin,
    ProposalKind,
    Subject,
    SubjectKind,
)
from registry.kit.errors import DomainError, Forbidden, ValidationFailed
from registry.members import repository as members
from registry.members.decisions import decision_of
from registry.members.models import DecisionBody

ACTOR = system_actor("test")
DAY = date(2026, 6, 11)
PRESENT = ("eindhoven", "woerden", "tilburg", "zaanstad")


def codes(error: DomainError) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [e.code for e in error.errors]
    return [error.code]


async def alv(session: AsyncSession, *kinds: ProposalKind, form: MeetingForm = MeetingForm.MEETING):
    meeting = await gov.create_meeting(
        session, ACTOR, gov.MeetingInput("alv", DAY, "ALV juni 2026", form)
    )
    items = [
        await gov.add_agenda_item(session, ACTOR, meeting.id, gov.ItemInput(f"Voorstel {k}", k))
        for k in kinds
    ]
    if form is MeetingForm.MEETING:
        for code in PRESENT:
            await gov.record_attendance(session, ACTOR, meeting.id, member_code=code)
    return meeting, items


async def vote(session: AsyncSession, item_id: int, choices: dict[str, Choice]) -> None:
    for code, choice in choices.items():
        await gov.cast_vote(session, ACTOR, item_id, gov.VoteInput(choice, member_code=code))


async def test_the_demo_alv_adopted_the_rate_with_its_tally(demo: AsyncSession) -> None:
    decision = await decision_of(demo, "ALV-2026-03-1", DecisionBody.ALV, "decision")
    origin, item = await gov.decision_origin(demo, decision.id)
    assert origin is Origin.MEETING
    assert item is not None
    assert (item.votes_for, item.votes_against, item.abstentions) == (5, 1, 1)
    assert decision.decided_on == date(2026, 3, 12)
    recorded = await decision_of(demo, "ALV-2025-12", DecisionBody.ALV, "decision")
    assert (await gov.decision_origin(demo, recorded.id))[0] is Origin.RECORDED


async def test_a_simple_majority_adopts_and_records_the_decision(demo: AsyncSession) -> None:
    _meeting, (item,) = await alv(demo, ProposalKind.BUDGET)
    await vote(
        demo,
        item.id,
        {
            "eindhoven": Choice.FOR,
            "woerden": Choice.FOR,
            "tilburg": Choice.AGAINST,
            "zaanstad": Choice.ABSTAIN,
        },
    )
    outcome = await gov.close_proposal(demo, ACTOR, item.id, "ALV-2026-06-1")
    assert outcome.adopted
    assert outcome.majority is Majority.SIMPLE
    assert (outcome.tally.votes_for, outcome.tally.against, outcome.tally.abstain) == (2, 1, 1)
    decision = await decision_of(demo, "ALV-2026-06-1", DecisionBody.ALV, "decision")
    assert decision.subject == "Voorstel budget"
    assert decision.decided_on == DAY
    assert item.decision_id == decision.id
    with pytest.raises(ValidationFailed) as closed:
        await gov.cast_vote(demo, ACTOR, item.id, gov.VoteInput(Choice.FOR, member_code="woerden"))
    assert codes(closed.value) == ["proposal_closed"]


async def test_a_tie_is_rejected_and_records_no_decision(demo: AsyncSession) -> None:
    _, (item,) = await alv(demo, ProposalKind.ORDINARY)
    await vote(demo, item.id, {"eindhoven": Choice.FOR, "woerden": Choice.AGAINST})
    outcome = await gov.close_proposal(demo, ACTOR, item.id, "ALV-2026-06-tie")
    assert not outcome.adopted
    assert outcome.decision is None
    assert await members.decision_by_reference(demo, "ALV-2026-06-tie") is None
    assert item.adopted is False
    assert (item.votes_for, item.votes_against) == (1, 1)


async def test_a_statutes_change_needs_two_thirds(demo: AsyncSession) -> None:
    _, (statutes, ordinary) = await alv(demo, ProposalKind.STATUTES_CHANGE, ProposalKind.ORDINARY)
    choices = {
        "eindhoven": Choice.FOR,
        "woerden": Choice.FOR,
        "tilburg": Choice.FOR,
        "zaanstad": Choice.AGAINST,
    }
    await vote(demo, statutes.id, {**choices, "tilburg": Choice.AGAINST})  # 2 of 4: no
    await vote(demo, ordinary.id, choices)
    refused = await gov.close_proposal(demo, ACTOR, statutes.id, "ALV-2026-06-s")
    assert refused.majority is Majority.TWO_THIRDS
    assert not refused.adopted
    assert (await gov.close_proposal(demo, ACTOR, ordinary.id, "ALV-2026-06-o")).adopted


async def test_only_members_present_or_represented_vote_once(demo: AsyncSession) -> None:
    _meeting, (item,) = await alv(demo, ProposalKind.ORDINARY)
    with pytest.raises(ValidationFailed) as absent:
        await vote(demo, item.id, {"groningen": Choice.FOR})
    assert codes(absent.value) == ["not_entitled"]
    await vote(demo, item.id, {"woerden": Choice.FOR})
    await vote(demo, item.id, {"woerden": Choice.FOR})  # the same vote again: one vote
    with pytest.raises(ValidationFailed) as changed:
        await vote(demo, item.id, {"woerden": Choice.AGAINST})
    assert codes(changed.value) == ["already_voted"]
    count = await demo.scalar(
        select(func.count()).select_from(Vote).where(Vote.agenda_item_id == item.id)
    )
    assert count == 1


async def test_proxies_within_the_limit(demo: AsyncSession) -> None:
    meeting, (item,) = await alv(demo, ProposalKind.ORDINARY)
    await gov.record_proxy(demo, ACTOR, meeting.id, "groningen", "woerden", "Volmacht G")
    again = await gov.record_proxy(demo, ACTOR, meeting.id, "groningen", "woerden", "Volmacht G")
    assert again.grantor_member_id is not None
    with pytest.raises(ValidationFailed) as limit:
        await gov.record_proxy(demo, ACTOR, meeting.id, "zwolle", "woerden", "Volmacht Z")
    assert codes(limit.value) == ["proxy_limit"]
    two = GovernanceRules(proxies_per_holder=2)
    await gov.record_proxy(demo, ACTOR, meeting.id, "zwolle", "woerden", "Volmacht Z", two)
    with pytest.raises(ValidationFailed) as present:
        await gov.record_proxy(demo, ACTOR, meeting.id, "tilburg", "woerden", "Volmacht T", two)
    assert codes(present.value) == ["proxy_grantor_present"]
    await vote(demo, item.id, {"groningen": Choice.FOR, "zwolle": Choice.AGAINST})
    with pytest.raises(ValidationFailed) as late:
        await gov.record_proxy(demo, ACTOR, meeting.id, "enschede-apeldoorn", "eindhoven", "V")
    assert codes(late.value) == ["proxy_after_votes"]
    view = await gov.meeting_view(demo, ACTOR, meeting.id)
    assert len(view.entitled) == len(PRESENT) + 2


async def test_quorum_of_the_rvc(demo: AsyncSession) -> None:
    people = {p.name: p for p in await gov.list_people(demo, ACTOR)}
    meeting = await gov.create_meeting(demo, ACTOR, gov.MeetingInput("rvc", DAY, "RvC juni"))
    item = await gov.add_agenda_item(
        demo, ACTOR, meeting.id, gov.ItemInput("Toelating", ProposalKind.ADMISSION)
    )
    await gov.record_attendance(demo, ACTOR, meeting.id, person_id=people["Sam Sluis"].id)
    await gov.cast_vote(
        demo, ACTOR, item.id, gov.VoteInput(Choice.FOR, person_id=people["Sam Sluis"].id)
    )
    with pytest.raises(ValidationFailed) as short:
        await gov.close_proposal(demo, ACTOR, item.id, "RvC-2026-06")
    assert codes(short.value) == ["no_quorum"]
    assert "1 van 3" in short.value.text("nl")
    await gov.record_attendance(demo, ACTOR, meeting.id, person_id=people["Renée Rekenaar"].id)
    assert (await gov.close_proposal(demo, ACTOR, item.id, "RvC-2026-06")).adopted
    with pytest.raises(ValidationFailed) as director:
        await gov.record_attendance(demo, ACTOR, meeting.id, person_id=people["Dirk Directie"].id)
    assert codes(director.value) == ["not_seated"]


async def test_the_rvc_has_three_to_six_seats(demo: AsyncSession) -> None:
    view_before = await gov.list_people(demo, ACTOR)
    assert not gov.rvc_short_on(view_before, DAY)
    for n in range(3):
        await gov.add_person(demo, ACTOR, gov.PersonInput(f"Extra {n}", "rvc", "member", DAY))
    with pytest.raises(ValidationFailed) as seventh:
        await gov.add_person(demo, ACTOR, gov.PersonInput("Zevende", "rvc", "member", DAY))
    assert codes(seventh.value) == ["too_many_seats"]
    later = await gov.add_person(
        demo, ACTOR, gov.PersonInput("Opvolger", "rvc", "member", date(2031, 1, 1))
    )
    assert later.ends_on == date(2034, 12, 31)  # a term of four years
    with pytest.raises(ValidationFailed) as long_term:
        await gov.add_person(
            demo, ACTOR, gov.PersonInput("Lang", "rvc", "member", DAY, date(2031, 1, 1))
        )
    assert "term_too_long" in codes(long_term.value)
    everyone = await gov.list_people(demo, ACTOR)
    assert gov.rvc_short_on(everyone, date(2022, 6, 1))  # only the chair then


async def test_a_written_resolution_needs_every_member_for(demo: AsyncSession) -> None:
    _, (item,) = await alv(demo, ProposalKind.ORDINARY, form=MeetingForm.WRITTEN)
    seated = await gov.members_on(demo, DAY)
    by_id = await members.members_by_ids(demo, sorted(seated))
    everyone = {m.code: Choice.FOR for m in by_id.values()}
    await vote(demo, item.id, {**everyone, "zwolle": Choice.ABSTAIN})
    outcome = await gov.close_proposal(demo, ACTOR, item.id, "ALV-2026-W1")
    assert outcome.majority is Majority.UNANIMOUS
    assert not outcome.adopted
    _, (second,) = await alv(demo, ProposalKind.ORDINARY, form=MeetingForm.WRITTEN)
    await vote(demo, second.id, everyone)
    adopted = await gov.close_proposal(demo, ACTOR, second.id, "ALV-2026-W2")
    assert adopted.adopted
    assert adopted.decision is not None
    assert (await gov.decision_origin(demo, adopted.decision.id))[0] is Origin.WRITTEN


async def test_a_conflicted_person_cannot_vote_or_approve(demo: AsyncSession) -> None:
    people = {p.name: p for p in await gov.list_people(demo, ACTOR)}
    sam = people["Sam Sluis"]
    await gov.record_conflict(
        demo,
        ACTOR,
        gov.ConflictInput(
            sam.id,
            SubjectKind.MEMBER,
            "provincie-utrecht",
            date(2026, 1, 1),
            description="Broer werkt bij de provincie",
        ),
    )
    meeting = await gov.create_meeting(demo, ACTOR, gov.MeetingInput("rvc", DAY, "RvC juni"))
    item = await gov.add_agenda_item(
        demo,
        ACTOR,
        meeting.id,
        gov.ItemInput(
            "Toelating provincie", ProposalKind.ADMISSION, SubjectKind.MEMBER, "provincie-utrecht"
        ),
    )
    for person in people.values():
        if person.body is DecisionBody.RVC:
            await gov.record_attendance(demo, ACTOR, meeting.id, person_id=person.id)
    with pytest.raises(ValidationFailed) as conflicted:
        await gov.cast_vote(demo, ACTOR, item.id, gov.VoteInput(Choice.FOR, person_id=sam.id))
    assert codes(conflicted.value) == ["conflict_of_interest"]
    assert conflicted.value.errors[0].text("nl") == (
        "Sam Sluis heeft een tegenstrijdig belang bij 'provincie-utrecht' en mag daarover"
        " niet stemmen of beslissen."
    )
    renee = people["Renée Rekenaar"]
    await gov.cast_vote(demo, ACTOR, item.id, gov.VoteInput(Choice.FOR, person_id=renee.id))
    # The helper other domains call, by the registry user linked to the person.
    linked = await demo.scalar(select(BodyPerson).where(BodyPerson.id == sam.id))
    assert linked is not None
    subject = Subject(SubjectKind.MEMBER, "provincie-utrecht")
    assert await gov.conflicted(demo, subject, DAY, person_id=sam.id) is not None
    assert await gov.conflicted(demo, subject, DAY, person_id=renee.id) is None
    assert await gov.conflicted(demo, subject, DAY, user_id=None) is None


async def test_every_change_is_audited(demo: AsyncSession) -> None:
    before = await demo.scalar(select(func.count()).select_from(AuditEvent))
    _, (item,) = await alv(demo, ProposalKind.ORDINARY)
    await vote(demo, item.id, {"woerden": Choice.FOR})
    await gov.close_proposal(demo, ACTOR, item.id, "ALV-2026-06-a")
    kinds = list(
        await demo.scalars(
            select(AuditEvent.entity_type).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
        )
    )
    assert kinds == [
        "meeting",
        "agenda_item",
        *["attendance"] * 4,
        "vote",
        "decision",
        "agenda_item",
    ]


async def test_only_the_directie_changes_governance(demo: AsyncSession) -> None:
    from registry.auth.roles import Actor, ActorKind, Grant, Role

    auditor = Actor(ActorKind.USER, "a", user_id=1, grants=frozenset({Grant(Role.AUDITOR)}))
    admin = Actor(ActorKind.USER, "w", user_id=2, grants=frozenset({Grant(Role.MEMBER_ADMIN, 2)}))
    with pytest.raises(Forbidden):
        await gov.create_meeting(demo, auditor, gov.MeetingInput("alv", DAY, "x"))
    assert await gov.list_people(demo, auditor)
    with pytest.raises(Forbidden):
        await gov.list_people(demo, admin)
    alvs = await gov.list_meetings(demo, admin, DecisionBody.ALV)
    assert [m.title for m in alvs] == ["ALV voorjaar 2026"]
    with pytest.raises(Forbidden):
        await gov.list_meetings(demo, admin, DecisionBody.RVC)


async def test_an_rvc_decision_with_fewer_than_three_seated_is_flagged(demo: AsyncSession) -> None:
    people = {p.name: p for p in await gov.list_people(demo, ACTOR)}
    day = date(2023, 6, 1)  # only the chair held a seat then
    meeting = await gov.create_meeting(demo, ACTOR, gov.MeetingInput("rvc", day, "RvC 2023"))
    item = await gov.add_agenda_item(
        demo, ACTOR, meeting.id, gov.ItemInput("Toelating", ProposalKind.ADMISSION)
    )
    chair = people["Renée Rekenaar"].id
    await gov.record_attendance(demo, ACTOR, meeting.id, person_id=chair)
    await gov.cast_vote(demo, ACTOR, item.id, gov.VoteInput(Choice.FOR, person_id=chair))
    view = await gov.meeting_view(demo, ACTOR, meeting.id)
    assert view.seats_short
    assert view.quorate  # one of one seat
    outcome = await gov.close_proposal(demo, ACTOR, item.id, "RvC-2023-06")
    assert outcome.decision is not None
    flagged = await gov.origins_of(demo, [outcome.decision])
    assert flagged[outcome.decision.id].seats_short
    recorded = await decision_of(demo, "RvC-2021-03", DecisionBody.RVC, "decision")
    assert not (await gov.origins_of(demo, [recorded]))[recorded.id].seats_short
