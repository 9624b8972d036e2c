"""The audit log and the head of its hash chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base
from registry.kit.types import UTCDateTime


class AuditEvent(Base):
    """One change (auditregel). Append-only: the code has no update or delete path for it.

    Actor, user, token and member ids carry no foreign keys, so deleting a user or a
    member never touches the log. before/after are canonical JSON text: the bytes that
    are hashed are exactly the bytes that are stored.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index(None, "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_label: Mapped[str] = mapped_column(Text)
    actor_user_id: Mapped[int | None]
    actor_token_id: Mapped[int | None]
    role: Mapped[str] = mapped_column(Text)
    member_id: Mapped[int | None] = mapped_column(index=True)
    operation: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The one row (id 1) holding the last seq and hash written.

    Every append first increments it with UPDATE … RETURNING, which takes the row's write
    lock: concurrent transactions queue there, so two can never chain onto the same event.
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
