"""Queries on the audit log. Reads only, plus the two statements that append to the chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditChainHead, AuditEvent
from registry.kit.pagination import Page, PageRequest, like_pattern, paginate

HEAD_ID = 1


class ChainHeadMissing(RuntimeError):
    """The chain head row is made by the migrations; without it nothing can be audited."""

    def __init__(self) -> None:
        super().__init__("the audit chain head is missing: run `registry migrate`")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which events; every given criterion must hold. since and until are inclusive."""

    entity_type: str | None = None
    entity_id: str | None = None
    operation: str | None = None
    actor_label: str | None = None
    """Part of the actor label, case-insensitive."""
    member_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select[AuditEvent], f: AuditFilter) -> Select[AuditEvent]:
    if f.entity_type is not None:
        query = query.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id is not None:
        query = query.where(AuditEvent.entity_id == f.entity_id)
    if f.operation is not None:
        query = query.where(AuditEvent.operation == f.operation)
    if f.actor_label is not None:
        query = query.where(AuditEvent.actor_label.ilike(like_pattern(f.actor_label), escape="\\"))
    if f.member_id is not None:
        query = query.where(AuditEvent.member_id == f.member_id)
    if f.since is not None:
        query = query.where(AuditEvent.occurred_at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.occurred_at <= f.until)
    return query


async def advance_head(session: AsyncSession, count: int = 1) -> tuple[int, str]:
    """Reserve `count` seqs: returns the last of them and the hash before the first.

    The UPDATE locks the head until the transaction ends.
    """
    row = (
        await session.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == HEAD_ID)
            .values(last_seq=AuditChainHead.last_seq + count)
            .returning(AuditChainHead.last_seq, AuditChainHead.last_hash)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        raise ChainHeadMissing
    return row.last_seq, row.last_hash


async def set_head_hash(session: AsyncSession, seq: int, hash_: str) -> None:
    await session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID, AuditChainHead.last_seq == seq)
        .values(last_hash=hash_)
        .execution_options(synchronize_session=False)
    )


async def head(session: AsyncSession) -> tuple[int, str]:
    """The last seq and hash written."""
    row = (
        await session.execute(
            select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
                AuditChainHead.id == HEAD_ID
            )
        )
    ).one_or_none()
    if row is None:
        raise ChainHeadMissing
    return row.last_seq, row.last_hash


async def events_after(
    session: AsyncSession, after_seq: int, limit: int, f: AuditFilter | None = None
) -> Sequence[AuditEvent]:
    """The next `limit` events in seq order after `after_seq`: keyset batches for streaming."""
    query = select(AuditEvent).where(AuditEvent.seq > after_seq)
    if f is not None:
        query = _filtered(query, f)
    return (await session.scalars(query.order_by(AuditEvent.seq).limit(limit))).all()


async def list_events(session: AsyncSession, page: PageRequest, f: AuditFilter) -> Page[AuditEvent]:
    """Newest first."""
    return await paginate(
        session, _filtered(select(AuditEvent), f).order_by(AuditEvent.seq.desc()), page
    )
