"""GraphQL types of invoices, credit notes, their lines and settlements, VAT and payments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import strawberry
from graphql import GraphQLError

from registry.billing import models, reading
from registry.billing.document import DocumentKind, VatCode, VatGroup
from registry.billing.gateway import IntentRef, PaymentGateway
from registry.billing.invoicing import DraftPreview
from registry.billing.models import (
    CreditChoice,
    DeliveryChannel,
    InvoiceStatus,
    LineCategory,
    ReminderStage,
    SettlementKind,
)
from registry.billing.reconciliation import Difference
from registry.billing.rules import line_vat_groups, outstanding, vat_groups
from registry.graphql.approvals.api import ApprovalRequest
from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.members.types import Member
from registry.graphql.money import Money
from registry.graphql.relay import Connection, page_request
from registry.kit.clock import today
from registry.kit.errors import DomainError
from registry.kit.pagination import Page

strawberry.enum(DocumentKind, name="InvoiceKind")
strawberry.enum(InvoiceStatus, name="InvoiceStatus")
strawberry.enum(LineCategory, name="InvoiceLineCategory")
strawberry.enum(VatCode, name="VatCode", description="UNCL5305 VAT category code.")
strawberry.enum(CreditChoice, name="CreditChoice")
strawberry.enum(SettlementKind, name="SettlementKind")
strawberry.enum(DeliveryChannel, name="DeliveryChannel")
strawberry.enum(ReminderStage, name="ReminderStage")


@strawberry.type(description="A payment reminder sent for an invoice, once per stage.")
class InvoiceReminder:
    stage: ReminderStage
    sent_on: date
    outstanding: Money = strawberry.field(description="What was still owed when it was sent.")
    interest: Money | None = strawberry.field(
        description="Statutory commercial interest shown on it, never added to the invoice."
    )

    @classmethod
    def of(cls, r: models.Reminder) -> InvoiceReminder:
        return from_attributes(
            cls,
            r,
            **amounts(r, "outstanding"),
            interest=Money.maybe(r.interest_cents),
        )


@strawberry.type(description="One billed item, with the key of the item and where it came from.")
class InvoiceLine:
    line_no: int
    category: LineCategory
    description: str
    source: str = strawberry.field(description="The records the amount comes from (run, line).")
    item_key: str
    net: Money
    vat_code: VatCode
    vat_rate: Decimal = strawberry.field(description="Percentage, e.g. 21; 0 when not charged.")
    exemption_reason: str | None

    @classmethod
    def of(cls, line: models.InvoiceLine) -> InvoiceLine:
        return from_attributes(cls, line, net=Money.of_cents(line.net_cents))


@strawberry.type(description="One row of the VAT breakdown: per VAT code and rate.")
class VatBreakdown:
    vat_code: VatCode
    vat_rate: Decimal
    taxable: Money
    vat: Money
    exemption_reason: str | None

    @classmethod
    def of_groups(cls, groups: Iterable[VatGroup]) -> list[VatBreakdown]:
        return [from_attributes(cls, g, **amounts(g, "taxable", "vat")) for g in groups]


@strawberry.type(
    description="Money that settled part of an invoice: a payment, a refund, a credit note or "
    "carried credit; negative on a credit note."
)
class Settlement:
    kind: SettlementKind
    amount: Money
    settled_on: date
    reference: str

    @classmethod
    def of(cls, s: models.Settlement) -> Settlement:
        return from_attributes(cls, s, amount=Money.of_cents(s.amount_cents))


@strawberry.type(
    description="An invoice or credit note. Amounts are as stored: a credit note's are negative "
    "(they reduce what the member owes); its PDF and UBL show them positive."
)
class Invoice:
    model: strawberry.Private[models.Invoice]
    id: strawberry.ID
    number: str | None = strawberry.field(description="Null for a draft.")
    kind: DocumentKind
    status: InvoiceStatus
    overdue: bool = strawberry.field(description="Money still owed after the due date (today).")
    period_until: date = strawberry.field(description="The run's cut-off date.")
    issue_date: date | None
    due_date: date | None
    net: Money
    vat: Money
    gross: Money
    prepaid: Money = strawberry.field(description="Carried credit deducted from the gross.")
    due: Money = strawberry.field(description="Gross minus prepaid: what the member pays.")
    outstanding: Money = strawberry.field(description="Due minus what settled it so far.")
    lines: list[InvoiceLine]
    vat_breakdown: list[VatBreakdown]
    credit_choice: CreditChoice | None
    reason: str | None = strawberry.field(description="Why a credit note corrects an invoice.")
    payment_pending: bool = strawberry.field(
        description="Issued, but the payment service could not be reached for a PaymentIntent "
        "yet; it is retried."
    )
    pdf_url: str | None
    ubl_url: str | None

    @classmethod
    def of(cls, i: models.Invoice) -> Invoice:
        issued = i.status is not InvoiceStatus.DRAFT
        return from_attributes(
            cls,
            i,
            model=i,
            id=strawberry.ID(str(i.id)),
            overdue=reading.overdue(i, today()),
            **amounts(i, "net", "vat", "gross", "prepaid", "due"),
            outstanding=Money.of_cents(outstanding(i.due_cents, i.settled_cents)),
            lines=[InvoiceLine.of(line) for line in i.lines],
            vat_breakdown=VatBreakdown.of_groups(line_vat_groups(i.lines)),
            pdf_url=f"/facturen/{i.id}/pdf" if issued else None,
            ubl_url=f"/facturen/{i.id}/ubl" if issued else None,
        )

    @classmethod
    async def page(
        cls,
        info: Info,
        member_code: str | None,
        statuses: list[InvoiceStatus] | None,
        overdue_only: bool,
        first: int,
        after: str | None,
    ) -> Connection[Invoice]:
        """The invoices the service lets the caller see, newest first, one page of them."""
        page_request(first, after)  # a wrong page is refused before anything is read
        try:
            async with info.context.db() as session:
                actor = info.context.actor
                found = await reading.invoices_of(session, actor, member_code, statuses)
        except DomainError as error:
            raise GraphQLError(error.message) from None
        return cls.page_of(found, overdue_only, first, after)

    @classmethod
    def page_of(
        cls, found: list[models.Invoice], overdue_only: bool, first: int, after: str | None
    ) -> Connection[Invoice]:
        """One page of the invoices, newest first; only the overdue ones if asked."""
        request = page_request(first, after)
        day = today()
        chosen = [i for i in found if not overdue_only or reading.overdue(i, day)]
        page = Page(
            chosen[request.offset : request.offset + request.limit], request.offset, len(chosen)
        )
        return Connection[Invoice].of(page, cls.of)

    @strawberry.field
    async def member(self, info: Info) -> Member:
        found = await info.context.loaders.member_by_id.load(self.model.member_id)
        assert found is not None
        return Member.of(found)

    @strawberry.field(description="Payments, refunds and credits, oldest first.")
    async def settlements(self, info: Info) -> list[Settlement]:
        found = await info.context.loaders.settlements_of_invoice.load(self.model.id)
        return [Settlement.of(s) for s in found]

    @strawberry.field(description="The number of the invoice a credit note corrects.")
    async def corrects_invoice_number(self, info: Info) -> str | None:
        if self.model.corrects_invoice_id is None:
            return None
        return await info.context.loaders.invoice_number_by_id.load(self.model.corrects_invoice_id)


@strawberry.type(description="The draft a run would make for one member; nothing is stored.")
class InvoicePreview:
    member: Member
    kind: DocumentKind
    lines: list[InvoiceLine]
    vat_breakdown: list[VatBreakdown]
    net: Money
    vat: Money
    gross: Money
    credit_to_deduct: Money = strawberry.field(
        description="Carried credit the invoice absorbs when it is issued."
    )

    @classmethod
    def of(cls, p: DraftPreview) -> InvoicePreview:
        return cls(
            member=Member.of(p.member),
            kind=p.kind,
            lines=[
                InvoiceLine(
                    line_no=n,
                    category=line.item.category,
                    description=line.item.description,
                    source=line.item.source,
                    item_key=line.item.key,
                    net=Money.of_cents(line.net_cents),
                    vat_code=line.vat.code,
                    vat_rate=line.vat.rate,
                    exemption_reason=line.vat.exemption_reason,
                )
                for n, line in enumerate(p.lines, start=1)
            ],
            vat_breakdown=VatBreakdown.of_groups(
                vat_groups((line.net_cents, line.vat) for line in p.lines)
            ),
            **amounts(p, "net", "vat", "gross"),
            credit_to_deduct=Money.of_cents(p.credit_cents),
        )


@strawberry.type(description="The VAT of a line category; lines drafted from then on carry it.")
class VatRule:
    category: LineCategory
    vat_code: VatCode
    rate: Decimal
    exemption_reason: str | None
    updated_at: datetime

    @classmethod
    def of(cls, r: models.VatRule) -> VatRule:
        return from_attributes(cls, r)


@strawberry.type(description="The address, e-mail and purchase-order reference on invoices.")
class BillingDetails:
    street: str
    postal_code: str
    city: str
    email: str | None
    purchase_order_reference: str | None
    reminder_email: str | None = strawberry.field(
        description="Who receives payment reminders; the invoice address when null."
    )
    language: str = strawberry.field(description="Language of the member's messages: nl or en.")
    delivery_channel: DeliveryChannel

    @classmethod
    def of(cls, a: models.BillingAccount) -> BillingDetails:
        return from_attributes(cls, a)


@strawberry.type(description="A difference between the registry and the payment service.")
class PaymentDifference:
    code: str
    invoice_number: str | None
    intent_id: str | None
    detail: str
    fixable: bool = strawberry.field(
        description="Repairable: a missing PaymentIntent, or a payment the registry missed."
    )

    @classmethod
    def of(cls, d: Difference) -> PaymentDifference:
        return from_attributes(cls, d)


@strawberry.type(description="What the payment page needs to collect an invoice with Stripe.js.")
class PaymentStart:
    client_secret: str | None
    publishable_key: str
    js_url: str
    status: str = strawberry.field(description="The PaymentIntent's status at the gateway.")
    amount: Money

    @classmethod
    def of(cls, intent: IntentRef, gateway: PaymentGateway) -> PaymentStart:
        return cls(
            client_secret=intent.client_secret,
            publishable_key=gateway.publishable_key,
            js_url=gateway.js_url,
            status=intent.status,
            amount=Money.of_cents(intent.amount_cents),
        )


@strawberry.type
class BillingDetailsPayload:
    billing_details: BillingDetails | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class VatRulePayload:
    rule: VatRule | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoiceRunPreviewPayload:
    previews: list[InvoicePreview] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoiceRunPayload:
    drafts: list[Invoice] = strawberry.field(
        default_factory=list, description="One draft per member with something to bill."
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoiceDraftDiscardPayload:
    discarded: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(description="An invoice's payment reminders and whether they are paused.")
class InvoiceReminders:
    invoice_id: strawberry.ID
    sent: list[InvoiceReminder]
    paused_because: str | None = strawberry.field(
        description="Why its reminders are paused; null when they are not."
    )


@strawberry.type
class InvoiceRemindersPayload:
    reminders: InvoiceReminders | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    approval_request: ApprovalRequest | None = strawberry.field(
        default=None,
        description="With four-eyes approval on: the request a second director decides on; "
        "nothing is issued until then.",
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoiceIssuePayload:
    invoice: Invoice | None = None
    payment_requested: bool = strawberry.field(
        default=False,
        description="A PaymentIntent was created; when false and the invoice's paymentPending "
        "is true, the payment service was unreachable and the request is retried.",
    )
    approval_request: ApprovalRequest | None = strawberry.field(
        default=None,
        description="With four-eyes approval on: the request a second director decides on; "
        "nothing is issued until then.",
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class TransferPayload:
    settlement: Settlement | None = None
    invoice: Invoice | None = None
    approval_request: ApprovalRequest | None = strawberry.field(
        default=None,
        description="A refund with four-eyes approval on: the request a second director "
        "decides on; nothing is recorded until then.",
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentStartPayload:
    payment: PaymentStart | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class PaymentDifferencesPayload:
    differences: list[PaymentDifference] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(
        default_factory=list,
        description="payments_off when online payment is switched off; gateway_unavailable "
        "when the payment service cannot be reached.",
    )
