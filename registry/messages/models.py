"""The outbox: a message, its attachments and where it stands."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    """Waiting to be sent, the first time or again after a failed attempt."""
    SENT = "sent"
    """The SMTP server accepted it."""
    FAILED = "failed"
    """Refused for good, or every attempt failed; the server's last answer says why."""


class Message(Base):
    """One e-mail, stored with the change that causes it; sent later by the queue's job."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[str] = mapped_column(String(1000))
    """Comma-separated addresses, each checked when the message was queued."""
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[MessageStatus] = mapped_column(str_enum(MessageStatus, "message_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_answer: Mapped[str | None] = mapped_column(String(1000))
    """What the SMTP server (or the connection) answered at the last attempt."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When a pending message is due; moved ahead while an attempt is under way."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    related_type: Mapped[str | None] = mapped_column(String(50))
    """What caused it (e.g. `invoice`), with `related_id`."""
    related_id: Mapped[str | None] = mapped_column(String(50))

    attachments: Mapped[list[MessageAttachment]] = relationship(
        back_populates="message",
        order_by="MessageAttachment.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class MessageAttachment(Base):
    """A file sent with a message: its bytes, or a reference from which they are made again
    when the message is sent or shown (an issued invoice's PDF never changes)."""

    __tablename__ = "message_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    source: Mapped[str | None] = mapped_column(String(200))
    """E.g. `invoice-pdf:12`: made again by the resolver that knows this kind of source."""

    message: Mapped[Message] = relationship(back_populates="attachments")
