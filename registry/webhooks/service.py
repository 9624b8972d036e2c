"""Outgoing webhooks: subscribers, the outbox of deliveries and replays.

`emit` is called by the domains in the transaction of the change it tells about, so a
delivery exists exactly when the change was stored (an outbox). `relay` hands the stored
deliveries to the job queue after their transaction committed; `delivery.deliver` sends one.
Services flush, never commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, selectinload

from registry.audit.service import record_deletion, record_row
from registry.auth.policy import Permission, allows, require
from registry.auth.roles import Actor
from registry.db import serialise, transaction
from registry.kit.errors import ErrorCollector, NotFound, ValidationFailed
from registry.kit.types import utcnow
from registry.members.lookup import member_or_refuse
from registry.webhooks.errors import WebhookRefusal
from registry.webhooks.events import (
    PAYLOAD_MAX_BYTES,
    URL_MAX_LENGTH,
    EventType,
    receives,
    url_problem,
)
from registry.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscriber

logger = logging.getLogger(__name__)

EMITTED = "webhooks_emitted"
"""Set in a session's `info` when it stored deliveries: relay them once it has committed."""

DELIVERIES_SHOWN = 100
"""The newest deliveries a list shows."""

Defer = Callable[[int], Awaitable[None]]
"""Hands a delivery's id to the job queue."""


@dataclass(frozen=True, slots=True)
class SubscriberInput:
    url: str
    events: Sequence[str]
    member: str | None = None
    """The member's code; None for a subscriber of no member (the directie only)."""


def wanted(subscriber: WebhookSubscriber) -> frozenset[EventType]:
    return frozenset(EventType(e) for e in subscriber.events.split(",") if e)


def _may_manage(actor: Actor, member_id: int | None) -> None:
    require(actor, Permission.WEBHOOKS_MANAGE, WebhookRefusal.FORBIDDEN, member_id=member_id)


def _events(errors: ErrorCollector, names: Sequence[str]) -> list[EventType]:
    chosen: list[EventType] = []
    for name in names:
        try:
            event = EventType(name.strip())
        except ValueError:
            errors.add("events", WebhookRefusal.UNKNOWN_EVENT, event=name[:60])
            continue
        if event not in chosen:
            chosen.append(event)
    if not names:
        errors.add("events", WebhookRefusal.NO_EVENTS)
    return chosen


async def create_subscriber(
    session: AsyncSession,
    actor: Actor,
    data: SubscriberInput,
    *,
    dev_mode: bool,
    per_member: int,
) -> tuple[WebhookSubscriber, str]:
    """Register a subscriber; returns it with its secret, which is shown this once."""
    member = await member_or_refuse(session, data.member) if data.member else None
    member_id = member.id if member else None
    _may_manage(actor, member_id)
    errors = ErrorCollector()
    url = data.url.strip()
    problem = url_problem(url, dev_mode)
    if problem is not None:
        errors.add("url", problem, limit=URL_MAX_LENGTH)
    events = _events(errors, data.events)
    errors.raise_if_any()
    await serialise(session, f"webhook_subscribers:member={member_id}")
    if member_id is not None:
        count = len(
            (
                await session.scalars(
                    select(WebhookSubscriber.id).where(WebhookSubscriber.member_id == member_id)
                )
            ).all()
        )
        if count >= per_member:
            raise ValidationFailed.single("member", WebhookRefusal.TOO_MANY, limit=per_member)
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscriber = WebhookSubscriber(
        member_id=member_id,
        url=url,
        events=",".join(e.value for e in events),
        secret=secret,
        created_by=actor.label,
    )
    session.add(subscriber)
    await session.flush()
    await record_row(
        session,
        actor,
        "create",
        "webhook_subscriber",
        subscriber,
        member_id=member_id,
        exclude=frozenset({"secret"}),
    )
    return subscriber, secret


async def subscriber_or_refuse(
    session: AsyncSession, actor: Actor, subscriber_id: int
) -> WebhookSubscriber:
    subscriber = await session.get(WebhookSubscriber, subscriber_id)
    if subscriber is None:
        raise NotFound(WebhookRefusal.NO_SUBSCRIBER)
    if not allows(actor, Permission.WEBHOOKS_MANAGE, subscriber.member_id):
        raise NotFound(WebhookRefusal.NO_SUBSCRIBER)
    return subscriber


async def delete_subscriber(session: AsyncSession, actor: Actor, subscriber_id: int) -> None:
    subscriber = await subscriber_or_refuse(session, actor, subscriber_id)
    before = {"url": subscriber.url, "events": subscriber.events, "member_id": subscriber.member_id}
    await session.delete(subscriber)
    await session.flush()
    await record_deletion(
        session, actor, "webhook_subscriber", subscriber, before, member_id=subscriber.member_id
    )


