"""Sharing a cost pool: worked examples by hand and properties of every key."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.costs.sharing import (
    AllocationError,
    AllocationKey,
    Entry,
    Key,
    LateJoinerPolicy,
    Participant,
    book_value,
    inputs_digest,
    months_elapsed,
    settle,
    split,
)
from registry.kit.money import Cents

START = date(2021, 1, 1)
BY_INHABITANTS = Key(AllocationKey.INHABITANTS)
FOUNDERS = [
    Participant("eindhoven", START, inhabitants=234_394),
    Participant("gr-boxtel-sint-michielsgestel", START, inhabitants=60_009),
    Participant("woerden", START, inhabitants=52_299),
]
TILBURG = Participant("tilburg", date(2023, 1, 1), inhabitants=219_789)
BUILD = Entry(1, Cents(2_500_000), START)  # EUR 25,000


def test_founding_costs_fifty_twenty_five_twenty_five() -> None:
    founders = [
        Participant("a", START, percentage=Decimal(50)),
        Participant("b", START, percentage=Decimal(25)),
        Participant("c", START, percentage=Decimal(25)),
    ]
    result = split(
        Key(AllocationKey.FIXED_PERCENTAGES), founders, [Entry(1, Cents(9_250_000), START)]
    )
    assert result.totals() == {"a": 4_625_000, "b": 2_312_500, "c": 2_312_500}


def test_application_by_inhabitants_then_a_fourth_member_joins() -> None:
    # 2,500,000 cents over 346,702 inhabitants:
    #   Eindhoven 234,394 → 1,690,169.079   Woerden 52,299 → 377,117.813   GR 60,009 → 432,713.108
    # floors add up to 2,499,999; the one cent left goes to the largest remainder (Woerden).
    first = split(BY_INHABITANTS, FOUNDERS, [BUILD])
    assert first.totals() == {
        "eindhoven": 1_690_169,
        "gr-boxtel-sint-michielsgestel": 432_713,
        "woerden": 377_118,
    }
    # Tilburg (219,789) joins; over 566,491 inhabitants:
    #   Eindhoven 1,034,411.844  Woerden 230,802.431  GR 264,827.685  Tilburg 969,958.040
    # floors add up to 2,499,998; the two cents go to Eindhoven (.844) and the GR (.685).
    positions = {(1, code): amount for code, amount in first.totals().items()}
    settlement = settle(
        BY_INHABITANTS, FOUNDERS, [*FOUNDERS, TILBURG], [BUILD], positions, TILBURG.joined_on
    )
    assert settlement.totals() == {
        "eindhoven": -655_757,  # 1,034,412 - 1,690,169
        "gr-boxtel-sint-michielsgestel": -167_885,  # 264,828 - 432,713
        "tilburg": 969_958,
        "woerden": -146_316,  # 230,802 - 377,118
    }
    assert settlement.total == 0


def test_depreciated_policy_settles_only_the_book_value() -> None:
    key = Key(AllocationKey.INHABITANTS, policy=LateJoinerPolicy.DEPRECIATED)
    first = split(key, FOUNDERS, [BUILD])
    positions = {(1, code): amount for code, amount in first.totals().items()}
    # Joined 2023-01-01: 24 of 60 months written off, book value 25,000 × 36/60 = 15,000.00.
    assert book_value(BUILD, TILBURG.joined_on, 5) == 1_500_000
    # 15,000.00 over the founders: E 1,014,101.447 W 226,270.688 GR 259,627.865 → the two
    # cents left go to GR and W: 1,014,101 / 226,271 / 259,628.
    # 15,000.00 over all four: E 620,647.106 W 138,481.459 GR 158,896.611 T 581,974.824 → the
    # two cents go to Tilburg and the GR: 620,647 / 138,481 / 158,897 / 581,975.
    settlement = settle(key, FOUNDERS, [*FOUNDERS, TILBURG], [BUILD], positions, TILBURG.joined_on)
    assert settlement.totals() == {
        "eindhoven": -393_454,
        "gr-boxtel-sint-michielsgestel": -100_731,
        "tilburg": 581_975,
        "woerden": -87_790,
    }
    assert settlement.total == 0


def test_months_are_counted_whole() -> None:
    assert months_elapsed(date(2021, 3, 15), date(2023, 3, 15)) == 24
    assert months_elapsed(date(2021, 3, 15), date(2023, 3, 14)) == 23
    assert months_elapsed(date(2021, 3, 15), date(2020, 1, 1)) == 0
    assert book_value(Entry(1, Cents(6000), START), date(2030, 1, 1), 5) == 0


def test_entry_is_shared_by_who_took_part_on_its_date() -> None:
    leaver = Participant("a", START, left_on=date(2021, 6, 30))
    stayer = Participant("b", START)
    result = split(
        Key(AllocationKey.EQUAL),
        [leaver, stayer],
        [Entry(1, Cents(100), date(2021, 6, 30)), Entry(2, Cents(100), date(2021, 7, 1))],
    )
    assert [(s.entry_id, s.member_code, s.amount) for s in result.shares] == [
        (1, "a", 50),
        (1, "b", 50),
        (2, "b", 100),
    ]


@pytest.mark.parametrize(
    ("key", "participants", "code"),
    [
        (
            Key(AllocationKey.FIXED_PERCENTAGES),
            [
                Participant("a", START, percentage=Decimal(60)),
                Participant("b", START, percentage=Decimal(30)),
            ],
            "percentages_not_100",
        ),
        (
            Key(AllocationKey.FIXED_PERCENTAGES),
            [Participant("a", START, percentage=Decimal(100)), Participant("b", START)],
            "percentage_missing",
        ),
        (
            Key(AllocationKey.SINGLE_PAYER, single_payer="z"),
            [Participant("a", START)],
            "payer_not_participant",
        ),
        (Key(AllocationKey.INHABITANTS), [Participant("a", START, inhabitants=0)], "all_zero"),
        (Key(AllocationKey.INHABITANTS), [Participant("a", START)], "inhabitants_missing"),
        (Key(AllocationKey.USAGE), [Participant("a", START)], "usage_missing"),
    ],
)
def test_refusals(key: Key, participants: list[Participant], code: str) -> None:
    with pytest.raises(AllocationError) as refused:
        split(key, participants, [Entry(1, Cents(100), START)])
    assert refused.value.phrase.code == code


def test_no_participant_on_the_entry_date() -> None:
    with pytest.raises(AllocationError) as refused:
        split(BY_INHABITANTS, FOUNDERS, [Entry(7, Cents(100), date(2020, 12, 31))])
    assert (refused.value.field, refused.value.phrase.code) == ("entries[7]", "no_participants")
    assert (
        refused.value.phrase.text("nl") == "Op 31 december 2020 nam niemand deel aan de kostenpool."
    )


def test_percentages_refusal_shows_the_total_in_the_readers_notation() -> None:
    halves = [
        Participant("a", START, percentage=Decimal("47.25")),
        Participant("b", START, percentage=Decimal("47.5")),
    ]
    with pytest.raises(AllocationError) as refused:
        split(Key(AllocationKey.FIXED_PERCENTAGES), halves, [Entry(1, Cents(100), START)])
    assert refused.value.phrase.text("nl") == "De percentages tellen op tot 94,75, niet tot 100."
    assert refused.value.phrase.text("en") == "the percentages add up to 94.75, not 100"


codes = st.lists(st.sampled_from("ABCDEFGHIJKL"), min_size=1, max_size=8, unique=True)
amounts = st.integers(min_value=0, max_value=10**11)


@st.composite
def pools(draw: st.DrawFn) -> tuple[Key, list[Participant]]:
    members = draw(codes)
    kind = draw(st.sampled_from(AllocationKey))
    participants: list[Participant] = []
    if kind is AllocationKey.FIXED_PERCENTAGES:
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, 10_000), min_size=len(members) - 1, max_size=len(members) - 1
                )
            )
        )
        bounds = [0, *cuts, 10_000]
        shares = [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(len(members))]
        participants = [
            Participant(c, START, percentage=s) for c, s in zip(members, shares, strict=True)
        ]
    else:
        figures = draw(
            st.lists(st.integers(0, 10**6), min_size=len(members), max_size=len(members))
        )
        if not any(figures):
            figures[0] = 1
        participants = [
            Participant(c, START, inhabitants=f, usage=Decimal(f) / 8)
            for c, f in zip(members, figures, strict=True)
        ]
    return Key(kind, single_payer=draw(st.sampled_from(members))), participants


@given(pool=pools(), entry_amounts=st.lists(amounts, min_size=1, max_size=5), seed=st.integers())
def test_every_key_sums_to_the_pool_never_negative_and_order_free(
    pool: tuple[Key, list[Participant]], entry_amounts: list[int], seed: int
) -> None:
    key, participants = pool
    entries = [Entry(i, Cents(a), START + timedelta(days=i)) for i, a in enumerate(entry_amounts)]
    result = split(key, participants, entries)
    assert result.total == sum(entry_amounts)
    for entry in entries:
        assert sum(s.amount for s in result.shares if s.entry_id == entry.id) == entry.amount
    assert all(s.amount >= 0 for s in result.shares)
    shuffled = participants[:]
    random.Random(seed).shuffle(shuffled)
    assert split(key, shuffled, list(reversed(entries))) == result
    _, digest = inputs_digest(key, participants, entries)
    assert inputs_digest(key, shuffled, list(reversed(entries)))[1] == digest


@st.composite
def late_joiners(draw: st.DrawFn) -> tuple[list[Participant], list[Participant], list[Entry]]:
    founders = [
        Participant(c, START, inhabitants=draw(st.integers(1, 10**6)))
        for c in draw(st.lists(st.sampled_from("ABCDEF"), min_size=1, max_size=4, unique=True))
    ]
    joins = sorted(draw(st.lists(st.integers(1, 2000), min_size=1, max_size=3)))
    newcomers = [
        Participant(f"N{i}", START + timedelta(days=day), inhabitants=draw(st.integers(0, 10**6)))
        for i, day in enumerate(joins)
    ]
    entries = [Entry(i, Cents(draw(amounts)), START) for i in range(draw(st.integers(1, 3)))]
    return founders, newcomers, entries


@given(case=late_joiners(), policy=st.sampled_from(LateJoinerPolicy))
def test_settlements_sum_to_zero(
    case: tuple[list[Participant], list[Participant], list[Entry]], policy: LateJoinerPolicy
) -> None:
    founders, newcomers, entries = case
    key = Key(AllocationKey.INHABITANTS, policy=policy)
    positions = {
        (s.entry_id, s.member_code): s.amount for s in split(key, founders, entries).shares
    }
    before = founders
    for newcomer in newcomers:
        after = [*before, newcomer]
        settlement = settle(key, before, after, entries, positions, newcomer.joined_on)
        for entry in entries:
            assert sum(s.amount for s in settlement.shares if s.entry_id == entry.id) == 0
        for s in settlement.shares:
            positions[(s.entry_id, s.member_code)] = Cents(
                positions.get((s.entry_id, s.member_code), 0) + s.amount
            )
        before = after


@given(case=late_joiners())
def test_sequential_joiners_end_as_if_all_joined_at_once(
    case: tuple[list[Participant], list[Participant], list[Entry]],
) -> None:
    founders, newcomers, entries = case
    key = BY_INHABITANTS
    first = {(s.entry_id, s.member_code): s.amount for s in split(key, founders, entries).shares}
    one_by_one = dict(first)
    before = founders
    for newcomer in newcomers:
        after = [*before, newcomer]
        for s in settle(key, before, after, entries, one_by_one, newcomer.joined_on).shares:
            one_by_one[(s.entry_id, s.member_code)] = Cents(
                one_by_one.get((s.entry_id, s.member_code), 0) + s.amount
            )
        before = after
    at_once = dict(first)
    last = newcomers[-1].joined_on
    for s in settle(key, founders, [*founders, *newcomers], entries, first, last).shares:
        at_once[(s.entry_id, s.member_code)] = Cents(
            at_once.get((s.entry_id, s.member_code), 0) + s.amount
        )
    nonzero = {k: v for k, v in one_by_one.items() if v}
    assert nonzero == {k: v for k, v in at_once.items() if v}
    # ...which is the split as if every newcomer had taken part from the start.
    everyone = split(key, [replace(p, joined_on=START) for p in [*founders, *newcomers]], entries)
    assert nonzero == {(s.entry_id, s.member_code): s.amount for s in everyone.shares if s.amount}
