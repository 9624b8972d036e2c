"""Webhook subscribers and the deliveries to them (the outbox), with every attempt."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base
from registry.kit.types import UTCDateTime, str_enum, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    """Stored with the change; waiting to be sent, or to be tried again."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Every attempt failed."""


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
    """One attempt to send a delivery: the receiver's status code, or the error."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
