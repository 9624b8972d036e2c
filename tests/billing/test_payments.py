"""Collecting invoices through the payment gateway (localstripe on loopback, for real)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth.roles import Role
from registry.billing import repository
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice, InvoiceStatus, SettlementKind
from registry.billing.payments import (
    pay_by_card,
    process_event,
    request_payment,
    retry_payment_requests,
)
from registry.billing.reconciliation import Difference, reconcile
from registry.billing.stripe_gateway import StripeGateway
from registry.db import create_engine, create_session_factory
from registry.jobs import tasks
from registry.jobs.queue import JobQueue, Resources
from registry.kit.errors import ValidationFailed
from registry.reports.jobs import ReportJobs
from registry.settings import Settings
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.graphql import SESSION_SECRET
from tests.live import LiveServer
from tests.localstripe import API_KEY, PUBLISHABLE_KEY, WEBHOOK_SECRET, Localstripe, WebhookReceiver

__all__ = ["billed", "cooperative", "pool_members"]

DECLINED_ON_CHARGE = "4000000000000341"


async def _issued(session: AsyncSession, member: str = "woerden") -> Invoice:
    drafts = {d.member_code: d for d in await run_invoices(session, ACTOR, TODAY)}
    return await issue(session, ACTOR, drafts[member].id, TODAY, SETTINGS)


async def _card(client: stripe.StripeClient, number: str = "4242424242424242") -> str:
    """A card as the payer's browser hands it over (Stripe.js tokenises it there)."""
    method = await client.v1.payment_methods.create_async(
        {
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    return method.id


async def _about(
    session: AsyncSession, gateway: StripeGateway, invoice: Invoice
) -> list[Difference]:
    """The differences about this invoice's PaymentIntent (localstripe outlives each test)."""
    differences = await reconcile(session, ACTOR, gateway)
    return [d for d in differences if d.intent_id == invoice.gateway_intent_id]


def _with_payments(db_url: str, localstripe: Localstripe) -> Settings:
    """The app's settings with payments on localstripe."""
    return Settings(
        database_url=db_url,
        session_secret=SESSION_SECRET,
        stripe_api_key=API_KEY,
        stripe_publishable_key=PUBLISHABLE_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=localstripe.url,
    )


def _payer() -> Any:
    from registry.auth.roles import Actor, ActorKind, Grant

    return lambda member_id: Actor(
        ActorKind.USER, "Woerden admin", 99, grants=frozenset({Grant(Role.MEMBER_ADMIN, member_id)})
    )


async def test_a_card_payment_marks_the_invoice_paid_through_the_signed_webhook(
    billed: AsyncSession,
    gateway: StripeGateway,
    stripe_client: stripe.StripeClient,
    webhooks: WebhookReceiver,
) -> None:
    session = billed
    invoice = await _issued(session)
    assert invoice.payment_pending
    assert await request_payment(session, gateway, invoice)
    intent_id = invoice.gateway_intent_id
    assert intent_id is not None
    assert not invoice.payment_pending
    assert not await request_payment(session, gateway, invoice)  # asked once, never twice
    intent = await gateway.retrieve_payment_intent(intent_id)
    assert (intent.amount_cents, intent.currency) == (invoice.due_cents, "eur")
    assert intent.metadata["invoice_number"] == invoice.number

    payer = _payer()(invoice.member_id)
    result = await pay_by_card(session, payer, gateway, invoice.id, await _card(stripe_client))
    assert result.status == "succeeded"
    assert invoice.status is InvoiceStatus.ISSUED  # paid only when the gateway says so
    delivery = await webhooks.wait_for("payment_intent.succeeded", intent_id)
    event = gateway.verify_event(delivery.body, delivery.signature)
    for _ in range(2):  # deliveries come twice sometimes: the second changes nothing
        stored = await process_event(session, ACTOR, event)
        assert stored.outcome == "payment_recorded"
    assert invoice.status is InvoiceStatus.PAID
    assert invoice.settled_cents == invoice.due_cents

    assert await _about(session, gateway, invoice) == []


async def test_a_declined_card_leaves_the_invoice_open(
    billed: AsyncSession,
    gateway: StripeGateway,
    stripe_client: stripe.StripeClient,
    webhooks: WebhookReceiver,
) -> None:
    session = billed
    invoice = await _issued(session)
    payer = _payer()(invoice.member_id)
    card = await _card(stripe_client, DECLINED_ON_CHARGE)
    with pytest.raises(ValidationFailed) as refused:
        await pay_by_card(session, payer, gateway, invoice.id, card)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "card",
        "card_declined",
    )
    assert refused.value.errors[0].text("nl").startswith("De bank of kaartuitgever heeft")
    assert invoice.gateway_intent_id is not None
    delivery = await webhooks.wait_for("payment_intent.payment_failed", invoice.gateway_intent_id)
    stored = await process_event(
        session, ACTOR, gateway.verify_event(delivery.body, delivery.signature)
    )
    assert stored.outcome == "payment_failed"
    assert stored.failure_message
    assert invoice.status is InvoiceStatus.ISSUED


async def test_issuing_while_the_gateway_is_down_loses_nothing(
    billed: AsyncSession, localstripe: Localstripe, gateway: StripeGateway, closed_url: str
) -> None:
    session = billed
    invoice = await _issued(session)
    down = localstripe.gateway(api_base=closed_url)
    assert not await request_payment(session, down, invoice)
    assert invoice.status is InvoiceStatus.ISSUED
    assert invoice.payment_pending
    assert invoice.gateway_intent_id is None
    differences = await reconcile(session, ACTOR, gateway)
    (missing,) = [d for d in differences if d.code == "intent_missing"]
    assert (missing.invoice_number, missing.fixable) == (invoice.number, True)

    assert await retry_payment_requests(session, gateway) == [invoice]
    assert not invoice.payment_pending
    assert invoice.gateway_intent_id is not None
    assert await retry_payment_requests(session, gateway) == []


async def test_reconcile_finds_and_repairs_a_payment_whose_webhook_was_lost(
    billed: AsyncSession, gateway: StripeGateway, stripe_client: stripe.StripeClient
) -> None:
    session = billed
    invoice = await _issued(session)
    await request_payment(session, gateway, invoice)
    payer = _payer()(invoice.member_id)
    await pay_by_card(session, payer, gateway, invoice.id, await _card(stripe_client))
    found = await _about(session, gateway, invoice)
    assert [(d.code, d.fixable) for d in found] == [("payment_not_recorded", True)]
    assert invoice.status is InvoiceStatus.ISSUED  # reconciling alone changes nothing
    await reconcile(session, ACTOR, gateway, apply=True)
    assert invoice.status is InvoiceStatus.PAID
    assert await _about(session, gateway, invoice) == []


async def test_the_webhook_endpoint_checks_signatures(
    db_url: str,
    localstripe: Localstripe,
    gateway: StripeGateway,
    stripe_client: stripe.StripeClient,
    webhooks: WebhookReceiver,
) -> None:
    settings = _with_payments(db_url, localstripe)
    customer = await gateway.ensure_customer(member_code="nobody", name="Niemand", email=None)
    intent = await gateway.create_payment_intent(
        customer_id=customer,
        amount_cents=500,
        invoice_number="X-1",
        member_code="nobody",
        idempotency_key="x-1",
    )
    client_ = stripe.StripeClient(
        API_KEY, base_addresses={"api": localstripe.url}, http_client=stripe.HTTPXClient()
    )
    method = await _card(client_)
    await gateway.confirm_card(intent.id, method)
    delivery = await webhooks.wait_for("payment_intent.succeeded", intent.id)
    async with AsyncTestClient(app=create_app(settings)) as client:
        headers = {"Stripe-Signature": delivery.signature or ""}
        first = await client.post("/betalingen/webhook", content=delivery.body, headers=headers)
        assert first.status_code == 200
        assert first.json() == {"event": delivery.event["id"], "outcome": "unknown_intent"}
        again = await client.post("/betalingen/webhook", content=delivery.body, headers=headers)
        assert again.json() == first.json()
        unsigned = await client.post("/betalingen/webhook", content=delivery.body)
        assert unsigned.status_code == 400
        tampered = await client.post(
            "/betalingen/webhook", content=delivery.body.replace(b"500", b"900"), headers=headers
        )
        assert tampered.status_code == 400
    off = Settings(database_url=db_url, session_secret=SESSION_SECRET)
    async with AsyncTestClient(app=create_app(off)) as client:
        response = await client.post("/betalingen/webhook", content=delivery.body, headers=headers)
        assert response.status_code == 404


async def test_twenty_deliveries_of_one_event_at_once_record_the_payment_once(
    billed: AsyncSession,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    localstripe: Localstripe,
    gateway: StripeGateway,
    stripe_client: stripe.StripeClient,
    webhooks: WebhookReceiver,
) -> None:
    session = billed
    invoice = await _issued(session)
    assert await request_payment(session, gateway, invoice)
    await session.commit()
    payer = _payer()(invoice.member_id)
    await pay_by_card(session, payer, gateway, invoice.id, await _card(stripe_client))
    await session.commit()
    delivery = await webhooks.wait_for("payment_intent.succeeded", str(invoice.gateway_intent_id))
    settings = _with_payments(db_url, localstripe)
    headers = {"Stripe-Signature": delivery.signature or ""}
    with LiveServer(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            responses = await asyncio.gather(
                *(
                    client.post("/betalingen/webhook", content=delivery.body, headers=headers)
                    for _ in range(20)
                )
            )
    assert [r.status_code for r in responses] == [200] * 20
    assert {r.json()["outcome"] for r in responses} == {"payment_recorded"}
    async with session_factory() as fresh:
        settlements = await repository.settlements_of(fresh, [invoice.id])
        stored = await repository.invoice_by_id(fresh, invoice.id)
    assert [(s.kind, s.amount_cents) for s in settlements] == [
        (SettlementKind.STRIPE, invoice.due_cents)
    ]
    assert stored is not None
    assert stored.status is InvoiceStatus.PAID


async def test_the_job_worker_retries_the_payment_requests_periodically(
    billed: AsyncSession,
    localstripe: Localstripe,
    gateway: StripeGateway,
    closed_url: str,
    db_url: str,
    tmp_path: Path,
) -> None:
    """What `registry payments retry` does by hand, the queue's periodic task does."""
    session = billed
    invoice = await _issued(session)
    assert not await request_payment(session, localstripe.gateway(api_base=closed_url), invoice)
    await session.commit()

    settings = Settings(database_url=db_url, reports_dir=tmp_path, job_polling_seconds=0.1)
    queue = JobQueue(settings)
    engine = create_engine(db_url)
    await queue.open()
    try:
        factory = create_session_factory(engine)
        resources = Resources(settings, factory, gateway, ReportJobs(tmp_path))
        await queue.app.configure_task(tasks.PAYMENT_RETRIES).defer_async(timestamp=0)
        await queue.work(resources, wait=False)
        async with factory() as reading:
            retried = await reading.get(Invoice, invoice.id)
            assert retried is not None
            assert not retried.payment_pending
            assert retried.gateway_intent_id is not None
    finally:
        await queue.close()
        await engine.dispose()