async def subscribers(session: AsyncSession, actor: Actor) -> list[WebhookSubscriber]:
    """The subscribers the actor manages: all of them for the directie, else its members'."""
    query = select(WebhookSubscriber).order_by(WebhookSubscriber.id)
    if not allows(actor, Permission.WEBHOOKS_MANAGE):
        own = [m for m in actor.member_ids if allows(actor, Permission.WEBHOOKS_MANAGE, m)]
        query = query.where(WebhookSubscriber.member_id.in_(own))
    return list((await session.scalars(query)).all())


async def deliveries(
    session: AsyncSession, actor: Actor, subscriber_id: int
) -> list[WebhookDelivery]:
    """A subscriber's newest deliveries with their attempts."""
    await subscriber_or_refuse(session, actor, subscriber_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscriber_id == subscriber_id)
        .options(selectinload(WebhookDelivery.tries))
        .order_by(WebhookDelivery.id.desc())
        .limit(DELIVERIES_SHOWN)
    )
    return list((await session.scalars(query)).all())


async def replay(session: AsyncSession, actor: Actor, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, with the same event id and body; `relay` queues it."""
    delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise NotFound(WebhookRefusal.NO_DELIVERY)
    subscriber = await subscriber_or_refuse(session, actor, delivery.subscriber_id)
    delivery.status = DeliveryStatus.PENDING
    delivery.queued = False
    await session.flush()
    await session.refresh(delivery, ["tries"])
    session.info[EMITTED] = True
    await record_row(
        session,
        actor,
        "replay",
        "webhook_delivery",
        delivery,
        member_id=subscriber.member_id,
        exclude=frozenset({"payload"}),
    )
    return delivery


def body_of(event_id: str, event: EventType, data: Mapping[str, Any]) -> str:
    return json.dumps(
        {"id": event_id, "type": event.value, "created": utcnow().isoformat(), "data": data},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


async def emit(
    session: AsyncSession,
    event: EventType,
    data: Mapping[str, Any],
    member_id: int | None = None,
) -> list[WebhookDelivery]:
    """Store a delivery of the event for every subscriber that receives it, in the caller's
    transaction; `member_id` is the member a private event is about."""
    rows = (await session.scalars(select(WebhookSubscriber))).all()
    targets = [s for s in rows if receives(event, member_id, wanted(s), s.member_id)]
    if not targets:
        return []
    event_id = "evt_" + uuid.uuid4().hex
    body = body_of(event_id, event, data)
    if len(body.encode()) > PAYLOAD_MAX_BYTES:
        body = body_of(
            event_id, event, {"truncated": True, **{k: data[k] for k in ("id",) if k in data}}
        )
    stored = [
        WebhookDelivery(subscriber_id=s.id, event_id=event_id, event_type=event.value, payload=body)
        for s in targets
    ]
    session.add_all(stored)
    await session.flush()
    session.info[EMITTED] = True
    return stored


async def relay(factory: async_sessionmaker[AsyncSession], defer: Defer) -> int:
    """Hand every stored delivery not yet queued to the job queue; how many."""
    async with transaction(factory) as session:
        pending = (
            await session.scalars(
                select(WebhookDelivery)
                .where(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    WebhookDelivery.queued.is_(False),
                )
                .order_by(WebhookDelivery.id)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for delivery in pending:
            await defer(delivery.id)
            delivery.queued = True
    return len(pending)


async def unfinished(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    """Deliveries still to send (the in-memory queue lost them at a restart)."""
    async with factory() as session:
        return list(
            (
                await session.scalars(
                    select(WebhookDelivery.id).where(
                        WebhookDelivery.status == DeliveryStatus.PENDING
                    )
                )
            ).all()
        )


def relay_after_commit(factory: async_sessionmaker[AsyncSession], defer: Defer) -> None:
    """Make the sessions of `factory` hand the deliveries they stored to the job queue as soon
    as they committed (the queue's periodic `webhook_outbox` catches whatever this misses)."""
    running: set[asyncio.Task[int]] = set()

    def committed(session: Session) -> None:
        if not session.info.pop(EMITTED, False):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(relay(factory, defer))
        running.add(task)
        task.add_done_callback(_finished(running))

    def rolled_back(session: Session) -> None:
        session.info.pop(EMITTED, None)

    class RelayingSession(Session):
        """A session that relays its webhook deliveries after its commit."""

    event.listen(RelayingSession, "after_commit", committed)
    event.listen(RelayingSession, "after_rollback", rolled_back)
    factory.configure(sync_session_class=RelayingSession)


def _finished(running: set[asyncio.Task[int]]) -> Callable[[asyncio.Task[int]], None]:
    def done(task: asyncio.Task[int]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("webhook deliveries not queued", exc_info=task.exception())

    return done
