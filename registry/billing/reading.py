"""Reading invoices: the lists a reader may see, one invoice, overdue, and its document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows, require
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import (
    SINGLE_DIRECTOR_NOTE,
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    Party,
    VatGroup,
)
from registry.billing.errors import BillingRefusal
from registry.billing.invoicing import supplier_party
from registry.billing.models import Invoice, InvoiceStatus
from registry.billing.operations import find_invoice, referred_invoice
from registry.billing.rules import is_overdue, line_vat_groups
from registry.kit.errors import NotFound, ValidationFailed
from registry.members.lookup import member_or_refuse
from registry.settings import Settings


async def invoices_of(
    session: AsyncSession,
    actor: Actor,
    member_code: str | None = None,
    statuses: Sequence[InvoiceStatus] | None = None,
) -> list[Invoice]:
    """Every invoice, or one member's; drafts are the directie's work and only it sees them."""
    member = await member_or_refuse(session, member_code, "memberCode") if member_code else None
    require(
        actor,
        Permission.INVOICES_READ,
        BillingRefusal.INVOICES_OF_OWN_MEMBER,
        member_id=member.id if member else None,
    )
    if not allows(actor, Permission.BILLING_MANAGE):
        statuses = [s for s in statuses or InvoiceStatus if s is not InvoiceStatus.DRAFT]
    return await repository.invoices(
        session, member_ids=[member.id] if member else None, statuses=statuses
    )


async def invoices_of_members(
    session: AsyncSession, actor: Actor, member_ids: Sequence[int]
) -> dict[int, list[Invoice]]:
    """Each member's invoices the caller may see, newest first, in one query."""
    for member_id in member_ids:
        require(
            actor,
            Permission.INVOICES_READ,
            BillingRefusal.INVOICES_OF_OWN_MEMBER,
            member_id=member_id,
        )
    statuses = None
    if not allows(actor, Permission.BILLING_MANAGE):
        statuses = [s for s in InvoiceStatus if s is not InvoiceStatus.DRAFT]
    result: dict[int, list[Invoice]] = {i: [] for i in member_ids}
    if member_ids:
        for invoice in await repository.invoices(session, member_ids=member_ids, statuses=statuses):
            result[invoice.member_id].append(invoice)
    return result


async def readable_invoice(session: AsyncSession, actor: Actor, invoice_id: int) -> Invoice:
    invoice = await find_invoice(session, invoice_id)
    require(
        actor,
        Permission.INVOICES_READ,
        BillingRefusal.INVOICES_OF_OWN_MEMBER,
        member_id=invoice.member_id,
    )
    if invoice.status is InvoiceStatus.DRAFT and not allows(actor, Permission.BILLING_MANAGE):
        raise NotFound(BillingRefusal.NO_INVOICE, invoice=str(invoice_id))
    return invoice


def overdue(invoice: Invoice, today: date) -> bool:
    return is_overdue(invoice.status, invoice.due_date, today)


async def document_of(
    session: AsyncSession, invoice: Invoice, settings: Settings
) -> InvoiceDocument:
    """The invoice as rendered to PDF and UBL, from what was fixed when it was issued."""
    if invoice.number is None or invoice.issue_date is None or invoice.due_date is None:
        raise ValidationFailed.single("invoice", BillingRefusal.NO_DOCUMENT_FOR_DRAFT)
    corrected = await referred_invoice(session, invoice)
    lines = [
        DocumentLine(
            line_no=line.line_no,
            description=line.description,
            category=line.category.value,
            net_cents=line.net_cents,
            vat_code=line.vat_code,
            vat_rate=line.vat_rate,
            source=line.source,
        )
        for line in invoice.lines
    ]
    groups = line_vat_groups(invoice.lines)
    sign = -1 if invoice.kind is DocumentKind.CREDIT_NOTE else 1
    return InvoiceDocument(
        kind=invoice.kind,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        supplier=supplier_party(settings),
        customer=Party(**json.loads(invoice.customer)),
        buyer_reference=invoice.buyer_reference,
        lines=tuple(_signed_line(line, sign) for line in lines),
        vat_groups=tuple(_signed_group(g, sign) for g in groups),
        net_total_cents=sign * invoice.net_cents,
        vat_total_cents=sign * invoice.vat_cents,
        gross_total_cents=sign * invoice.gross_cents,
        prepaid_cents=invoice.prepaid_cents,
        payable_cents=sign * invoice.due_cents,
        iban=settings.cooperative_iban,
        bic=settings.cooperative_bic,
        payment_reference=invoice.number,
        corrects_number=corrected.number if corrected else None,
        corrects_issue_date=corrected.issue_date if corrected else None,
        note=document_note(invoice),
    )


def document_note(invoice: Invoice) -> str | None:
    """The reason of a credit note, and the one-director note when no second director approved."""
    parts = [invoice.reason, SINGLE_DIRECTOR_NOTE if invoice.single_director else None]
    return " — ".join(p for p in parts if p) or None


def _signed_line(line: DocumentLine, sign: int) -> DocumentLine:
    """Credit notes are stored negative (they reduce what a member owes) and shown positive."""
    return replace(line, net_cents=sign * line.net_cents)


def _signed_group(group: VatGroup, sign: int) -> VatGroup:
    return replace(
        group, taxable_cents=sign * group.taxable_cents, vat_cents=sign * group.vat_cents
    )
