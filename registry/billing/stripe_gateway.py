"""The payment gateway on Stripe: customers, PaymentIntents and signed webhook events.

Only the async half of the Stripe SDK is used (over httpx), so no request blocks the
event loop. The SDK does not retry: a failed call surfaces at once as GatewayUnavailable and
the caller retries later, with the same idempotency key. The API base is configurable so the
tests can run against localstripe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from registry.billing.gateway import (
    GatewayEvent,
    GatewayUnavailable,
    IntentRef,
    InvalidEvent,
    PaymentDeclined,
    PaymentGateway,
)

if TYPE_CHECKING:
    import stripe
    from stripe.params import CustomerCreateParams

    from registry.settings import Settings

API_VERSION = "2026-10-28.endive"
"""The Stripe API version every request asks for; the one the installed SDK is typed for.

Raise it together with the SDK, after reading Stripe's changelog; the webhook endpoint in the
Stripe dashboard should use the same version, since it decides the shape of event payloads.
"""

SIGNATURE_TOLERANCE_SECONDS = 300
"""Older signed deliveries are refused, so a captured delivery cannot be replayed later."""

DEFAULT_JS_URL = "https://js.stripe.com/v3/"

DEFAULT_API_BASE = "https://api.stripe.com"
"""Stripe's own API (the SDK's `stripe.DEFAULT_API_BASE`, which a test keeps equal).

