"""The hash chain as pure functions: every kind of tampering is found, at the right event."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.audit.chain import (
    GENESIS_HASH,
    ChainVerifier,
    Reason,
    canonical_json,
    event_hash,
    hashed_content,
    timestamp,
    verify,
)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_label: str
    actor_user_id: int | None
    actor_token_id: int | None
    role: str
    member_id: int | None
    operation: str
    entity_type: str
    entity_id: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str = ""


def chain(contents: list[Event]) -> list[Event]:
    """Number and link the events as record() does."""
    events: list[Event] = []
    prev = GENESIS_HASH
    for seq, content in enumerate(contents, start=1):
        event = dataclasses.replace(content, seq=seq, prev_hash=prev, hash="")
        event = dataclasses.replace(event, hash=event_hash(event))
        events.append(event)
        prev = event.hash
    return events


EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
snapshots = st.none() | st.dictionaries(st.text(max_size=8), json_values, max_size=4).map(
    canonical_json
)
contents = st.builds(
    Event,
    seq=st.just(0),
    occurred_at=st.integers(0, 10**12).map(lambda us: EPOCH + timedelta(microseconds=us)),
    actor_kind=st.sampled_from(["user", "token", "system"]),
    actor_label=st.text(max_size=20),
    actor_user_id=st.none() | st.integers(1, 10**6),
    actor_token_id=st.none() | st.integers(1, 10**6),
    role=st.text(max_size=20),
    member_id=st.none() | st.integers(1, 10**6),
    operation=st.sampled_from(["create", "update", "delete", "status_change"]),
    entity_type=st.sampled_from(["application", "member", "role_assignment"]),
    entity_id=st.text(max_size=10),
    before=snapshots,
    after=snapshots,
    prev_hash=st.just(""),
)
chains = st.lists(contents, min_size=1, max_size=8).map(chain)

CONTENT_CHANGES = {
    "occurred_at": lambda e: dataclasses.replace(
        e, occurred_at=e.occurred_at + timedelta(microseconds=1)
    ),
    "actor_label": lambda e: dataclasses.replace(e, actor_label=e.actor_label + "x"),
    "actor_user_id": lambda e: dataclasses.replace(e, actor_user_id=(e.actor_user_id or 0) + 1),
    "role": lambda e: dataclasses.replace(e, role=e.role + "x"),
    "member_id": lambda e: dataclasses.replace(e, member_id=None if e.member_id else 1),
    "operation": lambda e: dataclasses.replace(e, operation=e.operation + "x"),
    "entity_id": lambda e: dataclasses.replace(e, entity_id=e.entity_id + "x"),
    "after": lambda e: dataclasses.replace(e, after='{"x":1}' if e.after != '{"x":1}' else None),
}


@given(chains)
def test_an_untouched_chain_is_intact(events: list[Event]) -> None:
    verdict = verify(events, events[-1].seq, events[-1].hash)
    assert verdict.intact
    assert (verdict.events, verdict.last_hash) == (len(events), events[-1].hash)


@given(chains, st.data(), st.sampled_from(sorted(CONTENT_CHANGES)))
def test_a_changed_field_breaks_exactly_that_event(
    events: list[Event], data: st.DataObject, field: str
) -> None:
    i = data.draw(st.integers(0, len(events) - 1))
    events[i] = CONTENT_CHANGES[field](events[i])
    verdict = verify(events)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (i + 1, Reason.HASH_MISMATCH)
    assert verdict.broken.event is events[i]
    assert verdict.events == i


@given(chains, st.data())
def test_a_rehashed_change_breaks_the_next_link(events: list[Event], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(events) - 1))
    changed = dataclasses.replace(events[i], actor_label="someone else")
    events[i] = dataclasses.replace(changed, hash=event_hash(changed))
    verdict = verify(events, len(events), events[-1].hash)
    if i == len(events) - 1:
        assert verdict.intact  # only the head's hash (or an exported one) betrays the last
        assert verify(events, len(events), "f" * 64).broken is not None
    else:
        assert verdict.broken is not None
        assert (verdict.broken.seq, verdict.broken.reason) == (i + 2, Reason.PREV_HASH_MISMATCH)


@given(st.lists(contents, min_size=3, max_size=8).map(chain), st.data())
def test_a_removed_event_is_a_seq_gap(events: list[Event], data: st.DataObject) -> None:
    head = (events[-1].seq, events[-1].hash)
    i = data.draw(st.integers(0, len(events) - 2))
    del events[i]
    verdict = verify(events, *head)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (i + 2, Reason.SEQ_GAP)


@given(chains)
def test_events_removed_at_the_end_are_found_by_the_head(events: list[Event]) -> None:
    head = (events[-1].seq, events[-1].hash)
    verdict = verify(events[:-1], *head)
    assert verdict.broken is not None
    assert verdict.broken.reason is Reason.HEAD_MISMATCH
    assert (verdict.broken.seq, verdict.broken.event) == (len(events), None)


@given(st.lists(contents, min_size=2, max_size=8).map(chain), st.data())
def test_swapped_events_are_out_of_order(events: list[Event], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(events) - 2))
    events[i], events[i + 1] = events[i + 1], events[i]
    verdict = verify(events)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (i + 2, Reason.SEQ_GAP)


def test_events_beyond_the_head_are_found() -> None:
    events = chain([_content(), _content(), _content()])
    verdict = verify(events, 2, events[1].hash)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (3, Reason.HEAD_MISMATCH)


def test_the_empty_log_is_intact_at_genesis() -> None:
    verdict = verify([], 0, GENESIS_HASH)
    assert verdict.intact
    assert (verdict.events, verdict.last_hash) == (0, GENESIS_HASH)


def test_the_verifier_stops_at_the_first_break() -> None:
    events = chain([_content(), _content(), _content()])
    verifier: ChainVerifier[Event] = ChainVerifier()
    assert verifier.feed(events[0])
    assert not verifier.feed(dataclasses.replace(events[1], role="admin"))
    assert not verifier.feed(events[2])
    verdict = verifier.finish(3, events[2].hash)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason, verdict.events) == (
        2,
        Reason.HASH_MISMATCH,
        1,
    )
    assert verdict.last_hash == events[0].hash


def _content(seq: int = 0) -> Event:
    return Event(
        seq=seq,
        occurred_at=datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
        actor_kind="user",
        actor_label="Jan de Vries <jan@woerden.nl>",
        actor_user_id=7,
        actor_token_id=None,
        role="member_admin@3",
        member_id=3,
        operation="update",
        entity_type="application",
        entity_id="12",
        before=canonical_json({"status": "build", "naam": "Zaaksysteem"}),
        after=canonical_json({"status": "acceptance", "naam": "Zaaksysteem"}),
        prev_hash=GENESIS_HASH,
    )


def test_the_hash_is_stable() -> None:
    """Stored hashes depend on this exact serialisation: changing it breaks every old log."""
    event = _content(seq=1)
    assert hashed_content(event).decode() == (
        '{"actor_kind":"user","actor_label":"Jan de Vries <jan@woerden.nl>",'
        '"actor_token_id":null,"actor_user_id":7,'
        '"after":"{\\"naam\\":\\"Zaaksysteem\\",\\"status\\":\\"acceptance\\"}",'
        '"before":"{\\"naam\\":\\"Zaaksysteem\\",\\"status\\":\\"build\\"}",'
        '"entity_id":"12","entity_type":"application","member_id":3,'
        '"occurred_at":"2026-03-01T09:30:00.123456Z","operation":"update",'
        f'"prev_hash":"{GENESIS_HASH}","role":"member_admin@3","seq":1}}'
    )
    assert event_hash(event) == hashlib.sha256(hashed_content(event)).hexdigest() == KNOWN_HASH


KNOWN_HASH = "1227a1a3b77861ce0b65ef2c440ac2a50cda9b246718f8543ee28223f9c3b01c"


def test_canonical_json_is_one_spelling() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'
    assert canonical_json({"a": ["é", None], "b": 1}) == canonical_json({"b": 1, "a": ["é", None]})
    assert canonical_json(None) is None


def test_times_are_utc_with_microseconds() -> None:
    cet = timezone(timedelta(hours=1))
    assert timestamp(datetime(2026, 3, 1, 10, 30, tzinfo=cet)) == "2026-03-01T09:30:00.000000Z"
    with pytest.raises(ValueError, match="naive"):
        timestamp(datetime(2026, 3, 1, 10, 30))
