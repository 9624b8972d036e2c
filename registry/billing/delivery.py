"""Delivering issued invoices and credit notes: by e-mail (the default) or through Peppol.

Called by `issue` and `credit` in their transaction: the e-mail is queued in the outbox
(`registry/messages/`) together with the invoice, so a rolled-back issue sends nothing and a
second issue (refused: already issued) queues nothing. The PDF and the UBL are attached by
reference and made again from the issued invoice when the message is sent or shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import DocumentKind
from registry.billing.models import BillingAccount, DeliveryChannel, Invoice
from registry.kit.errors import ValidationFailed
from registry.members.models import Member
from registry.messages.errors import MessageRefusal
from registry.messages.outbox import Attachment, queue_mail
from registry.settings import Settings

PDF = "invoice-pdf"
UBL = "invoice-ubl"


class Delivery(Protocol):
    """One way an issued document reaches the member."""

    async def deliver(
        self,
        session: AsyncSession,
        actor: Actor,
        invoice: Invoice,
        member: Member,
        account: BillingAccount,
    ) -> None: ...


def invoice_attachment(invoice: Invoice, ubl: bool = False) -> Attachment:
    """The PDF (or the UBL) of an issued invoice or credit note, attached by reference: made
    again from the invoice when the message is sent or shown."""
    assert invoice.number is not None
    prefix = "creditnota" if invoice.kind is DocumentKind.CREDIT_NOTE else "factuur"
    if ubl:
        return Attachment(
            f"{prefix}-{invoice.number}.xml", "application/xml", source=f"{UBL}:{invoice.id}"
        )
    return Attachment(
        f"{prefix}-{invoice.number}.pdf", "application/pdf", source=f"{PDF}:{invoice.id}"
    )


@dataclass(frozen=True, slots=True)
class EmailDelivery:
    """An e-mail to the member's invoice address, in its language, with the PDF and UBL."""

    settings: Settings

    async def deliver(
        self,
        session: AsyncSession,
        actor: Actor,
        invoice: Invoice,
        member: Member,
        account: BillingAccount,
    ) -> None:
        if account.email is None:
            return  # no invoice address: the member reads it on its invoice page
        await queue_mail(
            session,
            actor,
            account.email,
            "invoice_issued",
            account.language,
            [invoice_attachment(invoice), invoice_attachment(invoice, ubl=True)],
            member_id=member.id,
            related=("invoice", str(invoice.id)),
            credit_note=invoice.kind is DocumentKind.CREDIT_NOTE,
            number=invoice.number,
            member=member.name,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            gross_cents=abs(invoice.gross_cents),
            due_cents=abs(invoice.due_cents),
            cooperative=self.settings.cooperative_name,
            iban=self.settings.cooperative_iban,
            url=self.settings.link(f"/facturen/{invoice.id}"),
        )


@dataclass(frozen=True, slots=True)
class PeppolDelivery:
    """The UBL to the cooperative's Peppol access point. Not built yet: without an endpoint
    it refuses with "not configured", and with one it refuses too (no access point client
    ships), so an invoice is never issued as if it had been delivered."""

    settings: Settings

    async def deliver(
        self,
        session: AsyncSession,
        actor: Actor,
        invoice: Invoice,
        member: Member,
        account: BillingAccount,
    ) -> None:
        if self.settings.peppol_endpoint is None:
            raise ValidationFailed.single("delivery", MessageRefusal.PEPPOL_NOT_CONFIGURED)
        raise ValidationFailed.single("delivery", MessageRefusal.PEPPOL_NOT_SUPPORTED)


def delivery_for(account: BillingAccount, settings: Settings) -> Delivery:
    """The member's details decide: Peppol when it asked for it, e-mail otherwise."""
    if account.delivery_channel is DeliveryChannel.PEPPOL:
        return PeppolDelivery(settings)
    return EmailDelivery(settings)


async def deliver(
    session: AsyncSession, actor: Actor, invoice: Invoice, settings: Settings
) -> None:
    """Deliver an invoice or credit note just issued, in the issuing transaction."""
    member = await session.get(Member, invoice.member_id)
    account = await repository.account_of(session, invoice.member_id)
    if member is None or account is None:
        return
    await delivery_for(account, settings).deliver(session, actor, invoice, member, account)
