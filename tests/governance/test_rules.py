"""The pure rules of governance: the vote counting (with property tests), majorities, ties,
two thirds, written unanimity, quorum, the proxies limit, the RvC's seats and conflicts."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from registry.governance.errors import GovernanceRefusal
from registry.governance.rules import (
    DEFAULT_RULES,
    Choice,
    ConflictRecord,
    GovernanceRules,
    Majority,
    MeetingForm,
    ProposalKind,
    Quorum,
    Subject,
    SubjectKind,
    Tally,
    adopted,
    proxy_refusal,
    quorum_met,
    seats_refusal,
    seats_short,
    tally,
    voters,
    why_conflicted,
)

votes_st = st.dictionaries(st.text(min_size=1, max_size=6), st.sampled_from(list(Choice)))
tallies = st.builds(
    Tally,
    st.integers(0, 200),
    st.integers(0, 200),
    st.integers(0, 200),
)


@given(votes_st)
def test_the_tally_adds_up_to_the_voters_one_vote_each(votes: dict[str, Choice]) -> None:
    counted = tally(votes)
    assert counted.voters == len(votes)
    assert counted.votes_for == sum(1 for c in votes.values() if c is Choice.FOR)
    assert counted.cast == counted.voters - counted.abstain


@given(votes_st, st.text(min_size=1, max_size=6), st.sampled_from(list(Choice)))
def test_a_second_vote_of_the_same_voter_is_still_one_vote(
    votes: dict[str, Choice], voter: str, choice: Choice
) -> None:
    again = {**votes, voter: choice}
    assert tally(again).voters == len(votes) + (voter not in votes)


@given(tallies, st.sampled_from([Majority.SIMPLE, Majority.TWO_THIRDS]))
def test_a_tie_is_rejected(result: Tally, majority: Majority) -> None:
    tie = Tally(result.votes_for, result.votes_for, result.abstain)
    assert not adopted(tie, majority)


@given(tallies, st.sampled_from([Majority.SIMPLE, Majority.TWO_THIRDS]))
def test_adding_a_vote_for_never_turns_adoption_into_rejection(
    result: Tally, majority: Majority
) -> None:
    more = Tally(result.votes_for + 1, result.against, result.abstain)
    if adopted(result, majority):
        assert adopted(more, majority)


@given(tallies, st.sampled_from([Majority.SIMPLE, Majority.TWO_THIRDS]))
def test_adding_a_vote_against_never_turns_rejection_into_adoption(
    result: Tally, majority: Majority
) -> None:
    more = Tally(result.votes_for, result.against + 1, result.abstain)
    if not adopted(result, majority):
        assert not adopted(more, majority)


@given(tallies)
def test_two_thirds_implies_a_simple_majority(result: Tally) -> None:
    if adopted(result, Majority.TWO_THIRDS):
        assert adopted(result, Majority.SIMPLE)


@given(tallies, st.integers(0, 50))
def test_abstentions_do_not_count_as_cast(result: Tally, more: int) -> None:
    abstaining = Tally(result.votes_for, result.against, result.abstain + more)
    for majority in (Majority.SIMPLE, Majority.TWO_THIRDS):
        assert adopted(abstaining, majority) == adopted(result, majority)


def test_majorities_on_the_boundary() -> None:
    assert adopted(Tally(2, 1, 10), Majority.SIMPLE)
    assert not adopted(Tally(1, 1, 0), Majority.SIMPLE)
    assert adopted(Tally(2, 1, 0), Majority.TWO_THIRDS)  # exactly two thirds
    assert not adopted(Tally(3, 2, 0), Majority.TWO_THIRDS)  # 60 %
    assert adopted(Tally(3, 2, 0), Majority.SIMPLE)
    assert not adopted(Tally(0, 0, 5), Majority.SIMPLE)  # nobody voted for or against


@given(st.integers(1, 30), st.integers(0, 30), st.integers(0, 30))
def test_a_written_resolution_needs_every_entitled_member_for(
    entitled: int, against: int, abstain: int
) -> None:
    assert adopted(Tally(entitled, 0, 0), Majority.UNANIMOUS, entitled)
    if against or abstain:
        short = Tally(entitled - 1, min(against, 1), 1 - min(against, 1))
        assert not adopted(short, Majority.UNANIMOUS, entitled)
    assert not adopted(Tally(entitled - 1, 0, 0), Majority.UNANIMOUS, entitled)
    assert not adopted(Tally(0, 0, 0), Majority.UNANIMOUS, 0)


def test_the_majority_follows_the_kind_of_proposal_and_the_settings() -> None:
    meeting = MeetingForm.MEETING
    assert DEFAULT_RULES.majority_for(ProposalKind.ORDINARY, meeting) is Majority.SIMPLE
    assert DEFAULT_RULES.majority_for(ProposalKind.BUDGET, meeting) is Majority.SIMPLE
    assert DEFAULT_RULES.majority_for(ProposalKind.STATUTES_CHANGE, meeting) is Majority.TWO_THIRDS
    assert DEFAULT_RULES.majority_for(ProposalKind.DISSOLUTION, meeting) is Majority.TWO_THIRDS
    assert (
        DEFAULT_RULES.majority_for(ProposalKind.ORDINARY, MeetingForm.WRITTEN) is Majority.UNANIMOUS
    )
    stricter = GovernanceRules(qualified_kinds=frozenset({ProposalKind.BUDGET}))
    assert stricter.majority_for(ProposalKind.BUDGET, meeting) is Majority.TWO_THIRDS
    assert stricter.majority_for(ProposalKind.DISSOLUTION, meeting) is Majority.SIMPLE


def test_quorum() -> None:
    assert quorum_met(0, 12, Quorum.NONE)
    assert quorum_met(2, 3, Quorum.MAJORITY)
    assert not quorum_met(2, 4, Quorum.MAJORITY)
    assert quorum_met(3, 4, Quorum.MAJORITY)
    assert quorum_met(4, 6, Quorum.TWO_THIRDS)
    assert not quorum_met(3, 6, Quorum.TWO_THIRDS)
    assert not quorum_met(0, 0, Quorum.MAJORITY)


def test_members_represented_by_a_present_holder_may_vote() -> None:
    assert voters(["a", "b"], {"c": "a", "d": "x"}) == {"a", "b", "c"}


def test_proxies() -> None:
    proxies = {"c": "a"}
    present = {"a", "b"}
    assert proxy_refusal("d", "b", proxies, present, 1) is None
    refused = proxy_refusal("d", "a", proxies, present, 1)
    assert refused is not None
    assert refused.refusal is GovernanceRefusal.PROXY_LIMIT
    assert refused.text("nl") == "Een lid mag ten hoogste 1 volmacht(en) aannemen."
    assert proxy_refusal("d", "a", proxies, present, 2) is None  # the limit is a setting
    for grantor, holder, why in [
        ("a", "a", GovernanceRefusal.PROXY_TO_SELF),
        ("b", "a", GovernanceRefusal.PROXY_GRANTOR_PRESENT),
        ("c", "b", GovernanceRefusal.PROXY_ALREADY_GIVEN),
        ("d", "c", GovernanceRefusal.PROXY_HOLDER_REPRESENTED),
    ]:
        found = proxy_refusal(grantor, holder, proxies, present, 5)
        assert found is not None
        assert found.refusal is why


@given(st.lists(st.sampled_from("abcdef"), max_size=6), st.integers(1, 3))
def test_no_holder_ever_holds_more_proxies_than_the_limit(holders: list[str], limit: int) -> None:
    proxies: dict[str, str] = {}
    for n, holder in enumerate(holders):
        grantor = f"g{n}"
        if proxy_refusal(grantor, holder, proxies, {"a", "b"}, limit) is None:
            proxies[grantor] = holder
    assert all(list(proxies.values()).count(h) <= limit for h in set(proxies.values()))


def test_rvc_seats() -> None:
    assert seats_short(2)
    assert not seats_short(3)
    assert seats_refusal(6) is None
    refused = seats_refusal(7)
    assert refused is not None
    assert refused.refusal is GovernanceRefusal.TOO_MANY_SEATS


def test_why_conflicted() -> None:
    subject = Subject(SubjectKind.MEMBER, "woerden")
    records = [
        ConflictRecord("1", Subject(SubjectKind.MEMBER, "Woerden"), date(2026, 1, 1)),
        ConflictRecord(
            "2", Subject(SubjectKind.CONTRACT, "C-1"), date(2026, 1, 1), date(2026, 3, 31)
        ),
    ]
    found = why_conflicted("1", subject, records, date(2026, 2, 1))
    assert found is not None
    assert found.code == "conflict_of_interest"
    assert found.text("en") == (
        "1 has a conflict of interest in 'woerden' and may not vote on or approve it"
    )
    assert why_conflicted("1", subject, records, date(2025, 12, 31)) is None  # not yet
    assert why_conflicted("2", subject, records, date(2026, 2, 1)) is None  # another subject
    contract = Subject(SubjectKind.CONTRACT, "C-1")
    assert why_conflicted("2", contract, records, date(2026, 3, 31)) is not None
    assert why_conflicted("2", contract, records, date(2026, 4, 1)) is None  # ended
    other = Subject(SubjectKind.APPLICATION, "C-1")
    assert why_conflicted("2", other, records, date(2026, 2, 1)) is None  # kind matters


def test_the_settings_make_the_rules() -> None:
    from typing import get_args

    from registry.governance.service import rules_of
    from registry.settings import BodyName, ProposalKindName, QuorumName, Settings

    assert set(get_args(ProposalKindName)) == {k.value for k in ProposalKind}
    assert set(get_args(QuorumName)) == {q.value for q in Quorum}
    assert set(get_args(BodyName)) == {"alv", "rvc", "directie"}
    assert rules_of(Settings()) == DEFAULT_RULES
    changed = rules_of(
        Settings(
            governance_proxies_per_holder=2,
            governance_two_thirds=["budget"],
            governance_quorum={"alv": "majority"},
        )
    )
    assert changed.proxies_per_holder == 2
    assert changed.majority_for(ProposalKind.BUDGET, MeetingForm.MEETING) is Majority.TWO_THIRDS
    assert changed.quorum["alv"] is Quorum.MAJORITY
    assert changed.quorum["rvc"] is Quorum.MAJORITY
