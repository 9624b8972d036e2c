"""Sending one delivery: POST the stored body, signed, and log the attempt."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction
from registry.kit.types import utcnow
from registry.webhooks.events import EVENT_ID_HEADER, SIGNATURE_HEADER, sign
from registry.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscriber,
)

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500


class DeliveryFailed(Exception):
    """The receiver did not answer 2xx; the job queue tries again."""


async def deliver(
    factory: async_sessionmaker[AsyncSession],
    delivery_id: int,
    *,
    final: bool,
    wait_seconds: float,
) -> None:
    """Send a pending delivery once; a delivered (or deleted) one is left alone. A failure
    is logged as an attempt and raised, or, when `final`, stored as failed."""
    async with factory() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.PENDING:
            return
        subscriber = await session.get(WebhookSubscriber, delivery.subscriber_id)
        if subscriber is None:
            return
        url, secret = subscriber.url, subscriber.secret
        body, event_id = delivery.payload.encode(), delivery.event_id
    import httpx  # here: the service starts without it (see tests/test_startup.py)

    status_code: int | None = None
    error: str | None = None
    try:
        async with httpx.AsyncClient(timeout=wait_seconds, follow_redirects=False) as client:
            answer = await client.post(
                url,
                content=body,
                headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(secret, int(utcnow().timestamp()), body),
                    EVENT_ID_HEADER: event_id,
                },
            )
        status_code = answer.status_code
    except httpx.HTTPError as failure:
        error = (f"{type(failure).__name__}: {failure}")[:ERROR_MAX_LENGTH]
    ok = status_code is not None and 200 <= status_code < 300
    async with transaction(factory) as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            return
        delivery.attempts += 1
        session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status_code, error=error))
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
        elif final:
            delivery.status = DeliveryStatus.FAILED
    if not ok:
        logger.warning("webhook delivery %s failed: %s", delivery_id, status_code or error)
        raise DeliveryFailed(f"delivery {delivery_id}: {status_code or error}")
