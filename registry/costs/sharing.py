"""How a cost pool is shared (verdeelsleutel), exactly and reproducibly. Pure code, no I/O.

Rules, in one place so the run, its preview, the settlement and the tests agree:
- A cost entry is shared by the participants whose participation covers the entry's date
  (joined on or before it, not left before it). A member that joins later shares older
  entries only through a settlement.
- Each entry is split on its own with largest-remainder rounding (ties by member code), so
  every entry's shares add up to the entry and the pool's shares to the pool, to the cent.
- A settlement brings every participant to its share "by the same key" over the new set of
  participants: under `full_cost` the share of the whole entry minus what it already bears;
  under `depreciated` only the book value left at the join date is re-divided (straight
  line over whole months), newcomer debited, earlier participants credited the difference.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from registry.costs.errors import CostsRefusal
from registry.kit.errors import Param, RefusedValue
from registry.kit.money import Cents, allocate, to_cents


class AllocationKey(enum.StrEnum):
    INHABITANTS = "inhabitants"
    FIXED_PERCENTAGES = "fixed_percentages"
    EQUAL = "equal"
    USAGE = "usage"
    SINGLE_PAYER = "single_payer"


class LateJoinerPolicy(enum.StrEnum):
    FULL_COST = "full_cost"
    DEPRECIATED = "depreciated"


class AllocationError(RefusedValue):
    """A pool that cannot be split as configured; `field` and `phrase` name the broken rule."""

    def __init__(self, field: str, refusal: CostsRefusal, **params: Param) -> None:
        super().__init__(refusal, **params)
        self.field = field


@dataclass(frozen=True, slots=True)
class Participant:
    """A member taking part in a pool, with the figure the key needs and where it came from."""

    member_code: str
    joined_on: date
    left_on: date | None = None
    inhabitants: int | None = None
    percentage: Decimal | None = None
    usage: Decimal | None = None
    basis: str = ""
    """Where the figure comes from, e.g. "CBS 2020-01-01"; kept with the run's inputs."""

    def covers(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    amount: Cents
    entry_date: date


@dataclass(frozen=True, slots=True)
class Share:
    """One member's part of one cost entry (negative: a credit)."""

    entry_id: int
    member_code: str
    amount: Cents
    weight: Decimal
    weight_total: Decimal
    """The sum of the weights the entry was divided by: share ≈ amount × weight / total."""


@dataclass(frozen=True, slots=True)
class Split:
    key: AllocationKey
    shares: tuple[Share, ...]

    def totals(self) -> dict[str, Cents]:
        """What each member bears in total, by member code."""
        result: dict[str, int] = {}
        for share in self.shares:
            result[share.member_code] = result.get(share.member_code, 0) + share.amount
        return {code: Cents(amount) for code, amount in sorted(result.items())}

    @property
    def total(self) -> Cents:
        return Cents(sum(share.amount for share in self.shares))


@dataclass(frozen=True, slots=True)
class Key:
    """A pool's key with what it needs beyond the participants' own figures."""

    kind: AllocationKey
    single_payer: str | None = None
    depreciation_years: int = 5
    policy: LateJoinerPolicy = LateJoinerPolicy.FULL_COST
    extra: Mapping[str, str] = field(default_factory=dict)
    """Other inputs that decide the figures (reference date, usage metric and period)."""


HUNDRED = Decimal(100)


def weights(key: Key, participants: Sequence[Participant]) -> dict[str, Decimal]:
    """Each participant's weight under the key; refuses what cannot be split."""
    if not participants:
        raise AllocationError("participants", CostsRefusal.NO_PARTICIPANTS)
    codes = [p.member_code for p in participants]
    if len(set(codes)) != len(codes):
        raise AllocationError("participants", CostsRefusal.DUPLICATE_PARTICIPANT)
    if key.kind is AllocationKey.EQUAL:
        return {code: Decimal(1) for code in codes}
    if key.kind is AllocationKey.SINGLE_PAYER:
        if key.single_payer not in codes:
            raise AllocationError(
                "singlePayer", CostsRefusal.PAYER_NOT_PARTICIPANT, payer=key.single_payer or ""
            )
        return {code: Decimal(code == key.single_payer) for code in codes}
    if key.kind is AllocationKey.FIXED_PERCENTAGES:
        missing = [p.member_code for p in participants if p.percentage is None]
        if missing:
            raise AllocationError(
                "participants", CostsRefusal.PERCENTAGE_MISSING, members=", ".join(missing)
            )
        values = {p.member_code: p.percentage or Decimal(0) for p in participants}
        if any(v < 0 for v in values.values()):
            raise AllocationError("participants", CostsRefusal.NEGATIVE_PERCENTAGE)
        total = sum(values.values(), Decimal(0))
        if total != HUNDRED:
            raise AllocationError("participants", CostsRefusal.PERCENTAGES_NOT_100, total=total)
        return values
    by_inhabitants = key.kind is AllocationKey.INHABITANTS
    values = {}
    for p in participants:
        value = p.inhabitants if by_inhabitants else p.usage
        if value is None:
            unknown = (
                CostsRefusal.INHABITANTS_MISSING if by_inhabitants else CostsRefusal.USAGE_MISSING
            )
            raise AllocationError("participants", unknown, member=p.member_code)
        if value < 0:
            negative = (
                CostsRefusal.NEGATIVE_INHABITANTS if by_inhabitants else CostsRefusal.NEGATIVE_USAGE
            )
            raise AllocationError("participants", negative)
        values[p.member_code] = Decimal(value)
    if not any(values.values()):
        nothing = CostsRefusal.NO_INHABITANTS if by_inhabitants else CostsRefusal.NO_USAGE
        raise AllocationError("participants", nothing)
    return values


def _sum(weighted: Mapping[str, Decimal]) -> Decimal:
    """In member-code order, so the stored total does not depend on the input order."""
    return sum((weighted[code] for code in sorted(weighted)), Decimal(0))


def _split_entry(entry_id: int, amount: Cents, weighted: Mapping[str, Decimal]) -> list[Share]:
    parts = allocate(amount, weighted, tie_break=str)
    total = _sum(weighted)
    return [Share(entry_id, code, parts[code], weighted[code], total) for code in sorted(weighted)]


def split(key: Key, participants: Sequence[Participant], entries: Iterable[Entry]) -> Split:
    """Every entry over the participants covering its date; exact to the cent per entry."""
    shares: list[Share] = []
    for entry in sorted(entries, key=lambda e: e.id):
        covering = [p for p in participants if p.covers(entry.entry_date)]
        if not covering:
            raise AllocationError(
                f"entries[{entry.id}]", CostsRefusal.NOBODY_ON, day=entry.entry_date
            )
        shares += _split_entry(entry.id, entry.amount, weights(key, covering))
    return Split(key.kind, tuple(shares))


def months_elapsed(since: date, on: date) -> int:
    """Whole months from `since` to `on`: 2021-03-15 → 2023-03-15 is 24, → 2023-03-14 is 23."""
    months = (on.year - since.year) * 12 + (on.month - since.month)
    if on.day < since.day:
        months -= 1
    return max(months, 0)


def book_value(entry: Entry, on: date, years: int) -> Cents:
    """What is left of an entry on a date, written off straight-line by whole months."""
    life = years * 12
    left = max(life - months_elapsed(entry.entry_date, on), 0)
    return to_cents(Decimal(entry.amount) * left / life / 100)


def settle(
    key: Key,
    before: Sequence[Participant],
    after: Sequence[Participant],
    entries: Iterable[Entry],
    positions: Mapping[tuple[int, str], Cents],
    on: date,
) -> Split:
    """Re-divide the already allocated `entries` over the new set of participants.

    `before` are the participants the entries were divided over, `after` the new set (with
    the newcomers), `positions` what each member bears per entry so far (entry id, member
    code). The result holds, per entry, the debit (+) or credit (-) of every member; each
    entry's lines add up to zero.
    """
    shares: list[Share] = []
    for entry in sorted(entries, key=lambda e: e.id):
        new_set = [p for p in after if _bears(p, entry, on)]
        new_weights = weights(key, new_set)
        new_total = _sum(new_weights)
        if key.policy is LateJoinerPolicy.FULL_COST:
            target = allocate(entry.amount, new_weights, tie_break=str)
            current = {code: amount for (eid, code), amount in positions.items() if eid == entry.id}
        else:
            base = book_value(entry, on, key.depreciation_years)
            old_set = [p for p in before if _bears(p, entry, on)]
            current = allocate(base, weights(key, old_set), tie_break=str)
            target = allocate(base, new_weights, tie_break=str)
        for code in sorted(target.keys() | current.keys()):
            difference = Cents(target.get(code, 0) - current.get(code, 0))
            if difference:
                weight = new_weights.get(code, Decimal(0))
                shares.append(Share(entry.id, code, difference, weight, new_total))
    return Split(key.kind, tuple(shares))


def _bears(participant: Participant, entry: Entry, on: date) -> bool:
    """After settling on `on`: whether the participant bears a share of the entry."""
    left = participant.left_on
    return participant.joined_on <= on and (left is None or left >= entry.entry_date)


def inputs_digest(
    key: Key, participants: Sequence[Participant], entries: Iterable[Entry], **more: object
) -> tuple[str, str]:
    """Canonical JSON of everything a run is computed from, and its SHA-256.

    The order of participants and entries does not matter; any changed value does.
    """
    document = {
        "key": key.kind.value,
        "single_payer": key.single_payer,
        "policy": key.policy.value,
        "depreciation_years": key.depreciation_years,
        "extra": dict(sorted(key.extra.items())),
        "participants": [
            {
                "member": p.member_code,
                "joined_on": p.joined_on.isoformat(),
                "left_on": p.left_on.isoformat() if p.left_on else None,
                "inhabitants": p.inhabitants,
                "percentage": None if p.percentage is None else str(p.percentage),
                "usage": None if p.usage is None else str(p.usage),
                "basis": p.basis,
            }
            for p in sorted(participants, key=lambda p: (p.member_code, p.joined_on))
        ],
        "entries": [
            {"id": e.id, "amount_cents": e.amount, "date": e.entry_date.isoformat()}
            for e in sorted(entries, key=lambda e: e.id)
        ],
        **{name: _plain(value) for name, value in sorted(more.items())},
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return str(value)
    return value