The SDK is imported when a gateway is made, not when the service starts: it is large.
"""

LIST_PAGE_SIZE = 100
"""PaymentIntents per list request; 100 is the most Stripe allows."""


@contextmanager
def _unavailable_on_outage() -> Iterator[None]:
    """Turn "Stripe could not answer" into GatewayUnavailable; other errors are our bugs."""
    import stripe

    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        raise GatewayUnavailable(str(error)) from error
    except stripe.StripeError as error:
        if error.http_status is not None and error.http_status >= 500:
            raise GatewayUnavailable(str(error)) from error
        raise


def _intent_ref(intent: stripe.PaymentIntent) -> IntentRef:
    return IntentRef(
        id=intent.id,
        status=intent.status,
        amount_cents=intent.amount,
        currency=intent.currency,
        client_secret=intent.client_secret,
        metadata=intent.metadata.to_dict(),
    )


class StripeGateway:
    """PaymentGateway on the Stripe API (or anything speaking it, such as localstripe)."""

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str | None,
        publishable_key: str,
        api_base: str = DEFAULT_API_BASE,
        js_url: str = DEFAULT_JS_URL,
    ) -> None:
        import stripe  # the SDK is large: imported when the first gateway is made

        self.publishable_key = publishable_key
        self.js_url = js_url
        self._webhook_secret = webhook_secret or ""
        self._client = stripe.StripeClient(
            api_key,
            stripe_version=API_VERSION,
            base_addresses={"api": api_base},
            http_client=stripe.HTTPXClient(),
        )

    async def ensure_customer(self, *, member_code: str, name: str, email: str | None) -> str:
        """Create the member's customer; the caller stores the id and asks only once.

        The idempotency key makes a retried request (after a lost answer) return the same
        customer instead of a second one; Stripe remembers keys for 24 hours.
        """
        params: CustomerCreateParams = {"name": name, "metadata": {"member_code": member_code}}
        if email:
            params["email"] = email
        with _unavailable_on_outage():
            customer = await self._client.v1.customers.create_async(
                params, {"idempotency_key": f"customer-{member_code}"}
            )
        return customer.id

    async def create_payment_intent(
        self,
        *,
        customer_id: str,
        amount_cents: int,
        invoice_number: str,
        member_code: str,
        idempotency_key: str,
    ) -> IntentRef:
        """A payment in euros for one invoice; the metadata ties it back to the invoice.

        The payment methods offered are those enabled in the Stripe dashboard (this API
        version has no `payment_method_types`). No description is sent: localstripe refuses
        the field, and the dashboard shows the invoice number from the metadata anyway.
        """
        with _unavailable_on_outage():
            intent = await self._client.v1.payment_intents.create_async(
                {
                    "amount": amount_cents,
                    "currency": "eur",
                    "customer": customer_id,
                    "metadata": {"invoice_number": invoice_number, "member_code": member_code},
                },
                {"idempotency_key": idempotency_key},
            )
        return _intent_ref(intent)

    async def retrieve_payment_intent(self, intent_id: str) -> IntentRef:
        with _unavailable_on_outage():
            intent = await self._client.v1.payment_intents.retrieve_async(intent_id)
        return _intent_ref(intent)

    async def confirm_card(self, intent_id: str, card_id: str) -> IntentRef:
        """Attach the card to the intent, then confirm it (localstripe cannot do both at once)."""
        import stripe

        with _unavailable_on_outage():
            try:
                await self._client.v1.payment_intents.update_async(
                    intent_id, {"payment_method": card_id}
                )
                intent = await self._client.v1.payment_intents.confirm_async(intent_id)
            except stripe.CardError as error:
                raise PaymentDeclined(error.user_message) from error
        return _intent_ref(intent)

    async def list_payment_intents(self) -> list[IntentRef]:
        """Every PaymentIntent in the account, following the pages to the end."""
        with _unavailable_on_outage():
            page = await self._client.v1.payment_intents.list_async({"limit": LIST_PAGE_SIZE})
            return [_intent_ref(intent) async for intent in page.auto_paging_iter()]

    def verify_event(self, payload: bytes, signature_header: str | None) -> GatewayEvent:
        """Accept only a delivery signed with our webhook secret in the last five minutes.

        Without a configured secret every delivery is refused: an unsigned event could
        mark any invoice as paid. The webhook endpoint is meant to receive only
        ``payment_intent.*`` events, so a signed event about anything else is refused too
        (a subscription mistake that then shows as failed deliveries in Stripe).
        """
        import stripe

        if not self._webhook_secret:
            raise InvalidEvent("no webhook secret is configured, so no event can be trusted")
        if not signature_header:
            raise InvalidEvent("the Stripe-Signature header is missing")
        try:
            event = self._client.construct_event(
                payload,
                signature_header,
                self._webhook_secret,
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidEvent(f"bad signature: {error.user_message}") from error
        except ValueError as error:  # not UTF-8 or not JSON, yet signed
            raise InvalidEvent("the payload is not a JSON event") from error
        intent = event.data.object
        if not isinstance(intent, stripe.PaymentIntent):
            raise InvalidEvent(f"{event.type} is not an event about a PaymentIntent")
        payment_error = intent.last_payment_error
        return GatewayEvent(
            id=event.id,
            type=event.type,
            created=datetime.fromtimestamp(event.created, UTC),
            intent=_intent_ref(intent),
            failure_message=payment_error.message if payment_error else None,
        )


def payment_gateway(settings: Settings) -> PaymentGateway | None:
    """The configured gateway, or None when payments are off (no Stripe API key).

    A missing webhook secret still gives a gateway: it refuses every webhook delivery,
    and payments are then only seen by retrieving their PaymentIntents.
    """
    if settings.stripe_api_key is None:
        return None
    if not settings.stripe_publishable_key:
        raise ValueError(
            "REGISTRY_STRIPE_PUBLISHABLE_KEY is required when REGISTRY_STRIPE_API_KEY is set"
        )
    secret = settings.stripe_webhook_secret
    return StripeGateway(
        api_key=settings.stripe_api_key.get_secret_value(),
        webhook_secret=secret.get_secret_value() if secret else None,
        publishable_key=settings.stripe_publishable_key,
        api_base=settings.stripe_api_base or DEFAULT_API_BASE,
        js_url=settings.stripe_js_url or DEFAULT_JS_URL,
    )
