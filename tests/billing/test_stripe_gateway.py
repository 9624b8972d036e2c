"""The Stripe gateway against a real localstripe: API calls, card payments, signed webhooks."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import stripe

from registry.billing import stripe_gateway
from registry.billing.gateway import GatewayUnavailable, IntentRef, InvalidEvent
from registry.billing.stripe_gateway import API_VERSION, StripeGateway, payment_gateway
from registry.settings import Settings
from tests.localstripe import Delivery, Localstripe, RecordingProxy, WebhookReceiver

VISA = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # localstripe's "chargeCustomerFail" card


async def pay(client: stripe.StripeClient, intent_id: str, card_number: str) -> None:
    """What the payment page does through Stripe.js: attach a card, then confirm.

    localstripe refuses `payment_method` on confirm (500 "Not implemented"), so the card is
    set on the PaymentIntent first.
    """
    method = await client.v1.payment_methods.create_async(
        {
            "type": "card",
            "card": {"number": card_number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    await client.v1.payment_intents.update_async(intent_id, {"payment_method": method.id})
    await client.v1.payment_intents.confirm_async(intent_id)


async def new_intent(gateway: StripeGateway, number: str, amount_cents: int = 12100) -> IntentRef:
    customer_id = await gateway.ensure_customer(
        member_code=f"M-{number}", name="Gemeente Voorbeeld", email="fin@example.nl"
    )
    return await gateway.create_payment_intent(
        customer_id=customer_id,
        amount_cents=amount_cents,
        invoice_number=number,
        member_code=f"M-{number}",
        idempotency_key=f"invoice-{number}",
    )


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=timestamp
    )


@dataclass(frozen=True)
class Paid:
    intent: IntentRef
    delivery: Delivery


@pytest.fixture(scope="module")
async def paid(
    gateway: StripeGateway, stripe_client: stripe.StripeClient, webhooks: WebhookReceiver
) -> Paid:
    """One invoice paid by card, and localstripe's signed delivery of its success."""
    intent = await new_intent(gateway, "F2026-0100")
    await pay(stripe_client, intent.id, VISA)
    return Paid(intent, await webhooks.wait_for("payment_intent.succeeded", intent.id))


def test_api_version_is_the_one_the_sdk_is_typed_for() -> None:
    """Upgrading the SDK must be a deliberate step that also moves the pinned version."""
    assert stripe.api_version == API_VERSION


async def test_customer_carries_member_code(
    gateway: StripeGateway, stripe_client: stripe.StripeClient
) -> None:
    customer_id = await gateway.ensure_customer(
        member_code="M-0042", name="Gemeente Voorbeeld", email="fin@example.nl"
    )

    customer = await stripe_client.v1.customers.retrieve_async(customer_id)
    assert customer_id.startswith("cus_")
    assert (customer.name, customer.email) == ("Gemeente Voorbeeld", "fin@example.nl")
    assert customer.metadata.to_dict() == {"member_code": "M-0042"}


async def test_payment_intent_for_an_invoice(gateway: StripeGateway) -> None:
    intent = await new_intent(gateway, "F2026-0001", amount_cents=24200)

    assert intent.id.startswith("pi_")
    assert (intent.status, intent.amount_cents, intent.currency) == (
        "requires_payment_method",
        24200,
        "eur",
    )
    assert intent.client_secret is not None
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    assert intent.metadata == {"invoice_number": "F2026-0001", "member_code": "M-F2026-0001"}
    assert await gateway.retrieve_payment_intent(intent.id) == intent


async def test_requests_carry_pinned_version_and_idempotency_keys(
    localstripe: Localstripe, recording_proxy: RecordingProxy
) -> None:
    """Stripe returns the first answer for a repeated key; localstripe ignores the header.

    So two creates with one key give two PaymentIntents here: the registry must not rely on
    the gateway to de-duplicate, and this test checks only that the keys are sent.
    """
    gateway = localstripe.gateway(api_base=recording_proxy.url)

    first = await new_intent(gateway, "F2026-0002")
    second = await new_intent(gateway, "F2026-0002")

    posts = [r for r in recording_proxy.requests if r.method == "POST"]
    assert [(r.path_qs, r.headers.get("Idempotency-Key")) for r in posts] == [
        ("/v1/customers", "customer-M-F2026-0002"),
        ("/v1/payment_intents", "invoice-F2026-0002"),
        ("/v1/customers", "customer-M-F2026-0002"),
        ("/v1/payment_intents", "invoice-F2026-0002"),
    ]
    assert {r.headers["Stripe-Version"] for r in recording_proxy.requests} == {API_VERSION}
    assert first.id != second.id  # localstripe's limitation, see above


async def test_list_follows_every_page(
    localstripe: Localstripe, recording_proxy: RecordingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stripe_gateway, "LIST_PAGE_SIZE", 2)
    gateway = localstripe.gateway(api_base=recording_proxy.url)
    created = {(await new_intent(gateway, f"F2026-02{n:02}")).id for n in range(5)}
    recording_proxy.requests.clear()

    listed = await gateway.list_payment_intents()

    ids = [intent.id for intent in listed]
    assert len(ids) == len(set(ids))
    assert created <= set(ids)
    pages = [r.path_qs for r in recording_proxy.requests]
    assert len(pages) == (len(ids) + 1) // 2
    assert all("limit=2" in page for page in pages)
    assert all("starting_after=pi_" in page for page in pages[1:])


