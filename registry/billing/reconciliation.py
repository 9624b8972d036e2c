"""Reconciliation: every difference between the registry and the payment service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import IntentRef, PaymentGateway
from registry.billing.models import Invoice, SettlementKind
from registry.billing.payments import overpaid_reference, record_card_payment, request_payment
from registry.kit import clock


@dataclass(frozen=True, slots=True)
class Difference:
    code: str
    invoice_number: str | None
    intent_id: str | None
    detail: str
    fixable: bool = False


async def reconcile(
    session: AsyncSession, actor: Actor, gateway: PaymentGateway, *, apply: bool = False
) -> list[Difference]:
    """Every difference between the registry's invoices and payments and the gateway's.

    Only two are repaired, and only with `apply`: a missing PaymentIntent is created, and a
    payment the gateway took but the registry missed (a lost webhook) is recorded.
    """
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_RECONCILES)
    intents = {intent.id: intent for intent in await gateway.list_payment_intents()}
    differences: list[Difference] = []
    for invoice in await repository.payment_pending(session):
        differences.append(_intent_missing(invoice))
        if apply:
            await request_payment(session, gateway, invoice)
    known: set[str] = set()
    for invoice in await repository.with_intent(session):
        assert invoice.gateway_intent_id is not None
        known.add(invoice.gateway_intent_id)
        differences += await _compare(
            session, actor, invoice, intents.get(invoice.gateway_intent_id), apply=apply
        )
    differences += [
        _unknown_intent(intent) for intent in intents.values() if intent.id not in known
    ]
    return differences


def _intent_missing(invoice: Invoice) -> Difference:
    return Difference(
        "intent_missing",
        invoice.number,
        None,
        f"no PaymentIntent for {invoice.due_cents} cents yet",
        fixable=True,
    )


def _unknown_intent(intent: IntentRef) -> Difference:
    return Difference(
        "unknown_intent",
        intent.metadata.get("invoice_number"),
        intent.id,
        f"a PaymentIntent of {intent.amount_cents} cents no invoice refers to",
    )


async def _compare(
    session: AsyncSession, actor: Actor, invoice: Invoice, intent: IntentRef | None, *, apply: bool
) -> list[Difference]:
    """The differences between one invoice with a PaymentIntent and that intent."""
    intent_id = invoice.gateway_intent_id
    assert intent_id is not None
    recorded = await repository.settlement_by_reference(
        session, SettlementKind.STRIPE, intent_id
    ) or await repository.credit_by_reason(session, overpaid_reference(intent_id))
    if intent is None:
        return [
            Difference(
                "intent_not_found",
                invoice.number,
                intent_id,
                "the gateway does not know this PaymentIntent",
            )
        ]
    differences: list[Difference] = []
    if intent.amount_cents != invoice.due_cents:
        differences.append(
            Difference(
                "amount_differs",
                invoice.number,
                intent.id,
                f"invoice due {invoice.due_cents} cents, intent {intent.amount_cents}",
            )
        )
    if intent.status == "succeeded" and recorded is None:
        differences.append(
            Difference(
                "payment_not_recorded",
                invoice.number,
                intent.id,
                f"the gateway took {intent.amount_cents} cents; the registry has no payment",
                fixable=True,
            )
        )
        if apply:
            await record_card_payment(session, actor, invoice, intent, clock.today())
    elif intent.status != "succeeded" and recorded is not None:
        differences.append(
            Difference(
                "payment_not_in_gateway",
                invoice.number,
                intent.id,
                f"recorded as paid, but the gateway says {intent.status}",
            )
        )
    return differences
