"""Invoicing: billing details and VAT rules, invoice runs and their drafts, and issuing.

Services flush, never commit."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_deletion, recording_upsert
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.delivery import deliver
from registry.billing.document import DocumentKind, Party, VatCode
from registry.billing.errors import BillingRefusal
from registry.billing.items import billable_items
from registry.billing.models import (
    BillingAccount,
    CreditChoice,
    DeliveryChannel,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    MemberCredit,
    VatRule,
)
from registry.billing.operations import (
    assign_number,
    audit_invoice,
    audit_view,
    emit_invoice,
    lock_members,
    locked_invoice,
    referred_invoice,
    settle_credit_remainder,
)
from registry.billing.rules import (
    DraftLine,
    Vat,
    credit_to_deduct,
    due_date,
    overbilled_keys,
    status_of,
    still_to_bill,
    totals,
    vat_groups,
)
from registry.kit import clock
from registry.kit.errors import Common, ErrorCollector, RefusedValue, ValidationFailed
from registry.kit.language import LANGUAGES
from registry.kit.money import parse_rate
from registry.members import repository as members
from registry.members.lookup import member_or_refuse
from registry.members.models import Member
from registry.messages.addresses import checked_address
from registry.settings import Settings
from registry.webhooks.events import EventType
from registry.years.service import refuse_closed

_POSTAL_CODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")

REFERENCE_MAX = 100
"""Longest purchase-order reference: the length of its column."""


@dataclass(frozen=True, slots=True)
class BillingDetailsInput:
    street: str
    postal_code: str
    city: str
    email: str | None = None
    purchase_order_reference: str | None = None
    reminder_email: str | None = None
    """Who receives payment reminders; None: the invoice address. Kept as it is when
    `keep_messaging` (a caller that does not show these fields)."""
    language: str | None = None
    """The language of the member's messages (nl or en); None: kept (Dutch for a new one)."""
    delivery_channel: DeliveryChannel | None = None
    """None: kept (e-mail for a new one)."""
    keep_messaging: bool = False


async def set_billing_details(
    session: AsyncSession, actor: Actor, member_code: str, data: BillingDetailsInput
) -> BillingAccount:
    """The address, e-mail and purchase-order reference a member's invoices carry."""
    member = await member_or_refuse(session, member_code)
    require(
        actor,
        Permission.BILLING_DETAILS_MANAGE,
        BillingRefusal.DETAILS_BY_ADMINS,
        member_id=member.id,
    )
    errors = ErrorCollector()
    street, city = data.street.strip(), data.city.strip()
    postal_code = data.postal_code.strip().upper()
    if not street:
        errors.add("street", BillingRefusal.STREET_REQUIRED)
    if not city:
        errors.add("city", BillingRefusal.CITY_REQUIRED)
    if not _POSTAL_CODE.match(postal_code):
        errors.add("postalCode", BillingRefusal.INVALID_POSTAL_CODE)
    email = errors.check(lambda: checked_address("email", data.email, BillingRefusal.INVALID_EMAIL))
    reminder_email = errors.check(
        lambda: checked_address("reminderEmail", data.reminder_email, BillingRefusal.INVALID_EMAIL)
    )
    if data.language is not None and data.language not in LANGUAGES:
        errors.add("language", BillingRefusal.UNKNOWN_LANGUAGE)
    reference = (data.purchase_order_reference or "").strip() or None
    if reference is not None and len(reference) > REFERENCE_MAX:
        errors.add("purchaseOrderReference", Common.TOO_LONG, limit=REFERENCE_MAX)
    errors.raise_if_any()
    account = await repository.account_of(session, member.id)
    async with recording_upsert(
        session,
        actor,
        account,
        lambda: BillingAccount(member_id=member.id),
        entity_id=member.code,
        member_id=member.id,
    ) as stored:
        stored.street, stored.postal_code, stored.city = street, postal_code, city
        stored.email, stored.purchase_order_reference = email, reference
        if not data.keep_messaging:
            stored.reminder_email = reminder_email
        if data.language is not None:
            stored.language = data.language
        elif stored.language is None:
            stored.language = "nl"
        if data.delivery_channel is not None:
            stored.delivery_channel = data.delivery_channel
        elif stored.delivery_channel is None:
            stored.delivery_channel = DeliveryChannel.EMAIL
    return stored


