"""The payment gateway seen by the registry; the Stripe adapter implements it.

The registry issues its own invoices and uses the gateway only to collect payment:
a customer per member and a PaymentIntent per issued invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class GatewayUnavailable(Exception):
    """The gateway could not be reached or answered with a server error; retry later."""


class PaymentDeclined(Exception):
    """The payer's bank or card issuer refused the payment; `reason` is its own words, if any."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidEvent(Exception):
    """A webhook payload without a valid, fresh signature: refuse it."""


@dataclass(frozen=True)
class IntentRef:
    id: str
    status: str
    amount_cents: int
    currency: str
    client_secret: str | None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayEvent:
    """A verified webhook event about a PaymentIntent."""

    id: str
    type: str
    created: datetime
    intent: IntentRef
    failure_message: str | None


class PaymentGateway(Protocol):
    publishable_key: str
    js_url: str
    """Where the payment page loads Stripe's JavaScript from."""

    async def ensure_customer(self, *, member_code: str, name: str, email: str | None) -> str:
        """Create the member's customer; returns its id. Idempotent per member code."""
        ...

    async def create_payment_intent(
        self,
        *,
        customer_id: str,
        amount_cents: int,
        invoice_number: str,
        member_code: str,
        idempotency_key: str,
    ) -> IntentRef: ...

    async def retrieve_payment_intent(self, intent_id: str) -> IntentRef: ...

    async def confirm_card(self, intent_id: str, card_id: str) -> IntentRef:
        """Pay an intent with a card tokenised in the payer's browser by Stripe.js.

        The result may still need the payer's authentication (status `requires_action`),
        which the page completes with Stripe.js; a refusal raises PaymentDeclined.
        """
        ...

    async def list_payment_intents(self) -> list[IntentRef]:
        """Every PaymentIntent in the account (for reconciliation)."""
        ...

    def verify_event(self, payload: bytes, signature_header: str | None) -> GatewayEvent:
        """Check the signature and age of a webhook delivery; raise InvalidEvent if wrong."""
        ...