async def test_card_payment_is_announced_by_a_signed_webhook(
    gateway: StripeGateway, paid: Paid
) -> None:
    assert paid.delivery.signature is not None
    event = gateway.verify_event(paid.delivery.body, paid.delivery.signature)

    assert event.id.startswith("evt_")
    assert event.type == "payment_intent.succeeded"
    assert abs(event.created - datetime.now(UTC)) < timedelta(minutes=1)
    assert event.intent.id == paid.intent.id
    assert (event.intent.status, event.intent.amount_cents) == ("succeeded", 12100)
    assert event.intent.metadata["invoice_number"] == "F2026-0100"
    assert event.failure_message is None
    assert (await gateway.retrieve_payment_intent(paid.intent.id)).status == "succeeded"


async def test_declined_card_is_announced_with_the_reason(
    gateway: StripeGateway, stripe_client: stripe.StripeClient, webhooks: WebhookReceiver
) -> None:
    intent = await new_intent(gateway, "F2026-0101")
    with pytest.raises(stripe.CardError):
        await pay(stripe_client, intent.id, DECLINED_ON_CHARGE)

    delivery = await webhooks.wait_for("payment_intent.payment_failed", intent.id)
    event = gateway.verify_event(delivery.body, delivery.signature)

    assert event.type == "payment_intent.payment_failed"
    assert event.intent.id == intent.id
    assert event.intent.status == "requires_payment_method"
    assert event.intent.metadata["invoice_number"] == "F2026-0101"
    assert event.failure_message == "Your card was declined."


@pytest.mark.parametrize("header", [None, ""])
def test_unsigned_delivery_is_refused(
    gateway: StripeGateway, paid: Paid, header: str | None
) -> None:
    with pytest.raises(InvalidEvent, match="Stripe-Signature header is missing"):
        gateway.verify_event(paid.delivery.body, header)


def test_delivery_signed_with_another_secret_is_refused(
    localstripe: Localstripe, paid: Paid
) -> None:
    gateway = localstripe.gateway(webhook_secret="whsec_someone_else")
    with pytest.raises(InvalidEvent, match="bad signature"):
        gateway.verify_event(paid.delivery.body, paid.delivery.signature)


def test_tampered_delivery_is_refused(gateway: StripeGateway, paid: Paid) -> None:
    body = paid.delivery.body.replace(b'"amount": 12100', b'"amount": 1')
    assert body != paid.delivery.body
    with pytest.raises(InvalidEvent, match="bad signature"):
        gateway.verify_event(body, paid.delivery.signature)


def test_stale_delivery_is_refused(
    gateway: StripeGateway, paid: Paid, webhooks: WebhookReceiver
) -> None:
    ten_minutes_ago = int(time.time()) - 600
    header = sign(paid.delivery.body, webhooks.secret, timestamp=ten_minutes_ago)
    with pytest.raises(InvalidEvent, match="tolerance"):
        gateway.verify_event(paid.delivery.body, header)


@pytest.mark.parametrize("secret", [None, ""])
def test_without_a_webhook_secret_every_delivery_is_refused(
    localstripe: Localstripe, paid: Paid, secret: str | None
) -> None:
    gateway = localstripe.gateway(webhook_secret=secret)
    with pytest.raises(InvalidEvent, match="no webhook secret"):
        gateway.verify_event(paid.delivery.body, paid.delivery.signature)


def test_signed_event_about_something_else_is_refused(
    gateway: StripeGateway, paid: Paid, webhooks: WebhookReceiver
) -> None:
    event = paid.delivery.event
    event["type"] = "customer.created"
    event["data"]["object"] = {"id": "cus_1", "object": "customer", "metadata": {}}
    body = json.dumps(event).encode()
    with pytest.raises(
        InvalidEvent, match=r"customer\.created is not an event about a PaymentIntent"
    ):
        gateway.verify_event(body, sign(body, webhooks.secret))


def test_signed_garbage_is_refused(gateway: StripeGateway, webhooks: WebhookReceiver) -> None:
    body = b"not json"
    with pytest.raises(InvalidEvent, match="not a JSON event"):
        gateway.verify_event(body, sign(body, webhooks.secret))


async def test_unreachable_stripe_is_unavailable(localstripe: Localstripe, closed_url: str) -> None:
    gateway = localstripe.gateway(api_base=closed_url)
    with pytest.raises(GatewayUnavailable):
        await gateway.ensure_customer(member_code="M-0001", name="Gemeente", email=None)
    with pytest.raises(GatewayUnavailable):
        await gateway.list_payment_intents()


async def test_server_error_is_unavailable(localstripe: Localstripe, failing_url: str) -> None:
    with pytest.raises(GatewayUnavailable):
        await localstripe.gateway(api_base=failing_url).retrieve_payment_intent("pi_1")


async def test_client_errors_are_not_outages(gateway: StripeGateway) -> None:
    with pytest.raises(stripe.InvalidRequestError):
        await gateway.retrieve_payment_intent("pi_does_not_exist")


def test_no_gateway_without_an_api_key() -> None:
    assert payment_gateway(Settings(_env_file=None)) is None


def test_gateway_from_settings() -> None:
    settings = Settings(
        _env_file=None,
        stripe_api_key="sk_test_1",
        stripe_publishable_key="pk_test_1",
        stripe_webhook_secret="whsec_1",
    )
    gateway = payment_gateway(settings)
    assert isinstance(gateway, StripeGateway)
    assert (gateway.publishable_key, gateway.js_url) == ("pk_test_1", "https://js.stripe.com/v3/")


def test_api_key_without_publishable_key_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="REGISTRY_STRIPE_PUBLISHABLE_KEY"):
        payment_gateway(Settings(_env_file=None, stripe_api_key="sk_test_1"))


def test_the_default_api_base_is_the_sdks() -> None:
    """The gateway names Stripe's API without importing the SDK at start-up; it is the same."""
    import stripe

    assert stripe_gateway.DEFAULT_API_BASE == stripe.DEFAULT_API_BASE
