"""The audit log: every change, in the same transaction, append-only and hash-chained."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from registry.audit import repository
from registry.audit.chain import ChainVerifier, Verdict, canonical_json, event_hash
from registry.audit.models import AuditEvent
from registry.audit.repository import AuditFilter
from registry.audit.snapshot import json_safe, snapshot
from registry.auth.roles import Actor
from registry.kit.types import utcnow

BATCH_SIZE = 500
T = TypeVar("T")
R = TypeVar("R", bound=DeclarativeBase)


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one entity, as the audit log records it."""

    operation: str
    entity_type: str
    entity_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    member_id: int | None = None


async def record_many(
    session: AsyncSession, actor: Actor, changes: Sequence[Change]
) -> list[AuditEvent]:
    """Write one audit event per change, in `session`'s transaction, chained in order.

    They are stored, or rolled back, together with the changes. The chain head is advanced
    first: that locks it, so concurrent transactions append one after the other, and the
    time is taken after the lock, so times never run backwards along the chain.
    """
    if not changes:
        return []
    last_seq, prev_hash = await repository.advance_head(session, len(changes))
    occurred_at = utcnow()
    events: list[AuditEvent] = []
    for seq, change in enumerate(changes, start=last_seq - len(changes) + 1):
        event = AuditEvent(
            seq=seq,
            occurred_at=occurred_at,
            actor_kind=actor.kind.value,
            actor_label=actor.label,
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            role=actor.role_label,
            member_id=change.member_id,
            operation=change.operation,
            entity_type=change.entity_type,
            entity_id=change.entity_id,
            before=canonical_json(change.before),
            after=canonical_json(change.after),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event_hash(event)
        events.append(event)
    session.add_all(events)
    await session.flush()
    await repository.set_head_hash(session, last_seq, prev_hash)
    return events


async def record(
    session: AsyncSession,
    actor: Actor,
    *,
    operation: str,
    entity_type: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    member_id: int | None = None,
) -> AuditEvent:
    """Write the audit event of one change (see `record_many`)."""
    change = Change(operation, entity_type, entity_id, before, after, member_id)
    (event,) = await record_many(session, actor, [change])
    return event


async def record_row(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    entity_type: str,
    row: Any,
    *,
    entity_id: str | None = None,
    before: Mapping[str, Any] | None = None,
    member_id: int | None = None,
    exclude: frozenset[str] = frozenset(),
    **extra: Any,
) -> AuditEvent:
    """The audit event of a change to one row: the row as it is now (its columns but
    `exclude`, plus the related values `extra`) after, `before` as it was (None for a new
    row); the entity is named by `entity_id`, or else by the row's `id`."""
    return await record(
        session,
        actor,
        operation=operation,
        entity_type=entity_type,
        entity_id=str(row.id) if entity_id is None else entity_id,
        before=before,
        after=snapshot(row, exclude=exclude, **extra),
        member_id=member_id,
    )


async def add_recorded(
    session: AsyncSession,
    actor: Actor,
    row: Any,
    *,
    operation: str = "create",
    entity_type: str | None = None,
    **audit: Any,
) -> None:
    """Store a new row and record its creation, in the caller's transaction.

    The row is flushed before the event is written, so the event names the row's id and
    holds the values the database filled in, and a unique key that refuses the row (a
    double submit that lost a race) refuses it before anything is recorded. The entity is
    named by `entity_type`, or else by the row's table; `audit` holds the other keywords
    of `record_row` (`entity_id`, `member_id`, `exclude`, related values).
    """
    session.add(row)
    await session.flush()
    await record_row(session, actor, operation, entity_type or row.__tablename__, row, **audit)


async def update_recorded(
    session: AsyncSession,
    actor: Actor,
    row: Any,
    changes: Mapping[str, Any],
    *,
    operation: str = "update",
    entity_type: str | None = None,
    **audit: Any,
) -> None:
    """Set some columns of a row and record the change, in the caller's transaction.

    `before` holds the old values of exactly the columns in `changes` (as the audit log
    spells them), so every update event of a row reads the same way; the row is flushed
    before the event is written, and `entity_type` and `audit` are as in `add_recorded`.
    """
    before = {name: json_safe(getattr(row, name)) for name in changes}
    for name, value in changes.items():
        setattr(row, name, value)
    await session.flush()
    await record_row(
        session, actor, operation, entity_type or row.__tablename__, row, before=before, **audit
    )


@asynccontextmanager
async def recording_change(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    row: Any,
    *,
    entity_type: str | None = None,
    **audit: Any,
) -> AsyncIterator[None]:
    """Record what the block changes in a row, in the caller's transaction.

    The row's columns (but `exclude`) are read before the block; after it the row is
    flushed and recorded with that `before` and its state after. A block that raises
    records nothing. `entity_type` and `audit` are as in `add_recorded`.
    """
    before = snapshot(row, exclude=audit.get("exclude", frozenset()))
    yield
    await session.flush()
    await record_row(
        session, actor, operation, entity_type or row.__tablename__, row, before=before, **audit
    )


@asynccontextmanager
async def recording_upsert(
    session: AsyncSession,
    actor: Actor,
    row: R | None,
    new: Callable[[], R],
    *,
    entity_type: str | None = None,
    **audit: Any,
) -> AsyncIterator[R]:
    """Change a row that may not exist yet, and record which it was.

    The block fills in the row it is given: `row`, or else `new()`, added to the session.
    After it the row is flushed and recorded as "create" (nothing before) or "update" (its
    columns as they were). `entity_type` and `audit` are as in `add_recorded`.
    """
    before = None if row is None else snapshot(row, exclude=audit.get("exclude", frozenset()))
    if row is None:
        row = new()
        session.add(row)
    yield row
    await session.flush()
    operation = "create" if before is None else "update"
    await record_row(
        session, actor, operation, entity_type or row.__tablename__, row, before=before, **audit
    )


async def record_deletion(
    session: AsyncSession,
    actor: Actor,
    entity_type: str,
    row: Any,
    before: Mapping[str, Any],
    *,
    member_id: int | None = None,
) -> AuditEvent:
    """The audit event of deleting one row with an `id`: `before` as it was (read before the
    delete), nothing after."""
    return await record(
        session,
        actor,
        operation="delete",
        entity_type=entity_type,
        entity_id=str(row.id),
        before=before,
        after=None,
        member_id=member_id,
    )


async def stream_events(
    session: AsyncSession,
    f: AuditFilter | None = None,
    *,
    after_seq: int = 0,
    batch_size: int = BATCH_SIZE,
) -> AsyncIterator[AuditEvent]:
    """Events in seq order, fetched in batches so a long log never sits in memory whole."""
    while True:
        batch = await repository.events_after(session, after_seq, batch_size, f)
        for event in batch:
            yield event
        if len(batch) < batch_size:
            return
        after_seq = batch[-1].seq


async def verify_log(session: AsyncSession, *, batch_size: int = BATCH_SIZE) -> Verdict[AuditEvent]:
    """Check the whole chain and its end against the chain head; the first broken link.

    Events are read in batches; each batch is hashed in a worker thread, so a long chain
    never holds up the event loop (the pages and the API verify while serving others).
    The head is read after the events: an event committed meanwhile is read on, so
    concurrent changes are not mistaken for events missing at the end.
    """
    verifier = ChainVerifier[AuditEvent]()
    while True:
        batch = await repository.events_after(session, verifier.last_seq, batch_size)
        if batch and not await asyncio.to_thread(_feed_all, verifier.feed, batch):
            return verifier.finish()
        if len(batch) < batch_size:
            head_seq, head_hash = await repository.head(session)
            if head_seq <= verifier.last_seq or not batch:
                return verifier.finish(head_seq, head_hash)


def _feed_all(feed: Callable[[T], bool], batch: Sequence[T]) -> bool:
    """Hash and check a batch of loaded events (no database access): CPU work for a thread."""
    return all(feed(event) for event in batch)
