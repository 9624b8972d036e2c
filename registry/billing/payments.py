"""Payments: bank transfers and refunds, payment requests, gateway events and paying online.

Calls to the payment gateway happen after the invoice is stored (`request_payment`),
so an unreachable gateway never stops an invoice from being issued: the invoice waits
with `payment_pending` until `retry_payment_requests` reaches the gateway.
Services flush, never commit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import DocumentKind
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import (
    GatewayEvent,
    GatewayUnavailable,
    IntentRef,
    PaymentDeclined,
    PaymentGateway,
)
from registry.billing.models import (
    GatewayEventRecord,
    Invoice,
    InvoiceStatus,
    MemberCredit,
    Settlement,
    SettlementKind,
)
from registry.billing.operations import (
    add_settlement,
    find_invoice,
    lock_members,
    locked_invoice,
)
from registry.billing.rules import OPEN, check_payment, idempotency_key, outstanding
from registry.db import serialise
from registry.kit.errors import (
    ErrorCollector,
    FieldError,
    Phrase,
    RefusedValue,
    ValidationFailed,
    field_error,
)
from registry.kit.money import parse_euro, to_cents
from registry.members.models import Member
from registry.years.service import refuse_closed


async def record_transfer(
    session: AsyncSession,
    actor: Actor,
    invoice_id: int,
    amount: str,
    paid_on: date,
    bank_reference: str,
    today: date,
) -> Settlement:
    """A bank transfer received for an invoice, or a refund paid out on a credit note."""
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_RECORDS_TRANSFERS)
    await refuse_closed(session, {"paidOn": paid_on})
    invoice = await locked_invoice(session, invoice_id)
    errors = ErrorCollector()
    cents = errors.check(lambda: _amount(amount))
    reference = bank_reference.strip()
    if not reference:
        errors.add("bankReference", BillingRefusal.TRANSFER_REFERENCE_REQUIRED)
    if paid_on > today:
        errors.add("paidOn", BillingRefusal.TRANSFER_IN_FUTURE)
    if invoice.status is InvoiceStatus.DRAFT:
        errors.add("invoice", BillingRefusal.DRAFT_NOT_PAYABLE)
    errors.raise_if_any()
    assert cents is not None
    refund = pays_out(invoice)
    open_cents = abs(outstanding(invoice.due_cents, invoice.settled_cents))
    problem = check_payment(cents, open_cents)
    if problem:
        raise ValidationFailed.single("amount", problem)
    if await repository.settlement_by_reference(session, _kind(refund), reference):
        raise ValidationFailed.single(
            "bankReference", BillingRefusal.DUPLICATE_REFERENCE, reference=reference
        )
    return await add_settlement(
        session, actor, invoice, _kind(refund), -cents if refund else cents, paid_on, reference
    )


def pays_out(invoice: Invoice) -> bool:
    """Whether a transfer on this document is a refund: money paid out on a credit note."""
    return invoice.due_cents < 0


def _kind(refund: bool) -> SettlementKind:
    return SettlementKind.REFUND if refund else SettlementKind.BANK_TRANSFER


def _amount(text: str) -> int:
    try:
        return to_cents(parse_euro(text))
    except RefusedValue as exc:
        raise ValidationFailed.single(
            "amount", BillingRefusal.INVALID_AMOUNT, reason=exc.phrase
        ) from None


async def request_payment(
    session: AsyncSession, gateway: PaymentGateway | None, invoice: Invoice
) -> bool:
    """Ask the gateway for a PaymentIntent for an issued invoice; False if it is unreachable.

    The idempotency key is derived from the invoice, so asking again never charges twice;
    with the member locked, two requests at the same moment ask the gateway once.
    """
    if gateway is None or not invoice.payment_pending or invoice.number is None:
        return False
    await lock_members(session, [invoice.member_id])
    await session.refresh(invoice)
    if not invoice.payment_pending:  # another request asked meanwhile
        return False
    member = await session.get(Member, invoice.member_id)
    account = await repository.account_of(session, invoice.member_id)
    assert member is not None
    assert account is not None
    try:
        if account.gateway_customer_id is None:
            account.gateway_customer_id = await gateway.ensure_customer(
                member_code=member.code, name=member.name, email=account.email
            )
            await session.flush()
        intent = await gateway.create_payment_intent(
            customer_id=account.gateway_customer_id,
            amount_cents=invoice.due_cents,
            invoice_number=invoice.number,
            member_code=member.code,
            idempotency_key=idempotency_key(invoice.id, invoice.number, invoice.due_cents),
        )
    except GatewayUnavailable:
        return False
    invoice.gateway_intent_id = intent.id
    invoice.payment_pending = False
    await session.flush()
    return True


async def retry_payment_requests(session: AsyncSession, gateway: PaymentGateway) -> list[Invoice]:
    """Create the PaymentIntents that could not be created when their invoices were issued."""
    done = []
    pending = await repository.payment_pending(session)
    await lock_members(session, sorted({invoice.member_id for invoice in pending}))
    for invoice in pending:
        if await request_payment(session, gateway, invoice):
            done.append(invoice)
    return done


def overpaid_reference(intent_id: str) -> str:
    return f"overbetaling {intent_id}"


async def record_card_payment(
    session: AsyncSession, actor: Actor, invoice: Invoice, intent: IntentRef, on: date
) -> None:
    """Record money the gateway took; what exceeds the open amount (a bank transfer came in
    meanwhile) becomes the member's credit instead of disappearing."""
    open_cents = max(0, outstanding(invoice.due_cents, invoice.settled_cents))
    applied = min(intent.amount_cents, open_cents)
    if applied:
        await add_settlement(session, actor, invoice, SettlementKind.STRIPE, applied, on, intent.id)
    excess = intent.amount_cents - applied
    if excess > 0:
        credit = MemberCredit(
            member_id=invoice.member_id,
            amount_cents=excess,
            invoice_id=invoice.id,
            reason=overpaid_reference(intent.id),
        )
        await add_recorded(
            session, actor, credit, entity_type="member_credit", member_id=invoice.member_id
        )


