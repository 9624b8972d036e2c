"""Delivering issued invoices and credit notes: by e-mail (the default) or through Peppol.

Called by `issue` and `credit` in their transaction: the e-mail is queued in the outbox
(`registry/messages/`) together with the invoice, so a rolled-back issue sends nothing and a
second issue (refused: already issued) queues nothing. The PDF and the UBL are attached by
reference and made again from the issued invoice when the message is sent or shown."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import DocumentKind
from registry.billing.models import BillingAccount, DeliveryChannel, Invoice
from registry.kit.errors import ValidationFailed
from registry.members.models import Member
from registry.messages.errors import MessageRefusal
from registry.messages.outbox import Attachment, queue_message
from registry.messages.templates import language_of, render
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


class EmailDelivery:
    """An e-mail to the member's invoice address, in its language, with the PDF and UBL."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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
        assert invoice.number is not None
        language = language_of(account.language)
        rendered = render(
            "invoice_issued",
            language,
            credit_note=invoice.kind is DocumentKind.CREDIT_NOTE,
            number=invoice.number,
            member=member.name,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            gross_cents=abs(invoice.gross_cents),
            due_cents=abs(invoice.due_cents),
            cooperative=self.settings.cooperative_name,
            iban=self.settings.cooperative_iban,
            url=f"{self.settings.public_url.rstrip('/')}/facturen/{invoice.id}",
        )
        prefix = "creditnota" if invoice.kind is DocumentKind.CREDIT_NOTE else "factuur"
        await queue_message(
            session,
            actor,
            [account.email],
            rendered,
            language,
            [
                Attachment(
                    f"{prefix}-{invoice.number}.pdf",
                    "application/pdf",
                    source=f"{PDF}:{invoice.id}",
                ),
                Attachment(
                    f"{prefix}-{invoice.number}.xml",
                    "application/xml",
                    source=f"{UBL}:{invoice.id}",
                ),
            ],
            member_id=member.id,
            related=("invoice", str(invoice.id)),
        )


class PeppolDelivery:
    """The UBL to the cooperative's Peppol access point. Not built yet: without an endpoint
    it refuses with "not configured", and with one it refuses too (no access point client
    ships), so an invoice is never issued as if it had been delivered."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

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
