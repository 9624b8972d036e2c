"""What the billing operations share: access checks, locks, the invoice as stored, settlements,
numbers and the audit of invoices. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record, record_row
from registry.audit.snapshot import snapshot
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import DocumentKind
from registry.billing.errors import BillingRefusal
from registry.billing.models import (
    CreditChoice,
    Invoice,
    InvoiceStatus,
    MemberCredit,
    Settlement,
    SettlementKind,
)
from registry.billing.rules import MONEY_KINDS, invoice_number, status_of
from registry.db import serialise
from registry.kit.errors import NotFound
from registry.kit.money import to_euro
from registry.kit.types import utcnow
from registry.webhooks.events import EventType
from registry.webhooks.service import emit


async def lock_members(session: AsyncSession, member_ids: Iterable[int]) -> None:
    """Serialise everything that bills, issues, credits or settles for these members.

    A second invoice run, issue or payment for the same member waits for the first one's
    commit and then reads what it wrote, so what is "not billed yet" is still true when
    it is billed.
    """
    await serialise(session, *(f"member:{member_id}" for member_id in member_ids))


async def find_invoice(session: AsyncSession, invoice_id: int) -> Invoice:
    invoice = await repository.invoice_by_id(session, invoice_id)
    if invoice is None:
        raise NotFound(BillingRefusal.NO_INVOICE, invoice=str(invoice_id))
    return invoice


async def locked_invoice(session: AsyncSession, invoice_id: int) -> Invoice:
    """The invoice as stored once its member is locked: nothing else changes it meanwhile."""
    member_id = await repository.member_of_invoice(session, invoice_id)
    if member_id is None:
        raise NotFound(BillingRefusal.NO_INVOICE, invoice=str(invoice_id))
    await lock_members(session, [member_id])
    return await find_invoice(session, invoice_id)


async def audit_invoice(
    session: AsyncSession, actor: Actor, operation: str, invoice: Invoice
) -> None:
    await record(
        session,
        actor,
        operation=operation,
        entity_type="invoice",
        entity_id=str(invoice.id),
        before=None,
        after=audit_view(invoice),
        member_id=invoice.member_id,
    )


def audit_view(invoice: Invoice) -> dict[str, object]:
    return snapshot(
        invoice,
        exclude=frozenset({"customer"}),
        lines=[
            {"key": line.item_key, "net_cents": line.net_cents, "source": line.source}
            for line in invoice.lines
        ],
    )


async def referred_invoice(session: AsyncSession, invoice: Invoice) -> Invoice | None:
    """The invoice a credit note refers to (NLCIUS requires one): the one it corrects, or
    for a net credit from a run, the member's latest invoice before it."""
    if invoice.kind is not DocumentKind.CREDIT_NOTE:
        return None
    if invoice.corrects_invoice_id is not None:
        return await session.get(Invoice, invoice.corrects_invoice_id)
    return await repository.latest_invoice_before(session, invoice.member_id, invoice.issued_at)


async def assign_number(
    session: AsyncSession,
    invoice: Invoice,
    today: date,
    actor: Actor,
    *,
    single_director: bool = False,
) -> None:
    """Number the document; `single_director`: issued without a second director's approval."""
    invoice.single_director = single_director
    invoice.year = today.year
    invoice.sequence = await repository.take_number(session, today.year)
    invoice.number = invoice_number(today.year, invoice.sequence)
    invoice.issue_date = today
    invoice.issued_at = utcnow()
    invoice.issued_by = actor.label


async def settle_credit_remainder(
    session: AsyncSession, actor: Actor, note: Invoice, remainder: int, today: date
) -> None:
    """Carry what the member is owed to its credit, or leave it open to be refunded."""
    if remainder <= 0 or note.credit_choice is not CreditChoice.CARRY:
        return
    session.add(MemberCredit(member_id=note.member_id, amount_cents=remainder, invoice_id=note.id))
    await add_settlement(
        session, actor, note, SettlementKind.CARRIED, -remainder, today, f"credit:{note.number}"
    )


async def add_settlement(
    session: AsyncSession,
    actor: Actor,
    invoice: Invoice,
    kind: SettlementKind,
    amount: int,
    on: date,
    reference: str,
) -> Settlement:
    settlement = Settlement(
        invoice_id=invoice.id,
        kind=kind,
        amount_cents=amount,
        settled_on=on,
        reference=reference,
        recorded_by=actor.label,
    )
    session.add(settlement)
    await session.flush()
    was_paid = invoice.status is InvoiceStatus.PAID
    settlements = await repository.settlements_of(session, [invoice.id])
    paid = sum(s.amount_cents for s in settlements if s.kind in MONEY_KINDS)
    invoice.settled_cents = sum(s.amount_cents for s in settlements)
    invoice.status = status_of(invoice.due_cents, paid, invoice.settled_cents - paid)
    await session.flush()
    await record_row(
        session,
        actor,
        "create",
        "invoice_settlement",
        settlement,
        member_id=invoice.member_id,
        invoice_number=invoice.number,
        status=invoice.status,
    )
    if invoice.status is InvoiceStatus.PAID and not was_paid:
        await emit_invoice(session, EventType.INVOICE_PAID, invoice)
    return settlement


async def emit_invoice(session: AsyncSession, event: EventType, invoice: Invoice) -> None:
    """Tell the member's own webhook subscribers (no one else's) about its invoice."""
    await emit(
        session,
        event,
        {
            "number": invoice.number,
            "kind": invoice.kind.value,
            "status": invoice.status.value,
            "due": str(to_euro(invoice.due_cents)),
            "currency": "EUR",
            "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        },
        member_id=invoice.member_id,
    )