async def process_event(
    session: AsyncSession, actor: Actor, event: GatewayEvent
) -> GatewayEventRecord:
    """Apply a verified webhook event exactly once; a replay returns the stored outcome.

    Deliveries of one event at the same moment wait for each other on the event's id; the
    later ones find the first one's record.
    """
    await serialise(session, f"gateway_event:{event.id}")
    seen = await repository.gateway_event(session, event.id)
    if seen is not None:
        return seen
    invoice = await repository.invoice_by_intent(session, event.intent.id)
    if invoice is not None:
        invoice = await locked_invoice(session, invoice.id)
    outcome, failure = "ignored", None
    if invoice is not None and event.type == "payment_intent.succeeded":
        outcome = "payment_recorded"
        already = await repository.settlement_by_reference(
            session, SettlementKind.STRIPE, event.intent.id
        )
        if already is not None or await repository.credit_by_reason(
            session, overpaid_reference(event.intent.id)
        ):
            outcome = "already_recorded"
        else:
            await record_card_payment(session, actor, invoice, event.intent, event.created.date())
    elif invoice is not None and event.type == "payment_intent.payment_failed":
        outcome, failure = "payment_failed", event.failure_message
    elif invoice is None:
        outcome = "unknown_intent"
    stored = GatewayEventRecord(
        id=event.id,
        type=event.type,
        intent_id=event.intent.id,
        invoice_id=invoice.id if invoice else None,
        outcome=outcome,
        failure_message=failure,
    )
    await add_recorded(
        session,
        actor,
        stored,
        entity_type="gateway_event",
        operation="receive",
        entity_id=event.id,
        member_id=invoice.member_id if invoice else None,
    )
    return stored


def why_not_payable(invoice: Invoice) -> FieldError | None:
    """Why an invoice cannot be paid online, or None: only an untouched open invoice can,
    because its PaymentIntent is for the whole amount due."""
    if invoice.kind is DocumentKind.INVOICE and invoice.status is InvoiceStatus.PAID:
        return field_error("invoice", BillingRefusal.ALREADY_PAID)
    if invoice.kind is DocumentKind.INVOICE and invoice.status is InvoiceStatus.CREDITED:
        return field_error("invoice", BillingRefusal.INVOICE_CREDITED)
    if invoice.kind is not DocumentKind.INVOICE or invoice.status not in OPEN:
        return field_error("invoice", BillingRefusal.NOT_PAYABLE)
    if invoice.settled_cents:
        return field_error("invoice", BillingRefusal.PARTLY_SETTLED)
    return None


async def _payable(
    session: AsyncSession, actor: Actor, gateway: PaymentGateway | None, invoice_id: int
) -> tuple[Invoice, PaymentGateway]:
    invoice = await find_invoice(session, invoice_id)
    require(
        actor,
        Permission.INVOICES_PAY,
        BillingRefusal.MEMBER_ADMINS_PAY,
        member_id=invoice.member_id,
    )
    problem = why_not_payable(invoice)  # a paid invoice says so, also with payments off
    if problem is not None:
        raise ValidationFailed([problem])
    if gateway is None:
        raise ValidationFailed.single("payment", BillingRefusal.PAYMENTS_OFF)
    return invoice, gateway


async def start_payment(
    session: AsyncSession, actor: Actor, gateway: PaymentGateway | None, invoice_id: int
) -> IntentRef:
    """The invoice's PaymentIntent for the payment page, created now if issuing could not."""
    invoice, gateway = await _payable(session, actor, gateway, invoice_id)
    if invoice.gateway_intent_id is None and not await request_payment(session, gateway, invoice):
        raise ValidationFailed.single("payment", BillingRefusal.GATEWAY_UNAVAILABLE)
    assert invoice.gateway_intent_id is not None
    try:
        return await gateway.retrieve_payment_intent(invoice.gateway_intent_id)
    except GatewayUnavailable:
        raise ValidationFailed.single("payment", BillingRefusal.GATEWAY_UNAVAILABLE) from None


async def pay_by_card(
    session: AsyncSession,
    actor: Actor,
    gateway: PaymentGateway | None,
    invoice_id: int,
    card_id: str,
) -> IntentRef:
    """Confirm the invoice's PaymentIntent with a card from the payer's browser.

    The invoice is marked paid when the gateway's signed webhook says so, not here.
    """
    intent = await start_payment(session, actor, gateway, invoice_id)
    assert gateway is not None
    if not card_id.startswith(("card_", "pm_")):
        raise ValidationFailed.single("card", BillingRefusal.NO_CARD)
    try:
        return await gateway.confirm_card(intent.id, card_id)
    except PaymentDeclined as declined:
        raise ValidationFailed.single("card", _declined(declined)) from None
    except GatewayUnavailable:
        raise ValidationFailed.single("payment", BillingRefusal.GATEWAY_UNAVAILABLE) from None


def _declined(declined: PaymentDeclined) -> Phrase:
    """The refusal in the gateway's own words when it gave them."""
    if declined.reason:
        return Phrase(BillingRefusal.CARD_DECLINED, {"reason": declined.reason})
    return Phrase(BillingRefusal.CARD_DECLINED_UNEXPLAINED)
