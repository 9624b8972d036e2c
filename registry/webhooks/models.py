"""Webhook subscribers and the deliveries to them (the outbox), with every attempt."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow

DETAIL_MAX_LENGTH = 500
"""The longest technical detail an attempt keeps (`WebhookAttempt.error`)."""


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    """Stored with the change; waiting to be sent, or to be tried again."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Every attempt failed."""


class FailureReason(enum.StrEnum):
    """Why an attempt got no answer from the receiver (an answer, even a 500, has its status)."""

    TIMED_OUT = "timed_out"
    """No answer within the wait (connecting, sending or reading)."""
    UNKNOWN_HOST = "unknown_host"
    """Not sent: the URL's host name did not resolve (no such name, or no name server answered)."""
    COULD_NOT_CONNECT = "could_not_connect"
    """Nothing accepted the connection."""
    INTERNAL_ADDRESS = "internal_address"
    """Not sent: the host name resolved to an address of this machine or a private network."""
    OTHER = "other"
    """Any other failure to send or read (TLS, protocol); also an attempt stored before the
    reasons were."""


class WebhookSubscriber(Base):
    """A system that wants to hear of changes: a member's, or (without a member) another
    catalogue's."""

    __tablename__ = "webhook_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = mapped_column(String(500))
    """The wanted event types, comma-separated."""
    secret: Mapped[str] = mapped_column(String(100))
    """Signs the deliveries; shown once, when the subscriber is made."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))

    deliveries: Mapped[list[WebhookDelivery]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(Base):
    """One event for one subscriber, stored in the transaction of the change that caused it."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriber.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(40), index=True)
    event_type: Mapped[str] = mapped_column(String(50))
    payload: Mapped[str] = mapped_column(Text)
    """The exact JSON body sent, each time."""
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued: Mapped[bool] = mapped_column(default=False)
    """Handed to the job queue."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    subscriber: Mapped[WebhookSubscriber] = relationship(back_populates="deliveries")
    tries: Mapped[list[WebhookAttempt]] = relationship(
        order_by="WebhookAttempt.id", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookAttempt(Base):
    """One attempt to send a delivery: the receiver's status code, or why none came (the
    reason people read, the technical detail in `error`)."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(DETAIL_MAX_LENGTH))
    """The technical detail of a failure (the exception, the refused address), for the
    receiver's developer; people read `failure` first."""
    reason: Mapped[FailureReason | None] = mapped_column(
        str_enum(FailureReason, "webhook_failure_reason")
    )
    """Why no answer came; None when one came or the attempt is older than the reasons."""

    @property
    def failure(self) -> FailureReason | None:
        """Why no answer came, None when one came; an attempt stored before the reasons were
        reads as OTHER, with its old text as the detail."""
        if self.status_code is not None:
            return None
        return self.reason or FailureReason.OTHER
