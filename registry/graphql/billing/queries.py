"""Read side of invoicing: invoices (directie, auditors, a member's admins for its own),
run previews, VAT rules and the differences with the payment service (directie)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.auth.policy import Permission
from registry.billing import invoicing, reading, reconciliation
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import GatewayUnavailable
from registry.billing.models import InvoiceStatus
from registry.graphql.billing.types import (
    Invoice,
    InvoicePreview,
    InvoiceRunPreviewPayload,
    PaymentDifference,
    PaymentDifferencesPayload,
    VatRule,
)
from registry.graphql.context import Info
from registry.graphql.errors import FieldError, field_errors
from registry.graphql.mutating import Answer, queried, read
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection, database_id
from registry.kit.errors import DomainError, NotFound, ValidationFailed


def _payment_errors(refusal: BillingRefusal) -> list[FieldError]:
    """A refusal about the payment service, typed like the domain's own refusals."""
    return field_errors(ValidationFailed.single("payment", refusal))


def invoice_id(value: strawberry.ID) -> int | None:
    return database_id(value)


@strawberry.type
class BillingQuery:
    @field_for(
        Permission.INVOICES_READ,
        "Invoices and credit notes, newest first; without memberCode every "
        "member's (directie, auditors). Drafts are shown to the directie only.",
        member_argument="member_code",
    )
    async def invoices(
        self,
        info: Info,
        member_code: str | None = None,
        status: list[InvoiceStatus] | None = None,
        overdue_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Invoice]:
        return await Invoice.page(info, member_code, status, overdue_only, first, after)

    @field_for(
        Permission.INVOICES_READ,
        "One invoice or credit note; null when unknown (or a draft, for members).",
        invoice_argument="id",
    )
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice | None:
        number = invoice_id(id)
        if number is None:
            return None
        try:
            async with info.context.db() as session:
                found = await reading.readable_invoice(session, info.context.actor, number)
        except NotFound:
            return None
        return Invoice.of(found)

    @field_for(
        Permission.BILLING_MANAGE,
        "The drafts an invoice run up to a date would make; nothing is stored.",
    )
    async def invoice_run_preview(
        self, info: Info, until: date, member_codes: list[str] | None = None
    ) -> InvoiceRunPreviewPayload:
        return await read(
            info,
            Answer(
                InvoiceRunPreviewPayload,
                lambda previews: InvoiceRunPreviewPayload(
                    previews=[InvoicePreview.of(p) for p in previews]
                ),
            ),
            invoicing.preview_invoice_run,
            until,
            member_codes,
        )

    @field_for(Permission.FINANCE_READ, "The VAT of each line category that has one.")
    async def vat_rules(self, info: Info) -> list[VatRule]:
        return await queried(info, VatRule.of, invoicing.vat_rules)

    @field_for(
        Permission.BILLING_MANAGE,
        "Every difference between the invoices and the payment service; read "
        "only, nothing is repaired. A typed error when online payment is off or the service "
        "cannot be reached.",
    )
    async def payment_differences(self, info: Info) -> PaymentDifferencesPayload:
        gateway = info.context.gateway
        if gateway is None:
            return PaymentDifferencesPayload(
                errors=_payment_errors(BillingRefusal.PAYMENTS_OFF_NOTHING_TO_COMPARE)
            )
        try:
            async with info.context.db() as session:
                found = await reconciliation.reconcile(session, info.context.actor, gateway)
        except GatewayUnavailable:
            return PaymentDifferencesPayload(
                errors=_payment_errors(BillingRefusal.GATEWAY_UNAVAILABLE)
            )
        except DomainError as error:
            return PaymentDifferencesPayload(errors=field_errors(error))
        return PaymentDifferencesPayload(differences=[PaymentDifference.of(d) for d in found])
