"""The payment gateway's webhook: signed events in, each applied to the invoices once.

The route is public (the gateway has no login) and exempt from CSRF; the signature with
the webhook secret is what proves the event came from the gateway.
"""

from __future__ import annotations

from litestar import Controller, post
from litestar.response import Response

from registry.auth.roles import system_actor
from registry.billing.gateway import InvalidEvent, PaymentGateway
from registry.billing.payments import process_event
from registry.db import transaction
from registry.web.access import audience
from registry.web.deps import AnyRequest

WEBHOOK_PATH = "/betalingen/webhook"
SIGNATURE_HEADER = "stripe-signature"


class PaymentWebhookController(Controller):
    path = WEBHOOK_PATH

    @post("/", opt=audience(), status_code=200)
    async def receive(self, request: AnyRequest) -> Response[dict[str, str]]:
        gateway: PaymentGateway | None = request.app.state.payment_gateway
        if gateway is None:
            return Response({"error": "payments are switched off"}, status_code=404)
        payload = await request.body()
        try:
            event = gateway.verify_event(payload, request.headers.get(SIGNATURE_HEADER))
        except InvalidEvent as refused:
            return Response({"error": str(refused)}, status_code=400)
        async with transaction(request.app.state.session_factory) as session:
            stored = await process_event(session, system_actor("payment-gateway"), event)
            outcome = stored.outcome
        return Response({"event": event.id, "outcome": outcome})
