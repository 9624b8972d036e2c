"""The hash chain of the audit log, as pure functions: no I/O, so it is tested exhaustively.

Each event's hash covers its content and the previous event's hash, so changing, removing
or reordering a stored event breaks every link after it. The hashed bytes are built from
the values exactly as stored (before/after are stored as canonical JSON text), so SQLite
and PostgreSQL give the same hashes.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, overload

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first event (and the hash of the empty log)."""


class ChainedEvent(Protocol):
    """What the chain needs of an event; the stored `AuditEvent` row is one."""

    @property
    def seq(self) -> int: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def actor_kind(self) -> str: ...
    @property
    def actor_label(self) -> str: ...
    @property
    def actor_user_id(self) -> int | None: ...
    @property
    def actor_token_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def member_id(self) -> int | None: ...
    @property
    def operation(self) -> str: ...
    @property
    def entity_type(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def before(self) -> str | None: ...
    @property
    def after(self) -> str | None: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


E = TypeVar("E", bound=ChainedEvent)
T = TypeVar("T")
"""The event type a verdict carries along; unbounded, as it is only handed back."""


@overload
def canonical_json(value: Mapping[str, Any]) -> str: ...
@overload
def canonical_json(value: None) -> None: ...
@overload
def canonical_json(value: Mapping[str, Any] | None) -> str | None: ...
def canonical_json(value: Mapping[str, Any] | None) -> str | None:
    """The one JSON spelling of a value: sorted keys, no spaces, UTF-8 text as is."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp(moment: datetime) -> str:
    """UTC with microseconds, e.g. `2026-01-31T09:30:00.000000Z`; naive times are refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hashed_fields(event: ChainedEvent) -> dict[str, Any]:
    """Every field the hash covers: all but the hash itself (and the database id)."""
    return {
        "seq": event.seq,
        "occurred_at": timestamp(event.occurred_at),
        "actor_kind": event.actor_kind,
        "actor_label": event.actor_label,
        "actor_user_id": event.actor_user_id,
        "actor_token_id": event.actor_token_id,
        "role": event.role,
        "member_id": event.member_id,
        "operation": event.operation,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }


def hashed_content(event: ChainedEvent) -> bytes:
    """The bytes an event's hash covers, in canonical JSON."""
    content = hashed_fields(event)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: ChainedEvent) -> str:
    """SHA-256 (hex) of the event's content, previous hash included."""
    return hashlib.sha256(hashed_content(event)).hexdigest()


class Reason(enum.StrEnum):
    SEQ_GAP = "seq_gap"
    PREV_HASH_MISMATCH = "prev_hash_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    HEAD_MISMATCH = "head_mismatch"


@dataclass(frozen=True, slots=True)
class Break(Generic[T]):
    """The first broken link: where, why, and the event (None: events missing at the end)."""

    seq: int
    reason: Reason
    detail: str
    event: T | None


@dataclass(frozen=True, slots=True)
class Verdict(Generic[T]):
    events: int
    """Intact events: all of them, or those before the first broken link."""
    last_hash: str
    """Hash of the last intact event."""
    broken: Break[T] | None

    @property
    def intact(self) -> bool:
        return self.broken is None


class ChainVerifier(Generic[E]):
    """Checks events fed one at a time in seq order, so a long log is verified while streamed."""

    def __init__(self) -> None:
        self.events = 0
        self.last_seq = 0
        self.last_hash = GENESIS_HASH
        self.broken: Break[E] | None = None

    def feed(self, event: E) -> bool:
        """Check the next event; False (and nothing more is checked) once a link is broken."""
        if self.broken is not None:
            return False
        expected = self.last_seq + 1
        if event.seq != expected:
            self._break(
                event.seq,
                Reason.SEQ_GAP,
                f"expected seq {expected}, found {event.seq}: events are missing or out of order",
                event,
            )
        elif event.prev_hash != self.last_hash:
            self._break(
                event.seq,
                Reason.PREV_HASH_MISMATCH,
                "its prev_hash is not the hash of the event before it",
                event,
            )
        elif event_hash(event) != event.hash:
            self._break(
                event.seq,
                Reason.HASH_MISMATCH,
                "its content does not match its hash: the stored event was changed",
                event,
            )
        else:
            self.events += 1
            self.last_seq, self.last_hash = event.seq, event.hash
        return self.broken is None

    def _break(self, seq: int, reason: Reason, detail: str, event: E | None) -> None:
        self.broken = Break(seq=seq, reason=reason, detail=detail, event=event)

    def finish(self, head_seq: int | None = None, head_hash: str | None = None) -> Verdict[E]:
        """The verdict; given the chain head (last seq and hash written), also checks the end."""
        if self.broken is None and head_seq is not None:
            if head_seq != self.last_seq:
                self._break(
                    min(head_seq, self.last_seq) + 1,
                    Reason.HEAD_MISMATCH,
                    f"the log ends at seq {self.last_seq} but the chain head is at seq "
                    f"{head_seq}: events were removed from or added to the end",
                    None,
                )
            elif head_hash != self.last_hash:
                self._break(
                    head_seq,
                    Reason.HEAD_MISMATCH,
                    "the last event's hash is not the hash in the chain head",
                    None,
                )
        return Verdict(events=self.events, last_hash=self.last_hash, broken=self.broken)


def verify(
    events: Iterable[E], head_seq: int | None = None, head_hash: str | None = None
) -> Verdict[E]:
    """Verify a whole chain in seq order, stopping at the first broken link."""
    verifier: ChainVerifier[E] = ChainVerifier()
    for event in events:
        if not verifier.feed(event):
            break
    return verifier.finish(head_seq, head_hash)
