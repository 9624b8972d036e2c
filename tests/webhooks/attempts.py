"""Deliveries that fail for real: a subscriber, one stored delivery and one attempt sent by
`deliver` to a receiver that never answers, to a port nothing listens on, or to this machine
outside development."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import system_actor
from registry.db import transaction
from registry.webhooks.delivery import DeliveryFailed, deliver
from registry.webhooks.events import EventType
from registry.webhooks.models import WebhookAttempt
from registry.webhooks.service import SubscriberInput, create_subscriber, emit
from tests.helpers.ports import free_port

ACTOR = system_actor("test")


@contextmanager
def silent_receiver() -> Iterator[str]:
    """A URL on loopback where the connection is accepted (by the kernel) and never answered."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        yield f"http://127.0.0.1:{listening.getsockname()[1]}/hook"


def nothing_listening() -> str:
    """A URL on loopback at a port nothing listens on: the connection is refused."""
    return f"http://127.0.0.1:{free_port()}/hook"


async def delivery_to(
    factory: async_sessionmaker[AsyncSession], url: str, member: str | None = None
) -> tuple[int, int]:
    """(a new subscriber at `url`, the id of one delivery stored for it)."""
    async with transaction(factory) as session:
        subscriber, _ = await create_subscriber(
            session,
            ACTOR,
            SubscriberInput(url, [EventType.APPLICATION_CHANGED.value], member),
            dev_mode=True,
            per_member=5,
        )
        stored = await emit(session, EventType.APPLICATION_CHANGED, {"slug": "zaakafhandeling"})
        (delivery,) = [d for d in stored if d.subscriber_id == subscriber.id]
        return subscriber.id, delivery.id


async def attempt(
    factory: async_sessionmaker[AsyncSession],
    delivery_id: int,
    *,
    internal_allowed: bool = True,
    wait_seconds: float = 5,
    final: bool = False,
) -> WebhookAttempt:
    """Send the delivery once (a failure is raised to the queue: swallowed here; `final`: the
    last try, a failure fails the delivery for good); the attempt as stored."""
    with suppress(DeliveryFailed):
        await deliver(
            factory,
            delivery_id,
            final=final,
            wait_seconds=wait_seconds,
            internal_allowed=internal_allowed,
        )
    async with factory() as session:
        query = (
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id.desc())
            .limit(1)
        )
        return (await session.scalars(query)).one()


OLD_DETAIL = "ConnectError: old text"
"""The error of an attempt stored before the reasons were (it has no reason)."""


async def failed_three_ways(
    factory: async_sessionmaker[AsyncSession], member: str
) -> tuple[int, int]:
    """(a subscriber of `member`, its failed delivery): tried for real at a port nothing
    listens on, then (outside development) refused as an address of this machine, and an
    attempt as stored before the reasons were, with `OLD_DETAIL`."""
    subscriber, delivery = await delivery_to(factory, nothing_listening(), member)
    await attempt(factory, delivery)
    await attempt(factory, delivery, internal_allowed=False, final=True)
    async with transaction(factory) as session:
        session.add(WebhookAttempt(delivery_id=delivery, error=OLD_DETAIL))
    return subscriber, delivery
