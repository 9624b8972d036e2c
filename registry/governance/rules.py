"""The pure rules of governance: who may vote, the tally, majorities, quorum, proxies, the
RvC's seats and conflicts of interest. Plain values in, plain values out: no database, no
clock, no I/O, so the service, the pages and the tests share one reading of the articles.

How votes count (see docs/rules.md, "Governance"):

- every member present or represented by a written proxy has one vote (ALV); in the RvC and
  the directie every seated person has one vote;
- a vote is for, against or abstain; abstentions are not votes cast: they count neither for
  nor against, only towards the voters;
- a simple majority is more votes for than half of the votes cast; two thirds is at least
  twice as many for as against (for >= 2/3 of the cast votes), and at least one vote for;
- a tie is rejected, and so is a proposal without a single vote cast;
- a written resolution (outside a meeting) is adopted only when every member entitled to
  vote voted for it.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from registry.governance.errors import GovernanceRefusal
from registry.kit.errors import Phrase


class Choice(enum.StrEnum):
    """One vote."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class ProposalKind(enum.StrEnum):
    """What a proposal on the agenda is about; the kind decides the majority it needs."""

    ORDINARY = "ordinary"
    BUDGET = "budget"
    CONTRIBUTION_RATE = "contribution_rate"
    ENTRY_FEE = "entry_fee"
    ADMISSION = "admission"
    CONTRACT_APPROVAL = "contract_approval"
    STATUTES_CHANGE = "statutes_change"
    DISSOLUTION = "dissolution"