async def set_vat_rule(
    session: AsyncSession,
    actor: Actor,
    category: LineCategory,
    code: VatCode,
    rate: str,
    exemption_reason: str | None,
) -> VatRule:
    """The VAT of a line category; lines drafted from now on carry it."""
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_CONFIGURES_VAT)
    errors = ErrorCollector()
    value = errors.check(lambda: _rate(rate))
    reason = (exemption_reason or "").strip() or None
    if value is not None:
        if code is VatCode.STANDARD and value <= 0:
            errors.add("rate", BillingRefusal.RATE_REQUIRED)
        if code is not VatCode.STANDARD and value != 0:
            errors.add("rate", BillingRefusal.RATE_NOT_ZERO, category=code.value)
    if code in (VatCode.EXEMPT, VatCode.OUT_OF_SCOPE) and reason is None:
        errors.add("exemptionReason", BillingRefusal.EXEMPTION_REASON_REQUIRED)
    errors.raise_if_any()
    assert value is not None
    async with recording_upsert(
        session,
        actor,
        await session.get(VatRule, category),
        lambda: VatRule(category=category),
        entity_id=category.value,
    ) as rule:
        rule.vat_code, rule.rate, rule.exemption_reason = code, value, reason
    return rule


def _rate(text: str) -> Decimal:
    try:
        value = parse_rate(text)
    except RefusedValue as exc:
        raise ValidationFailed.single(
            "rate", BillingRefusal.INVALID_RATE, reason=exc.phrase
        ) from None
    if value > 100:
        raise ValidationFailed.single("rate", BillingRefusal.RATE_ABOVE_100)
    return value


async def vat_rules(session: AsyncSession) -> list[VatRule]:
    rules = await repository.vat_rules(session)
    return [rules[c] for c in LineCategory if c in rules]


@dataclass(frozen=True, slots=True)
class DraftPreview:
    member: Member
    lines: tuple[DraftLine, ...]
    net_cents: int
    vat_cents: int
    gross_cents: int
    credit_cents: int
    """Carried credit the invoice will absorb when it is issued."""

    @property
    def kind(self) -> DocumentKind:
        return DocumentKind.CREDIT_NOTE if self.gross_cents < 0 else DocumentKind.INVOICE


async def _run_members(session: AsyncSession, member_codes: Sequence[str] | None) -> list[Member]:
    if member_codes:
        found = await members.members_by_codes(session, list(member_codes))
        unknown = [c for c in member_codes if c not in found]
        if unknown:
            raise ValidationFailed.single(
                "memberCodes", BillingRefusal.UNKNOWN_MEMBERS, codes=", ".join(unknown)
            )
        return sorted(found.values(), key=lambda m: m.code)
    return await repository.all_members(session)


async def preview_invoice_run(
    session: AsyncSession,
    actor: Actor,
    until: date,
    member_codes: Sequence[str] | None = None,
    today: date | None = None,
) -> list[DraftPreview]:
    """What a run would draft: per member, every item not yet billed, with VAT and totals.

    Drafts already made count as billed, so a second run never repeats their lines.
    """
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_RUNS_INVOICING)
    check_until(until, today or clock.today())
    chosen = await _run_members(session, member_codes)
    return await _previews(session, chosen, until, drafts=True)


def check_until(until: date, today: date) -> None:
    """A run bills up to the end of the current year at the latest: later items (a fee of a
    year not yet decided, usage not yet reported) are not known, and a date years ahead is a
    typing error, not a plan."""
    last = date(today.year, 12, 31)
    if until > last:
        raise ValidationFailed.single("until", BillingRefusal.UNTIL_TOO_LATE, last=last)


async def _previews(
    session: AsyncSession, chosen: Sequence[Member], until: date, *, drafts: bool
) -> list[DraftPreview]:
    """Per member what is still to bill; `drafts` says whether drafts count as billed."""
    ids = [m.id for m in chosen]
    items = await billable_items(session, ids, until)
    billed = await repository.billed_per_key(session, ids, drafts=drafts)
    rules = await repository.vat_rules(session)
    missing = sorted({i.category.value for i in items} - {c.value for c in rules})
    if missing:
        raise ValidationFailed.single(
            "vat", BillingRefusal.VAT_RULE_MISSING, categories=", ".join(missing)
        )
    by_member: dict[int, list[DraftLine]] = {}
    for item, amount in still_to_bill(items, billed, until):
        rule = rules[item.category]
        vat = Vat(rule.vat_code, rule.rate, rule.exemption_reason)
        by_member.setdefault(item.member_id, []).append(DraftLine(item, amount, vat))
    previews = []
    for member in chosen:
        lines = by_member.get(member.id)
        if not lines:
            continue
        total = totals(vat_groups((line.net_cents, line.vat) for line in lines))
        balance = await repository.credit_balance(session, member.id)
        previews.append(
            DraftPreview(
                member=member,
                lines=tuple(lines),
                net_cents=total.net_cents,
                vat_cents=total.vat_cents,
                gross_cents=total.gross_cents,
                credit_cents=credit_to_deduct(total.gross_cents, balance),
            )
        )
    return previews


