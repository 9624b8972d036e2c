"""Invoicing (directie), invoice details (directie or the member's admins), paying online
(the member's admins)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Concatenate, ParamSpec

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.approvals import service as approvals
from registry.approvals.rules import CreditNote, IssueInvoice
from registry.auth.policy import Permission
from registry.auth.roles import Actor
from registry.billing import (
    invoicing,
    payments,
    reminders,
    repository,
)
from registry.billing.document import VatCode
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import IntentRef
from registry.billing.models import CreditChoice, DeliveryChannel, LineCategory
from registry.graphql.approvals.api import ApprovalRequest
from registry.graphql.billing.types import (
    BillingDetails,
    BillingDetailsPayload,
    Invoice,
    InvoiceDraftDiscardPayload,
    InvoiceIssuePayload,
    InvoicePayload,
    InvoiceReminder,
    InvoiceReminders,
    InvoiceRemindersPayload,
    InvoiceRunPayload,
    PaymentStart,
    PaymentStartPayload,
    Settlement,
    TransferPayload,
    VatRule,
    VatRulePayload,
)
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.graphql.issued import request_payment_of_issued
from registry.graphql.mutating import act, answer, mutate
from registry.graphql.permissions import mutation
from registry.graphql.relay import database_id
from registry.kit.clock import today
from registry.kit.errors import DomainError, ValidationFailed

Args = ParamSpec("Args")


@strawberry.input
class BillingDetailsInput:
    street: str = strawberry.field(description="Street and number.")
    postal_code: str = strawberry.field(description="Dutch postal code, e.g. 3441 EM.")
    city: str
    email: str | None = strawberry.field(default=None, description="Where invoices are sent.")
    purchase_order_reference: str | None = strawberry.field(
        default=None, description="Shown on invoices as the buyer reference."
    )
    reminder_email: str | None = strawberry.field(
        default=None, description="Who receives payment reminders; the invoice address if null."
    )
    language: str | None = strawberry.field(
        default=None, description="Language of the member's messages (nl or en); null: kept."
    )
    delivery_channel: DeliveryChannel | None = strawberry.field(
        default=None, description="How invoices reach the member; null: kept (EMAIL when new)."
    )


@strawberry.input
class VatRuleInput:
    category: LineCategory
    vat_code: VatCode
    rate: Decimal = strawberry.field(description="Percentage, e.g. 21; 0 unless STANDARD.")
    exemption_reason: str | None = strawberry.field(
        default=None, description="Required for EXEMPT and OUT_OF_SCOPE: shown on invoices."
    )


def _reminders(invoice_id: strawberry.ID, state: reminders.ReminderState) -> InvoiceReminders:
    return InvoiceReminders(
        invoice_id=invoice_id,
        sent=[InvoiceReminder.of(r) for r in state.reminders],
        paused_because=state.pause.reason if state.pause else None,
    )


def _id(value: strawberry.ID, field: str = "id") -> int:
    number = database_id(value)
    if number is None:
        raise ValidationFailed.single(field, BillingRefusal.INVALID_INVOICE_ID)
    return number


async def _reminders_change(
    info: Info,
    id: strawberry.ID,
    change: Callable[Concatenate[AsyncSession, Actor, int, Args], Awaitable[object]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> InvoiceRemindersPayload:
    """The change `change(session, actor, <invoice id>, *args, **kwargs)` of an invoice's
    payment reminders by whoever calls, answered with its reminders as they stand after it."""

    async def change_and_read(session: AsyncSession) -> InvoiceReminders:
        invoice = _id(id)
        await change(session, info.context.actor, invoice, *args, **kwargs)
        return _reminders(id, await reminders.reminder_state(session, invoice))

    return await mutate(
        info,
        InvoiceRemindersPayload,
        change_and_read,
        lambda found: InvoiceRemindersPayload(reminders=found),
    )


def _waiting(submitted: approvals.Submitted) -> ApprovalRequest | None:
    """The request waiting for a second director, shown as the API shows it."""
    return None if submitted.request is None else ApprovalRequest.of(submitted.request)


_BILLING_DETAILS = answer(BillingDetailsPayload, "billing_details", BillingDetails.of)
_RULE = answer(VatRulePayload, "rule", VatRule.of)


@strawberry.type
class BillingMutation:
    @mutation(
        Permission.BILLING_DETAILS_MANAGE,
        "Set the address, e-mail and purchase-order reference of a member's invoices.",
        member_argument="member",
    )
    async def billing_details_set(
        self, info: Info, member: str, input: BillingDetailsInput
    ) -> BillingDetailsPayload:
        data = invoicing.BillingDetailsInput(
            input.street,
            input.postal_code,
            input.city,
            input.email,
            input.purchase_order_reference,
            reminder_email=input.reminder_email,
            language=input.language,
            delivery_channel=input.delivery_channel,
        )
        return await act(info, _BILLING_DETAILS, invoicing.set_billing_details, member, data)

    @mutation(
        Permission.BILLING_MANAGE,
        "Set the VAT of a line category; drafts made from then on carry it.",
    )
    async def vat_rule_set(self, info: Info, input: VatRuleInput) -> VatRulePayload:
        return await act(
            info,
            _RULE,
            invoicing.set_vat_rule,
            input.category,
            input.vat_code,
            str(input.rate),
            input.exemption_reason,
        )

    @mutation(
        Permission.BILLING_MANAGE,
        "Draft an invoice per member for everything billable up to a date and not "
        "billed yet; a member's earlier draft is rebuilt, never doubled.",
    )
    async def invoice_run_create(
        self, info: Info, until: date, member_codes: list[str] | None = None
    ) -> InvoiceRunPayload:

        async def draft(session: AsyncSession) -> list[Invoice]:
            drafts = await invoicing.run_invoices(session, info.context.actor, until, member_codes)
            return [Invoice.of(d) for d in drafts]

        return await mutate(
            info, InvoiceRunPayload, draft, lambda drafts: InvoiceRunPayload(drafts=drafts)
        )

    @mutation(Permission.BILLING_MANAGE, "Throw a draft away; its items become billable again.")
    async def invoice_draft_discard(
        self, info: Info, id: strawberry.ID
    ) -> InvoiceDraftDiscardPayload:
        return await mutate(
            info,
            InvoiceDraftDiscardPayload,
            lambda session: invoicing.discard_draft(session, info.context.actor, _id(id)),
            lambda _: InvoiceDraftDiscardPayload(discarded=True),
        )

    @mutation(
        Permission.BILLING_MANAGE,
        "Number a draft and fix it for good, then ask the payment service for a "
        "PaymentIntent. A net credit needs a creditChoice. An unreachable payment service "
        "never stops the issue: the invoice is then paymentPending.",
    )
    async def invoice_issue(
        self, info: Info, id: strawberry.ID, credit_choice: CreditChoice | None = None
    ) -> InvoiceIssuePayload:
        actor, settings = info.context.actor, info.context.settings
        try:
            async with info.context.transaction() as session:
                submitted = await approvals.submit(
                    session,
                    actor,
                    settings,
                    IssueInvoice(_id(id), credit_choice),
                    today(),
                )
                waiting = _waiting(submitted)
        except DomainError as error:
            return InvoiceIssuePayload(errors=field_errors(error))
        if submitted.performed is None:
            return InvoiceIssuePayload(approval_request=waiting)
        issued = submitted.performed.invoice
        stored, requested = await request_payment_of_issued(info, issued.id)
        return InvoiceIssuePayload(invoice=Invoice.of(stored), payment_requested=requested)

    @mutation(
        Permission.BILLING_MANAGE,
        "Issue a credit note reversing lines of an issued invoice (all when "
        "lineNumbers is omitted); it first settles what is open, the rest is carried or refunded.",
    )
    async def invoice_credit(
        self,
        info: Info,
        id: strawberry.ID,
        reason: str,
        credit_choice: CreditChoice,
        line_numbers: list[int] | None = None,
    ) -> InvoicePayload:

        async def credit(session: AsyncSession) -> InvoicePayload:
            operation = CreditNote(
                _id(id),
                reason,
                credit_choice,
                None if line_numbers is None else tuple(line_numbers),
            )
            submitted = await approvals.submit(
                session, info.context.actor, info.context.settings, operation, today()
            )
            if submitted.performed is None:
                return InvoicePayload(approval_request=_waiting(submitted))
            return InvoicePayload(invoice=Invoice.of(submitted.performed.invoice))

        return await mutate(info, InvoicePayload, credit, lambda answer: answer)

    @mutation(
        Permission.BILLING_MANAGE,
        "Pause the payment reminders of an invoice, saying why (a dispute, a payment plan).",
    )
    async def invoice_reminders_pause(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> InvoiceRemindersPayload:
        return await _reminders_change(info, id, reminders.pause_reminders, reason)

    @mutation(Permission.BILLING_MANAGE, "Send an invoice's payment reminders again.")
    async def invoice_reminders_resume(
        self, info: Info, id: strawberry.ID
    ) -> InvoiceRemindersPayload:
        return await _reminders_change(info, id, reminders.resume_reminders)

    @mutation(
        Permission.BILLING_MANAGE,
        "Record a bank transfer received for an invoice, or a refund paid out on "
        "a credit note (amount positive in both cases).",
    )
    async def transfer_record(
        self,
        info: Info,
        invoice_id: strawberry.ID,
        amount: Decimal,
        paid_on: date,
        bank_reference: str,
    ) -> TransferPayload:

        async def record(session: AsyncSession) -> TransferPayload:
            number = _id(invoice_id, "invoiceId")
            submitted = await approvals.record_payment(
                session,
                info.context.actor,
                info.context.settings,
                number,
                str(amount),
                paid_on,
                bank_reference,
                today(),
            )
            if submitted.performed is None:
                return TransferPayload(approval_request=_waiting(submitted))
            settlement = submitted.performed.settlement
            assert settlement is not None
            invoice = await repository.invoice_by_id(session, number)
            assert invoice is not None
            return TransferPayload(
                settlement=Settlement.of(settlement), invoice=Invoice.of(invoice)
            )

        return await mutate(info, TransferPayload, record, lambda answer: answer)

    @mutation(
        Permission.INVOICES_PAY,
        "What the payment page needs to pay an open invoice by card; the invoice "
        "is marked paid when the payment service confirms it.",
        invoice_argument="id",
    )
    async def invoice_payment_start(self, info: Info, id: strawberry.ID) -> PaymentStartPayload:
        gateway = info.context.gateway

        def answer(intent: IntentRef) -> PaymentStartPayload:
            assert gateway is not None
            return PaymentStartPayload(payment=PaymentStart.of(intent, gateway))

        return await mutate(
            info,
            PaymentStartPayload,
            lambda session: payments.start_payment(session, info.context.actor, gateway, _id(id)),
            answer,
        )