class Majority(enum.StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    UNANIMOUS = "unanimous"


class Quorum(enum.StrEnum):
    """How many of the seats must be present (in person or, in the ALV, by proxy)."""

    NONE = "none"
    MAJORITY = "majority"
    TWO_THIRDS = "two_thirds"


class MeetingForm(enum.StrEnum):
    MEETING = "meeting"
    WRITTEN = "written"


class Origin(enum.StrEnum):
    """How a decision came about: voted in a meeting, a written resolution, or only recorded."""

    MEETING = "meeting"
    WRITTEN = "written"
    RECORDED = "recorded"


class SubjectKind(enum.StrEnum):
    """What a conflict of interest, or an agenda item, is about."""

    MEMBER = "member"
    APPLICATION = "application"
    CONTRACT = "contract"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Subject:
    """A typed reference: a member's code, an application's slug, a contract's reference, or
    free text. Two subjects are the same when kind and (case-insensitive) reference match."""

    kind: SubjectKind
    reference: str

    @property
    def key(self) -> tuple[SubjectKind, str]:
        return self.kind, self.reference.strip().casefold()


@dataclass(frozen=True, slots=True)
class GovernanceRules:
    """The settings the articles leave to the cooperative (see `registry/settings.py`)."""

    proxies_per_holder: int = 1
    qualified_kinds: frozenset[ProposalKind] = frozenset(
        {ProposalKind.STATUTES_CHANGE, ProposalKind.DISSOLUTION}
    )
    quorum: Mapping[str, Quorum] = field(
        default_factory=lambda: {
            "alv": Quorum.NONE,
            "rvc": Quorum.MAJORITY,
            "directie": Quorum.NONE,
        }
    )
    rvc_min_seats: int = 3
    rvc_max_seats: int = 6

    def majority_for(self, kind: ProposalKind | None, form: MeetingForm) -> Majority:
        if form is MeetingForm.WRITTEN:
            return Majority.UNANIMOUS
        if kind in self.qualified_kinds:
            return Majority.TWO_THIRDS
        return Majority.SIMPLE


DEFAULT_RULES = GovernanceRules()


@dataclass(frozen=True, slots=True)
class Tally:
    votes_for: int
    against: int
    abstain: int

    @property
    def cast(self) -> int:
        """Votes cast: for and against; abstentions are not cast."""
        return self.votes_for + self.against

    @property
    def voters(self) -> int:
        return self.votes_for + self.against + self.abstain


def tally(votes: Mapping[str, Choice]) -> Tally:
    """The count of one vote per voter (the mapping's keys are the voters)."""
    counted = Counter(votes.values())
    return Tally(counted[Choice.FOR], counted[Choice.AGAINST], counted[Choice.ABSTAIN])


def adopted(result: Tally, majority: Majority, entitled: int = 0) -> bool:
    """Whether the tally adopts the proposal. `entitled` (voters entitled to vote) is only
    read for unanimity: every one of them must have voted for."""
    if majority is Majority.UNANIMOUS:
        return entitled > 0 and result.votes_for == entitled
    if result.votes_for == 0:
        return False
    if majority is Majority.TWO_THIRDS:
        return 3 * result.votes_for >= 2 * result.cast
    return 2 * result.votes_for > result.cast


def quorum_met(present: int, seats: int, quorum: Quorum) -> bool:
    """Whether `present` of `seats` make the meeting quorate."""
    if quorum is Quorum.NONE:
        return True
    if seats <= 0:
        return False
    if quorum is Quorum.MAJORITY:
        return 2 * present > seats
    return 3 * present >= 2 * seats


def voters(present: Collection[str], proxies: Mapping[str, str]) -> frozenset[str]:
    """Who may vote: the members present and the members represented by a holder who is
    present (`proxies` maps the grantor to the holder)."""
    here = frozenset(present)
    return here | {grantor for grantor, holder in proxies.items() if holder in here}


def proxy_refusal(
    grantor: str, holder: str, proxies: Mapping[str, str], present: Collection[str], limit: int
) -> Phrase | None:
    """Why `grantor` cannot give `holder` a proxy, given the meeting's `proxies` so far."""
    if grantor == holder:
        return Phrase(GovernanceRefusal.PROXY_TO_SELF)
    if grantor in present:
        return Phrase(GovernanceRefusal.PROXY_GRANTOR_PRESENT)
    if grantor in proxies:
        return Phrase(GovernanceRefusal.PROXY_ALREADY_GIVEN)
    if holder in proxies:
        return Phrase(GovernanceRefusal.PROXY_HOLDER_REPRESENTED)
    held = sum(1 for h in proxies.values() if h == holder)
    if held >= limit:
        return Phrase(GovernanceRefusal.PROXY_LIMIT, {"limit": limit})
    return None


def seats_refusal(seated: int, rules: GovernanceRules = DEFAULT_RULES) -> Phrase | None:
    """Refused: a seventh seat in the RvC (more than the maximum)."""
    if seated > rules.rvc_max_seats:
        return Phrase(GovernanceRefusal.TOO_MANY_SEATS, {"maximum": rules.rvc_max_seats})
    return None


def seats_short(seated: int, rules: GovernanceRules = DEFAULT_RULES) -> bool:
    """Flagged: fewer than the minimum of RvC members seated (a meeting or decision then)."""
    return seated < rules.rvc_min_seats


def seated_on(starts: date, ends: date | None, on: date) -> bool:
    """Whether a person with this term holds the seat on `on`."""
    return starts <= on and (ends is None or on <= ends)


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """A recorded conflict of interest of one person about one subject, in a period."""

    person: str
    subject: Subject
    starts: date
    ends: date | None = None


def why_conflicted(
    person: str, subject: Subject, conflicts: Iterable[ConflictRecord], on: date
) -> Phrase | None:
    """Why `person` may not vote on or approve `subject` on `on`: a conflict recorded for
    them about that subject; None when there is none."""
    for conflict in conflicts:
        if (
            conflict.person == person
            and conflict.subject.key == subject.key
            and seated_on(conflict.starts, conflict.ends, on)
        ):
            return Phrase(
                GovernanceRefusal.CONFLICTED,
                {"person": person, "subject": subject.reference.strip()},
            )
    return None


def rules_from(
    proxies_per_holder: int, two_thirds: Iterable[str], quorum: Mapping[Any, str]
) -> GovernanceRules:
    """The rules from the settings (`registry/settings.py`, `governance_*`); an unknown
    kind or quorum raises ValueError, which `registry config check` reports."""
    return GovernanceRules(
        proxies_per_holder=proxies_per_holder,
        qualified_kinds=frozenset(ProposalKind(k) for k in two_thirds),
        quorum={**DEFAULT_RULES.quorum, **{str(body): Quorum(q) for body, q in quorum.items()}},
    )