async def run_invoices(
    session: AsyncSession,
    actor: Actor,
    until: date,
    member_codes: Sequence[str] | None = None,
    today: date | None = None,
) -> list[Invoice]:
    """Store the previewed drafts: one per member, whatever the timing.

    The members are locked first, so two runs at the same moment follow each other. A
    member's draft that already holds exactly what the run would draft is kept as it is,
    so a repeated run (a double click, a retried request) answers with the same drafts;
    a draft that differs is rebuilt, never doubled (the database allows one per member).
    """
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_RUNS_INVOICING)
    await refuse_closed(session, {"today": today or clock.today()})
    check_until(until, today or clock.today())
    chosen = await _run_members(session, member_codes)
    await lock_members(session, [m.id for m in chosen])
    existing = {d.member_id: d for d in await repository.drafts_of(session, [m.id for m in chosen])}
    drafts = []
    for preview in await _previews(session, chosen, until, drafts=False):
        draft = _draft(preview, until, actor)
        kept = existing.pop(preview.member.id, None)
        if kept is not None and _content(kept) == _content(draft):
            drafts.append(kept)
            continue
        if kept is not None:
            await _delete_draft(session, actor, kept)
        session.add(draft)
        await session.flush()
        await audit_invoice(session, actor, "create", draft)
        drafts.append(draft)
    for stale in existing.values():
        await _delete_draft(session, actor, stale)
    return drafts


def _draft(preview: DraftPreview, until: date, actor: Actor) -> Invoice:
    return Invoice(
        member_id=preview.member.id,
        member_code=preview.member.code,
        kind=preview.kind,
        status=InvoiceStatus.DRAFT,
        period_until=until,
        net_cents=preview.net_cents,
        vat_cents=preview.vat_cents,
        gross_cents=preview.gross_cents,
        prepaid_cents=0,
        due_cents=preview.gross_cents,
        settled_cents=0,
        customer="{}",
        buyer_reference=preview.member.code,
        created_by=actor.label,
        lines=[
            InvoiceLine(
                member_id=preview.member.id,
                line_no=n,
                category=line.item.category,
                item_key=line.item.key,
                description=line.item.description,
                source=line.item.source,
                billable_on=line.item.billable_on,
                net_cents=line.net_cents,
                vat_code=line.vat.code,
                vat_rate=line.vat.rate,
                exemption_reason=line.vat.exemption_reason,
            )
            for n, line in enumerate(preview.lines, start=1)
        ],
    )


def _content(draft: Invoice) -> tuple[object, ...]:
    """What a draft says: two drafts with the same content are the same draft."""
    return (
        draft.kind,
        draft.period_until,
        draft.net_cents,
        draft.vat_cents,
        draft.gross_cents,
        tuple(
            (
                line.line_no,
                line.category,
                line.item_key,
                line.description,
                line.source,
                line.billable_on,
                line.net_cents,
                line.vat_code,
                Decimal(line.vat_rate),
                line.exemption_reason,
            )
            for line in draft.lines
        ),
    )


async def _delete_draft(session: AsyncSession, actor: Actor, draft: Invoice) -> None:
    before = audit_view(draft)
    await session.delete(draft)
    await session.flush()
    await record_deletion(session, actor, "invoice", draft, before, member_id=draft.member_id)


