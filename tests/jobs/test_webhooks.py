"""Outgoing webhooks end to end: a change stores its deliveries in its own transaction, a
worker of the job queue posts them, signed, to a real receiver on loopback, tries again after
a 500, logs every attempt, gives up after the last one, and sends a replay with the same event
id; a member's subscriber never hears of another member's invoices."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from registry.auth.roles import system_actor
from registry.billing.models import Invoice
from registry.billing.payments import record_transfer
from registry.catalogue.proposals import MaintenanceInput, maintain
from registry.db import create_engine, create_session_factory, transaction
from registry.jobs.queue import JobQueue, Resources
from registry.kit.errors import ValidationFailed
from registry.kit.money import to_euro
from registry.reports.jobs import ReportJobs
from registry.settings import Settings
from registry.webhooks.models import (
    DeliveryStatus,
    FailureReason,
    WebhookDelivery,
    WebhookSubscriber,
)
from registry.webhooks.service import (
    SubscriberInput,
    create_subscriber,
    relay,
    relay_after_commit,
    replay,
)
from tests.helpers.receiver import receiver
from tests.jobs.conftest import FreshDemo

ACTOR = system_actor("test")
TODAY = date(2026, 12, 7)
PATIENCE_SECONDS = 60
"""A guard against waiting for ever, not a speed requirement."""


def _settings(url: str, tmp_path: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "reports_dir": tmp_path / "reports",
        "job_retry_seconds": 0,
        "job_polling_seconds": 0.1,
        "dev_mode": True,
    }
    return Settings(**{**values, **changes})


@pytest.fixture
async def factory_of() -> AsyncIterator[Any]:
    engines = []

    def make(url: str) -> async_sessionmaker[AsyncSession]:
        engine = create_engine(url)
        engines.append(engine)
        return create_session_factory(engine)

    yield make
    for engine in engines:
        await engine.dispose()


async def _subscribe(
    factory: async_sessionmaker[AsyncSession], url: str, member: str | None, *events: str
) -> tuple[int, str]:
    async with transaction(factory) as session:
        subscriber, secret = await create_subscriber(
            session,
            ACTOR,
            SubscriberInput(url, events, member),
            dev_mode=True,
            per_member=5,
        )
    return subscriber.id, secret


async def _send(settings: Settings, factory: async_sessionmaker[AsyncSession]) -> None:
    """Hand the stored deliveries to a queue and run its worker until nothing is left."""
    queue = JobQueue(settings)
    await queue.open()
    try:
        await relay(factory, queue.defer_webhook_delivery)
        resources = Resources(
            settings,
            factory,
            None,
            ReportJobs(settings.reports_dir),
            queue.defer_webhook_delivery,
        )
        # A retry is due a moment after the failed attempt: run the worker until every
        # delivery is delivered or failed for good.
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            await queue.work(resources, wait=False)
            waiting = [d for d in await _deliveries(factory) if d.status is DeliveryStatus.PENDING]
            if not waiting:
                break
            assert time.monotonic() < deadline, f"still pending: {waiting}"
            await asyncio.sleep(0.05)
    finally:
        await queue.close()


async def _deliveries(factory: async_sessionmaker[AsyncSession]) -> list[WebhookDelivery]:
    async with factory() as session:
        query = (
            select(WebhookDelivery)
            .options(selectinload(WebhookDelivery.tries))
            .order_by(WebhookDelivery.id)
        )
        return list((await session.scalars(query)).all())


async def _pay(factory: async_sessionmaker[AsyncSession], number: str) -> None:
    async with transaction(factory) as session:
        invoice = (await session.scalars(select(Invoice).where(Invoice.number == number))).one()
        await record_transfer(
            session, ACTOR, invoice.id, str(to_euro(invoice.due_cents)), TODAY, "NL-REF-1", TODAY
        )


async def test_a_paid_invoice_reaches_its_members_subscriber_once_signed_after_a_retry(
    backend: str, fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo(backend)
    settings = _settings(url, tmp_path)
    factory = factory_of(url)
    with receiver() as web:
        own, own_secret = await _subscribe(
            factory, f"{web.url}/eindhoven", "eindhoven", "invoice.paid", "invoice.issued"
        )
        await _subscribe(factory, f"{web.url}/groningen", "groningen", "invoice.paid")
        await _subscribe(factory, f"{web.url}/catalogus", None, "invoice.paid")
        web.failures["/eindhoven"] = 1

        await _pay(factory, "2026-000001")  # Eindhoven's open invoice of the demo
        await _send(settings, factory)

        got = web.at("/eindhoven")
        assert [r.answered for r in got] == [500, 204]  # tried again after the 500
        assert all(r.signed_by(own_secret) for r in got)
        assert not got[0].signed_by("whsec_another")
        assert got[0].event_id == got[1].event_id == got[0].event["id"]
        assert got[0].body == got[1].body
        event = got[0].event
        assert event["type"] == "invoice.paid"
        assert event["data"]["number"] == "2026-000001"
        assert event["data"]["status"] == "paid"
        # Another member's subscriber and a catalogue without a member hear nothing of it.
        assert web.at("/groningen") == []
        assert web.at("/catalogus") == []

        (delivery,) = await _deliveries(factory)
        assert delivery.subscriber_id == own
        assert delivery.status is DeliveryStatus.DELIVERED
        assert delivery.attempts == 2
        assert [t.status_code for t in delivery.tries] == [500, 204]

        # Delivered once: another worker run sends nothing again.
        await _send(settings, factory)
        assert len(web.at("/eindhoven")) == 2

        # A replay sends the same event again, freshly signed.
        async with transaction(factory) as session:
            await replay(session, ACTOR, delivery.id)
        await _send(settings, factory)
        again = web.at("/eindhoven")
        assert len(again) == 3
        assert again[2].event_id == got[0].event_id
        assert again[2].body == got[0].body
        assert again[2].signed_by(own_secret)
        (replayed,) = await _deliveries(factory)
        assert replayed.status is DeliveryStatus.DELIVERED
        assert replayed.attempts == 3


async def test_a_receiver_that_keeps_failing_is_tried_every_attempt_then_failed(
    backend: str, fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo(backend)
    settings = _settings(url, tmp_path, job_attempts=3)
    factory = factory_of(url)
    with receiver() as web:
        await _subscribe(factory, f"{web.url}/down", None, "application.changed")
        await _subscribe(factory, f"{web.url}/up", "woerden", "application.changed")
        web.failures["/down"] = 99
        async with transaction(factory) as session:
            await maintain(
                session,
                ACTOR,
                "zaakafhandeling",
                MaintenanceInput("Zaken afhandelen.", "Handling cases.", None, ()),
            )
        await _send(settings, factory)

        assert [r.answered for r in web.at("/down")] == [500, 500, 500]
        (up,) = web.at("/up")  # a public event reaches every subscriber that wants it
        assert up.event["type"] == "application.changed"
        assert up.event["data"]["slug"] == "zaakafhandeling"
        down, delivered = await _deliveries(factory)
        assert down.status is DeliveryStatus.FAILED
        assert down.attempts == 3
        assert [t.status_code for t in down.tries] == [500, 500, 500]
        assert delivered.status is DeliveryStatus.DELIVERED


async def test_deliveries_are_queued_as_soon_as_their_change_committed(
    fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo("sqlite")
    settings = _settings(url, tmp_path)
    factory = factory_of(url)
    queue = JobQueue(settings)
    await queue.open()
    try:
        relay_after_commit(factory, queue.defer_webhook_delivery)
        with receiver() as web:
            await _subscribe(factory, f"{web.url}/eindhoven", "eindhoven", "invoice.paid")
            # A change rolled back stores and queues nothing.
            with pytest.raises(RuntimeError):
                await _pay_then_fail(factory)
            assert await _deliveries(factory) == []
            await _pay(factory, "2026-000001")
            deadline = time.monotonic() + PATIENCE_SECONDS
            while not all(d.queued for d in await _deliveries(factory)):
                assert time.monotonic() < deadline, "the delivery was never queued"
                await asyncio.sleep(0.05)
            resources = Resources(
                settings,
                factory,
                None,
                ReportJobs(settings.reports_dir),
                queue.defer_webhook_delivery,
            )
            await queue.work(resources, wait=False)
            (got,) = web.at("/eindhoven")
            assert got.event["type"] == "invoice.paid"
    finally:
        await queue.close()


async def _pay_then_fail(factory: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(factory) as session:
        invoice = (
            await session.scalars(select(Invoice).where(Invoice.number == "2026-000001"))
        ).one()
        await record_transfer(
            session, ACTOR, invoice.id, str(to_euro(invoice.due_cents)), TODAY, "R", TODAY
        )
        raise RuntimeError("rolled back")


async def test_two_registrations_at_the_same_moment_keep_the_limit(
    backend: str, fresh_demo: FreshDemo, factory_of: Any
) -> None:
    """The fifth and a sixth subscriber registered at once on two connections: one is stored,
    the other refused, never six."""
    url = await fresh_demo(backend)
    factories = [factory_of(url), factory_of(url)]
    for n in range(4):
        await _subscribe(factories[0], f"https://w.example/{n}", "woerden", "invoice.paid")

    async def register(factory: async_sessionmaker[AsyncSession], n: int) -> str:
        try:
            await _subscribe(factory, f"https://w.example/at-once-{n}", "woerden", "invoice.paid")
        except ValidationFailed as refused:
            return refused.errors[0].code
        return "stored"

    outcomes = await asyncio.gather(*(register(f, n) for n, f in enumerate(factories)))
    assert sorted(outcomes) == ["stored", "too_many_subscribers"]
    async with factories[0]() as session:
        stored = (await session.scalars(select(WebhookSubscriber))).all()
    assert len(stored) == 5


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
async def test_outside_development_a_host_of_this_machine_is_never_sent_to(
    backend: str, fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path, host: str
) -> None:
    """A subscription refuses private addresses written as such; a name is resolved when it
    is sent to. A receiver listens on this machine: nothing reaches it."""
    url = await fresh_demo(backend)
    settings = _settings(url, tmp_path, dev_mode=False, job_attempts=1)
    factory = factory_of(url)
    with receiver() as web:
        port = web.url.rsplit(":", 1)[1]
        subscriber_id, _ = await _subscribe(factory, f"{web.url}/hook", None, "application.changed")
        async with transaction(factory) as session:
            subscriber = await session.get(WebhookSubscriber, subscriber_id)
            assert subscriber is not None
            subscriber.url = f"https://{host}:{port}/hook"  # as a name that resolves there would
            await maintain(
                session,
                ACTOR,
                "zaakafhandeling",
                MaintenanceInput("Zaken afhandelen.", "Handling cases.", None, ()),
            )
        await _send(settings, factory)

        assert web.at("/hook") == []
        (delivery,) = await _deliveries(factory)
        assert delivery.status is DeliveryStatus.FAILED
        (attempt,) = delivery.tries
        assert attempt.status_code is None
        assert attempt.reason is FailureReason.INTERNAL_ADDRESS
        assert attempt.error is not None
        assert attempt.error.startswith(host.strip("[]"))  # the host, with where it resolved
        assert attempt.error.rsplit(" → ", 1)[-1] in {"127.0.0.1", "::1"}
