"""What follows the issue of an invoice once it is committed, wherever it was issued (the
issue mutation, or a second director's approval of it)."""

from __future__ import annotations

from registry.billing import payments, repository
from registry.billing.models import Invoice
from registry.graphql.context import Info


async def request_payment_of_issued(info: Info, invoice_id: int) -> tuple[Invoice, bool]:
    """Ask the payment service for a PaymentIntent for an invoice whose issue is already
    committed, in a transaction of its own, so that an unreachable service never undoes the
    issue; the invoice as stored then, and whether the request was made."""
    async with info.context.transaction() as session:
        stored = await repository.invoice_by_id(session, invoice_id)
        assert stored is not None
        requested = await payments.request_payment(session, info.context.gateway, stored)
    return stored, requested