async def discard_draft(session: AsyncSession, actor: Actor, invoice_id: int) -> None:
    """Throw a draft away; its items become billable again."""
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_DISCARDS_DRAFTS)
    invoice = await locked_invoice(session, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ValidationFailed.single("invoice", BillingRefusal.NOT_A_DRAFT)
    await _delete_draft(session, actor, invoice)


def supplier_party(settings: Settings) -> Party:
    return Party(
        name=settings.cooperative_name,
        street=settings.cooperative_street,
        postal_code=settings.cooperative_postal_code,
        city=settings.cooperative_city,
        kvk=settings.cooperative_kvk,
        vat_id=settings.cooperative_vat_id,
        email=settings.cooperative_email,
    )


async def _customer(session: AsyncSession, member: Member) -> tuple[Party, str]:
    account = await repository.account_of(session, member.id)
    if member.oin is None and member.kvk is None:
        raise ValidationFailed.single(
            "member", BillingRefusal.IDENTIFIER_MISSING, member=member.name
        )
    if account is None:
        raise ValidationFailed.single(
            "billingDetails", BillingRefusal.BILLING_DETAILS_MISSING, member=member.name
        )
    party = Party(
        name=member.name,
        street=account.street,
        postal_code=account.postal_code,
        city=account.city,
        oin=member.oin,
        kvk=member.kvk,
        email=account.email,
    )
    return party, account.purchase_order_reference or member.code


def _party_json(party: Party) -> str:
    return json.dumps(party.__dict__, sort_keys=True, ensure_ascii=False)


async def issue(
    session: AsyncSession,
    actor: Actor,
    invoice_id: int,
    today: date,
    settings: Settings,
    credit_choice: CreditChoice | None = None,
    *,
    single_director: bool = False,
) -> Invoice:
    """Number a draft and fix it for good; carried credit is deducted from what is due.

    A draft that comes to a net credit is issued as a credit note; the directie then says
    whether the credit is carried to the next invoice or refunded. `single_director`: issued
    without four-eyes approval, which the document then says (registry/approvals/).
    """
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_ISSUES_INVOICES)
    await refuse_closed(session, {"issueDate": today})
    invoice = await locked_invoice(session, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        assert invoice.number is not None
        raise ValidationFailed.single(
            "invoice", BillingRefusal.ALREADY_ISSUED, number=invoice.number
        )
    member = await session.get(Member, invoice.member_id)
    assert member is not None
    await _check_not_billed_meanwhile(session, invoice)
    if invoice.kind is DocumentKind.CREDIT_NOTE and credit_choice is None:
        raise ValidationFailed.single("creditChoice", BillingRefusal.CREDIT_CHOICE_REQUIRED)
    party, reference = await _customer(session, member)
    if (
        invoice.kind is DocumentKind.CREDIT_NOTE
        and await referred_invoice(session, invoice) is None
    ):
        raise ValidationFailed.single(
            "invoice", BillingRefusal.NOTHING_TO_CREDIT, member=member.name
        )
    invoice.customer = _party_json(party)
    invoice.buyer_reference = reference
    await assign_number(session, invoice, today, actor, single_director=single_director)
    invoice.due_date = due_date(today, settings.payment_term_days)
    if invoice.kind is DocumentKind.INVOICE:
        balance = await repository.credit_balance(session, member.id)
        deducted = credit_to_deduct(invoice.gross_cents, balance)
        invoice.prepaid_cents = deducted
        invoice.due_cents = invoice.gross_cents - deducted
        if deducted:
            session.add(
                MemberCredit(member_id=member.id, amount_cents=-deducted, invoice_id=invoice.id)
            )
        invoice.payment_pending = invoice.due_cents > 0
    else:
        invoice.credit_choice = credit_choice
    invoice.status = status_of(invoice.due_cents, 0, 0)
    await session.flush()
    if invoice.kind is DocumentKind.CREDIT_NOTE:
        await settle_credit_remainder(session, actor, invoice, -invoice.due_cents, today)
    await audit_invoice(session, actor, "issue", invoice)
    await deliver(session, actor, invoice, settings)
    await emit_invoice(session, EventType.INVOICE_ISSUED, invoice)
    return invoice


async def _check_not_billed_meanwhile(session: AsyncSession, draft: Invoice) -> None:
    """Refuse a draft that would bill an item past what is owed for it.

    The member is locked and only one draft per member exists, so this holds unless the
    draft is older than a document issued since, or than a change that lowered an item.
    """
    issued = await repository.billed_per_key(session, [draft.member_id], drafts=False)
    items = await billable_items(session, [draft.member_id], draft.period_until)
    entitled = {item.key: item.amount_cents for item in items}
    refused = overbilled_keys(
        ((line.item_key, line.net_cents) for line in draft.lines), issued, entitled
    )
    if refused:
        line = next(line for line in draft.lines if line.item_key == refused[0])
        raise ValidationFailed.single(
            "invoice",
            BillingRefusal.BILLED_MEANWHILE,
            line=line.line_no,
            description=line.description,
        )
