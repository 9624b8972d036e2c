"""Invoice runs, issuing, credit notes and payments. Services flush, never commit.

Calls to the payment gateway happen after the invoice is stored (`request_payment`),
so an unreachable gateway never stops an invoice from being issued: the invoice waits
with `payment_pending` until `retry_payment_requests` reaches the gateway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.document import (
    DocumentKind,
    DocumentLine,
    InvoiceDocument,
    Party,
    VatCode,
    VatGroup,
)
from registry.billing.gateway import (
    GatewayEvent,
    GatewayUnavailable,
    IntentRef,
    PaymentDeclined,
    PaymentGateway,
)
from registry.billing.items import billable_items
from registry.billing.models import (
    BillingAccount,
    CreditChoice,
    GatewayEventRecord,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    MemberCredit,
    Settlement,
    SettlementKind,
    VatRule,
)
from registry.billing.rules import (
    DraftLine,
    Vat,
    check_payment,
    credit_to_deduct,
    due_date,
    idempotency_key,
    invoice_number,
    is_overdue,
    line_vat_groups,
    outstanding,
    overbilled_keys,
    split_credit,
    status_of,
    still_to_bill,
    totals,
    vat_groups,
)
from registry.db import serialise
from registry.kit import clock
from registry.kit.errors import (
    ErrorCollector,
    FieldError,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from registry.kit.money import parse_euro, parse_rate, to_cents
from registry.kit.types import utcnow
from registry.members import repository as members
from registry.members.lookup import member_or_refuse
from registry.members.models import Member
from registry.settings import Settings

MONEY_KINDS = (SettlementKind.STRIPE, SettlementKind.BANK_TRANSFER, SettlementKind.REFUND)
OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
_POSTAL_CODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _require(actor: Actor, permission: Permission, member_id: int | None, why: str) -> None:
    if not allows(actor, permission, member_id):
        raise Forbidden(why)


async def lock_members(session: AsyncSession, member_ids: Iterable[int]) -> None:
    """Serialise everything that bills, issues, credits or settles for these members.

    A second invoice run, issue or payment for the same member waits for the first one's
    commit and then reads what it wrote, so what is "not billed yet" is still true when
    it is billed.
    """
    await serialise(session, *(f"member:{member_id}" for member_id in member_ids))


async def _invoice(session: AsyncSession, invoice_id: int) -> Invoice:
    invoice = await repository.invoice_by_id(session, invoice_id)
    if invoice is None:
        raise NotFound(f"no invoice with id {invoice_id}")
    return invoice


async def _locked_invoice(session: AsyncSession, invoice_id: int) -> Invoice:
    """The invoice as stored once its member is locked: nothing else changes it meanwhile."""
    member_id = await repository.member_of_invoice(session, invoice_id)
    if member_id is None:
        raise NotFound(f"no invoice with id {invoice_id}")
    await lock_members(session, [member_id])
    return await _invoice(session, invoice_id)


# Invoice details and VAT


@dataclass(frozen=True, slots=True)
class BillingDetailsInput:
    street: str
    postal_code: str
    city: str
    email: str | None = None
    purchase_order_reference: str | None = None


async def set_billing_details(
    session: AsyncSession, actor: Actor, member_code: str, data: BillingDetailsInput
) -> BillingAccount:
    """The address, e-mail and purchase-order reference a member's invoices carry."""
    member = await member_or_refuse(session, member_code)
    _require(
        actor,
        Permission.BILLING_DETAILS_MANAGE,
        member.id,
        "invoice details are kept by the member's admins and the directie",
    )
    errors = ErrorCollector()
    street, city = data.street.strip(), data.city.strip()
    postal_code = data.postal_code.strip().upper()
    if not street:
        errors.add("street", "required", "a street and number is required")
    if not city:
        errors.add("city", "required", "a city is required")
    if not _POSTAL_CODE.match(postal_code):
        errors.add("postalCode", "invalid_postal_code", "a Dutch postal code such as 3441 EM")
    email = (data.email or "").strip() or None
    if email is not None and not _EMAIL.match(email):
        errors.add("email", "invalid_email", "an e-mail address such as facturen@woerden.nl")
    reference = (data.purchase_order_reference or "").strip() or None
    if reference is not None and len(reference) > 100:
        errors.add("purchaseOrderReference", "too_long", "at most 100 characters")
    errors.raise_if_any()
    account = await repository.account_of(session, member.id)
    before = snapshot(account) if account else None
    if account is None:
        account = BillingAccount(member_id=member.id)
        session.add(account)
    account.street, account.postal_code, account.city = street, postal_code, city
    account.email, account.purchase_order_reference = email, reference
    await session.flush()
    await record(
        session,
        actor,
        operation="update" if before else "create",
        entity_type="billing_account",
        entity_id=member.code,
        before=before,
        after=snapshot(account),
        member_id=member.id,
    )
    return account


async def set_vat_rule(
    session: AsyncSession,
    actor: Actor,
    category: LineCategory,
    code: VatCode,
    rate: str,
    exemption_reason: str | None,
) -> VatRule:
    """The VAT of a line category; lines drafted from now on carry it."""
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie configures VAT")
    errors = ErrorCollector()
    value = errors.check(lambda: _rate(rate))
    reason = (exemption_reason or "").strip() or None
    if value is not None:
        if code is VatCode.STANDARD and value <= 0:
            errors.add("rate", "rate_required", "standard-rated VAT needs a rate above 0")
        if code is not VatCode.STANDARD and value != 0:
            errors.add("rate", "rate_not_zero", f"VAT category {code.value} has rate 0")
    if code in (VatCode.EXEMPT, VatCode.OUT_OF_SCOPE) and reason is None:
        errors.add("exemptionReason", "required", "say why no VAT is charged (shown on invoices)")
    errors.raise_if_any()
    assert value is not None
    rule = await session.get(VatRule, category)
    before = snapshot(rule) if rule else None
    if rule is None:
        rule = VatRule(category=category)
        session.add(rule)
    rule.vat_code, rule.rate, rule.exemption_reason = code, value, reason
    await session.flush()
    await record(
        session,
        actor,
        operation="update" if before else "create",
        entity_type="vat_rule",
        entity_id=category.value,
        before=before,
        after=snapshot(rule),
    )
    return rule


def _rate(text: str) -> Decimal:
    try:
        value = parse_rate(text)
    except ValueError as exc:
        raise ValidationFailed.single("rate", "invalid_rate", str(exc)) from None
    if value > 100:
        raise ValidationFailed.single("rate", "invalid_rate", "a percentage up to 100")
    return value


async def vat_rules(session: AsyncSession) -> list[VatRule]:
    rules = await repository.vat_rules(session)
    return [rules[c] for c in LineCategory if c in rules]


# Invoice runs


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
                "memberCodes", "unknown_member", f"no member with code {', '.join(unknown)}"
            )
        return sorted(found.values(), key=lambda m: m.code)
    return await repository.all_members(session)


async def preview_invoice_run(
    session: AsyncSession, actor: Actor, until: date, member_codes: Sequence[str] | None = None
) -> list[DraftPreview]:
    """What a run would draft: per member, every item not yet billed, with VAT and totals.

    Drafts already made count as billed, so a second run never repeats their lines.
    """
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie runs invoicing")
    chosen = await _run_members(session, member_codes)
    return await _previews(session, chosen, until, drafts=True)


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
            "vat", "vat_rule_missing", f"set the VAT of {', '.join(missing)} first"
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
    session: AsyncSession, actor: Actor, until: date, member_codes: Sequence[str] | None = None
) -> list[Invoice]:
    """Store the previewed drafts: one per member, whatever the timing.

    The members are locked first, so two runs at the same moment follow each other. A
    member's draft that already holds exactly what the run would draft is kept as it is,
    so a repeated run (a double click, a retried request) answers with the same drafts;
    a draft that differs is rebuilt, never doubled (the database allows one per member).
    """
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie runs invoicing")
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
        await _audit_invoice(session, actor, "create", draft)
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


async def _audit_invoice(
    session: AsyncSession, actor: Actor, operation: str, invoice: Invoice
) -> None:
    await record(
        session,
        actor,
        operation=operation,
        entity_type="invoice",
        entity_id=str(invoice.id),
        before=None,
        after=_audit_view(invoice),
        member_id=invoice.member_id,
    )


def _audit_view(invoice: Invoice) -> dict[str, object]:
    return snapshot(
        invoice,
        exclude=frozenset({"customer"}),
        lines=[
            {"key": line.item_key, "net_cents": line.net_cents, "source": line.source}
            for line in invoice.lines
        ],
    )


async def _delete_draft(session: AsyncSession, actor: Actor, draft: Invoice) -> None:
    before = _audit_view(draft)
    await session.delete(draft)
    await session.flush()
    await record(
        session,
        actor,
        operation="delete",
        entity_type="invoice",
        entity_id=str(draft.id),
        before=before,
        after=None,
        member_id=draft.member_id,
    )


async def discard_draft(session: AsyncSession, actor: Actor, invoice_id: int) -> None:
    """Throw a draft away; its items become billable again."""
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie discards drafts")
    invoice = await _locked_invoice(session, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ValidationFailed.single(
            "invoice", "not_a_draft", "an issued invoice is never deleted; credit it instead"
        )
    await _delete_draft(session, actor, invoice)


# Issuing


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
            "member",
            "identifier_missing",
            f"{member.name} has neither an OIN nor a KvK number to address an e-invoice to",
        )
    if account is None:
        raise ValidationFailed.single(
            "billingDetails",
            "billing_details_missing",
            f"{member.name} has no invoice address yet; record its invoice details first",
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


async def _referred_invoice(session: AsyncSession, invoice: Invoice) -> Invoice | None:
    """The invoice a credit note refers to (NLCIUS requires one): the one it corrects, or
    for a net credit from a run, the member's latest invoice before it."""
    if invoice.kind is not DocumentKind.CREDIT_NOTE:
        return None
    if invoice.corrects_invoice_id is not None:
        return await session.get(Invoice, invoice.corrects_invoice_id)
    return await repository.latest_invoice_before(session, invoice.member_id, invoice.issued_at)


def _party_json(party: Party) -> str:
    return json.dumps(party.__dict__, sort_keys=True, ensure_ascii=False)


async def _number(session: AsyncSession, invoice: Invoice, today: date, actor: Actor) -> None:
    invoice.year = today.year
    invoice.sequence = await repository.take_number(session, today.year)
    invoice.number = invoice_number(today.year, invoice.sequence)
    invoice.issue_date = today
    invoice.issued_at = utcnow()
    invoice.issued_by = actor.label


async def issue(
    session: AsyncSession,
    actor: Actor,
    invoice_id: int,
    today: date,
    settings: Settings,
    credit_choice: CreditChoice | None = None,
) -> Invoice:
    """Number a draft and fix it for good; carried credit is deducted from what is due.

    A draft that comes to a net credit is issued as a credit note; the directie then says
    whether the credit is carried to the next invoice or refunded.
    """
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie issues invoices")
    invoice = await _locked_invoice(session, invoice_id)
    if invoice.status is not InvoiceStatus.DRAFT:
        raise ValidationFailed.single("invoice", "already_issued", f"{invoice.number} is issued")
    member = await session.get(Member, invoice.member_id)
    assert member is not None
    await _check_not_billed_meanwhile(session, invoice)
    if invoice.kind is DocumentKind.CREDIT_NOTE and credit_choice is None:
        raise ValidationFailed.single(
            "creditChoice",
            "choice_required",
            "this draft is a net credit: carry it to the next invoice or refund it",
        )
    party, reference = await _customer(session, member)
    if (
        invoice.kind is DocumentKind.CREDIT_NOTE
        and await _referred_invoice(session, invoice) is None
    ):
        raise ValidationFailed.single(
            "invoice",
            "nothing_to_credit",
            f"{member.name} has no issued invoice this credit note can refer to",
        )
    invoice.customer = _party_json(party)
    invoice.buyer_reference = reference
    await _number(session, invoice, today, actor)
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
        await _settle_credit_remainder(session, actor, invoice, -invoice.due_cents, today)
    await _audit_invoice(session, actor, "issue", invoice)
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
            "billed_meanwhile",
            f"line {line.line_no} ({line.description}) was billed or changed after this draft "
            "was made; run invoicing again to rebuild the draft",
        )


async def _settle_credit_remainder(
    session: AsyncSession, actor: Actor, note: Invoice, remainder: int, today: date
) -> None:
    """Carry what the member is owed to its credit, or leave it open to be refunded."""
    if remainder <= 0 or note.credit_choice is not CreditChoice.CARRY:
        return
    session.add(MemberCredit(member_id=note.member_id, amount_cents=remainder, invoice_id=note.id))
    await _add_settlement(
        session, actor, note, SettlementKind.CARRIED, -remainder, today, f"credit:{note.number}"
    )


async def _add_settlement(
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
    settlements = await repository.settlements_of(session, [invoice.id])
    paid = sum(s.amount_cents for s in settlements if s.kind in MONEY_KINDS)
    invoice.settled_cents = sum(s.amount_cents for s in settlements)
    invoice.status = status_of(invoice.due_cents, paid, invoice.settled_cents - paid)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="invoice_settlement",
        entity_id=str(settlement.id),
        before=None,
        after=snapshot(settlement, invoice_number=invoice.number, status=invoice.status),
        member_id=invoice.member_id,
    )
    return settlement


# Credit notes


async def credit(
    session: AsyncSession,
    actor: Actor,
    invoice_id: int,
    today: date,
    settings: Settings,
    *,
    reason: str,
    credit_choice: CreditChoice,
    line_numbers: Sequence[int] | None = None,
) -> Invoice:
    """A credit note that reverses lines of an issued invoice (all of them by default).

    It first settles what is still open on that invoice; the rest the member is owed.
    The credited items become billable again, so a later run bills corrected amounts.
    """
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie issues credit notes")
    original = await _locked_invoice(session, invoice_id)
    errors = ErrorCollector()
    problem = why_not_creditable(original)
    if problem is not None:
        errors.errors.append(problem)
    if not reason.strip():
        errors.add("reason", "required", "say why the invoice is corrected")
    chosen = [
        line for line in original.lines if line_numbers is None or line.line_no in line_numbers
    ]
    unknown = sorted(set(line_numbers or ()) - {line.line_no for line in original.lines})
    if unknown:
        errors.add("lines", "unknown_line", f"the invoice has no line {unknown[0]}")
    elif not chosen:
        errors.add("lines", "required", "choose at least one line to credit")
    errors.raise_if_any()
    already = await repository.credited_line_keys(session, original.id)
    twice = [line.line_no for line in chosen if line.item_key in already]
    if twice:
        raise ValidationFailed.single(
            "lines", "already_credited", f"line {twice[0]} was credited before"
        )
    member = await session.get(Member, original.member_id)
    assert member is not None
    total = totals(line_vat_groups(chosen, sign=-1))
    note = Invoice(
        member_id=original.member_id,
        member_code=original.member_code,
        kind=DocumentKind.CREDIT_NOTE,
        status=InvoiceStatus.DRAFT,
        period_until=original.period_until,
        net_cents=total.net_cents,
        vat_cents=total.vat_cents,
        gross_cents=total.gross_cents,
        prepaid_cents=0,
        due_cents=total.gross_cents,
        settled_cents=0,
        corrects_invoice_id=original.id,
        credit_choice=credit_choice,
        reason=reason.strip(),
        customer=original.customer,
        buyer_reference=original.buyer_reference,
        created_by=actor.label,
        lines=[
            InvoiceLine(
                member_id=line.member_id,
                line_no=n,
                category=line.category,
                item_key=line.item_key,
                description=f"Correctie factuur {original.number} regel {line.line_no}: "
                f"{line.description}",
                source=f"invoice:{original.id}/line:{line.line_no}",
                billable_on=line.billable_on,
                net_cents=-line.net_cents,
                vat_code=line.vat_code,
                vat_rate=line.vat_rate,
                exemption_reason=line.exemption_reason,
            )
            for n, line in enumerate(chosen, start=1)
        ],
    )
    session.add(note)
    await session.flush()
    await _number(session, note, today, actor)
    note.due_date = today
    note.status = status_of(note.due_cents, 0, 0)
    await session.flush()
    split = split_credit(-note.gross_cents, outstanding(original.due_cents, original.settled_cents))
    if split.applied_cents:
        await _add_settlement(
            session,
            actor,
            original,
            SettlementKind.CREDIT_NOTE,
            split.applied_cents,
            today,
            f"credit_note:{note.number}",
        )
        await _add_settlement(
            session,
            actor,
            note,
            SettlementKind.CREDIT_NOTE,
            -split.applied_cents,
            today,
            f"applied_to:{original.number}",
        )
    await _settle_credit_remainder(session, actor, note, split.remainder_cents, today)
    await _audit_invoice(session, actor, "issue", note)
    return note


# Payments


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
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie records transfers")
    invoice = await _locked_invoice(session, invoice_id)
    errors = ErrorCollector()
    cents = errors.check(lambda: _amount(amount))
    reference = bank_reference.strip()
    if not reference:
        errors.add("bankReference", "required", "the bank's reference of the transfer")
    if paid_on > today:
        errors.add("paidOn", "in_future", "a transfer cannot be dated after today")
    if invoice.status is InvoiceStatus.DRAFT:
        errors.add("invoice", "not_issued", "a draft cannot be paid; issue it first")
    errors.raise_if_any()
    assert cents is not None
    refund = invoice.due_cents < 0
    open_cents = abs(outstanding(invoice.due_cents, invoice.settled_cents))
    problem = check_payment(cents, open_cents)
    if problem:
        raise ValidationFailed.single("amount", "invalid_amount", problem)
    if await repository.settlement_by_reference(session, _kind(refund), reference):
        raise ValidationFailed.single(
            "bankReference", "duplicate_reference", f"a transfer {reference!r} is recorded already"
        )
    return await _add_settlement(
        session, actor, invoice, _kind(refund), -cents if refund else cents, paid_on, reference
    )


def _kind(refund: bool) -> SettlementKind:
    return SettlementKind.REFUND if refund else SettlementKind.BANK_TRANSFER


def _amount(text: str) -> int:
    try:
        return to_cents(parse_euro(text))
    except ValueError as exc:
        raise ValidationFailed.single("amount", "invalid_amount", str(exc)) from None


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


def _overpaid(intent_id: str) -> str:
    return f"overbetaling {intent_id}"


async def _record_card_payment(
    session: AsyncSession, actor: Actor, invoice: Invoice, intent: IntentRef, on: date
) -> None:
    """Record money the gateway took; what exceeds the open amount (a bank transfer came in
    meanwhile) becomes the member's credit instead of disappearing."""
    open_cents = max(0, outstanding(invoice.due_cents, invoice.settled_cents))
    applied = min(intent.amount_cents, open_cents)
    if applied:
        await _add_settlement(
            session, actor, invoice, SettlementKind.STRIPE, applied, on, intent.id
        )
    excess = intent.amount_cents - applied
    if excess > 0:
        credit = MemberCredit(
            member_id=invoice.member_id,
            amount_cents=excess,
            invoice_id=invoice.id,
            reason=_overpaid(intent.id),
        )
        session.add(credit)
        await session.flush()
        await record(
            session,
            actor,
            operation="create",
            entity_type="member_credit",
            entity_id=str(credit.id),
            before=None,
            after=snapshot(credit),
            member_id=invoice.member_id,
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
        invoice = await _locked_invoice(session, invoice.id)
    outcome, failure = "ignored", None
    if invoice is not None and event.type == "payment_intent.succeeded":
        outcome = "payment_recorded"
        already = await repository.settlement_by_reference(
            session, SettlementKind.STRIPE, event.intent.id
        )
        if already is not None or await repository.credit_by_reason(
            session, _overpaid(event.intent.id)
        ):
            outcome = "already_recorded"
        else:
            await _record_card_payment(session, actor, invoice, event.intent, event.created.date())
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
    session.add(stored)
    await session.flush()
    await record(
        session,
        actor,
        operation="receive",
        entity_type="gateway_event",
        entity_id=event.id,
        before=None,
        after=snapshot(stored),
        member_id=invoice.member_id if invoice else None,
    )
    return stored


# Reading


async def invoices_of(
    session: AsyncSession,
    actor: Actor,
    member_code: str | None = None,
    statuses: Sequence[InvoiceStatus] | None = None,
) -> list[Invoice]:
    """Every invoice, or one member's; drafts are the directie's work and only it sees them."""
    member = await member_or_refuse(session, member_code, "memberCode") if member_code else None
    _require(
        actor,
        Permission.INVOICES_READ,
        member.id if member else None,
        "a member's invoices are its own",
    )
    if not allows(actor, Permission.BILLING_MANAGE):
        statuses = [s for s in statuses or InvoiceStatus if s is not InvoiceStatus.DRAFT]
    return await repository.invoices(
        session, member_ids=[member.id] if member else None, statuses=statuses
    )


async def readable_invoice(session: AsyncSession, actor: Actor, invoice_id: int) -> Invoice:
    invoice = await _invoice(session, invoice_id)
    _require(actor, Permission.INVOICES_READ, invoice.member_id, "a member's invoices are its own")
    if invoice.status is InvoiceStatus.DRAFT and not allows(actor, Permission.BILLING_MANAGE):
        raise NotFound(f"no invoice with id {invoice_id}")
    return invoice


def overdue(invoice: Invoice, today: date) -> bool:
    return is_overdue(invoice.status, invoice.due_date, today)


async def document_of(
    session: AsyncSession, invoice: Invoice, settings: Settings
) -> InvoiceDocument:
    """The invoice as rendered to PDF and UBL, from what was fixed when it was issued."""
    if invoice.number is None or invoice.issue_date is None or invoice.due_date is None:
        raise ValidationFailed.single("invoice", "not_issued", "a draft has no document yet")
    corrected = await _referred_invoice(session, invoice)
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
        note=invoice.reason,
    )


def _signed_line(line: DocumentLine, sign: int) -> DocumentLine:
    """Credit notes are stored negative (they reduce what a member owes) and shown positive."""
    return replace(line, net_cents=sign * line.net_cents)


def _signed_group(group: VatGroup, sign: int) -> VatGroup:
    return replace(
        group, taxable_cents=sign * group.taxable_cents, vat_cents=sign * group.vat_cents
    )


# Paying online


def why_not_payable(invoice: Invoice) -> FieldError | None:
    """Why an invoice cannot be paid online, or None: only an untouched open invoice can,
    because its PaymentIntent is for the whole amount due."""
    if invoice.kind is not DocumentKind.INVOICE or invoice.status not in OPEN:
        return FieldError("invoice", "not_payable", "nothing is open on this invoice")
    if invoice.settled_cents:
        return FieldError(
            "invoice",
            "partly_settled",
            "part of this invoice is settled already; pay the rest by bank transfer",
        )
    return None


def why_not_creditable(invoice: Invoice) -> FieldError | None:
    """Why an invoice cannot be credited, or None: only an issued invoice can."""
    if invoice.kind is not DocumentKind.INVOICE or invoice.status is InvoiceStatus.DRAFT:
        return FieldError("invoice", "not_creditable", "only an issued invoice can be credited")
    return None


async def _payable(
    session: AsyncSession, actor: Actor, gateway: PaymentGateway | None, invoice_id: int
) -> tuple[Invoice, PaymentGateway]:
    invoice = await _invoice(session, invoice_id)
    _require(actor, Permission.INVOICES_PAY, invoice.member_id, "the member's admins pay")
    if gateway is None:
        raise ValidationFailed.single(
            "payment", "payments_off", "online payment is switched off; pay by bank transfer"
        )
    problem = why_not_payable(invoice)
    if problem is not None:
        raise ValidationFailed([problem])
    return invoice, gateway


async def start_payment(
    session: AsyncSession, actor: Actor, gateway: PaymentGateway | None, invoice_id: int
) -> IntentRef:
    """The invoice's PaymentIntent for the payment page, created now if issuing could not."""
    invoice, gateway = await _payable(session, actor, gateway, invoice_id)
    if invoice.gateway_intent_id is None and not await request_payment(session, gateway, invoice):
        raise ValidationFailed.single(
            "payment", "gateway_unavailable", "the payment service cannot be reached; try later"
        )
    assert invoice.gateway_intent_id is not None
    try:
        return await gateway.retrieve_payment_intent(invoice.gateway_intent_id)
    except GatewayUnavailable:
        raise ValidationFailed.single(
            "payment", "gateway_unavailable", "the payment service cannot be reached; try later"
        ) from None


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
        raise ValidationFailed.single("card", "invalid_card", "no card was given")
    try:
        return await gateway.confirm_card(intent.id, card_id)
    except PaymentDeclined as declined:
        raise ValidationFailed.single("card", "card_declined", str(declined)) from None
    except GatewayUnavailable:
        raise ValidationFailed.single(
            "payment", "gateway_unavailable", "the payment service cannot be reached; try later"
        ) from None


# Reconciliation


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
    _require(actor, Permission.BILLING_MANAGE, None, "only the directie reconciles payments")
    intents = {intent.id: intent for intent in await gateway.list_payment_intents()}
    differences: list[Difference] = []
    known: set[str] = set()
    for invoice in await repository.payment_pending(session):
        differences.append(
            Difference(
                "intent_missing",
                invoice.number,
                None,
                f"no PaymentIntent for {invoice.due_cents} cents yet",
                fixable=True,
            )
        )
        if apply:
            await request_payment(session, gateway, invoice)
    for invoice in await repository.with_intent(session):
        assert invoice.gateway_intent_id is not None
        known.add(invoice.gateway_intent_id)
        intent = intents.get(invoice.gateway_intent_id)
        recorded = await repository.settlement_by_reference(
            session, SettlementKind.STRIPE, invoice.gateway_intent_id
        ) or await repository.credit_by_reason(session, _overpaid(invoice.gateway_intent_id))
        if intent is None:
            differences.append(
                Difference(
                    "intent_not_found",
                    invoice.number,
                    invoice.gateway_intent_id,
                    "the gateway does not know this PaymentIntent",
                )
            )
            continue
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
                await _record_card_payment(session, actor, invoice, intent, clock.today())
        elif intent.status != "succeeded" and recorded is not None:
            differences.append(
                Difference(
                    "payment_not_in_gateway",
                    invoice.number,
                    intent.id,
                    f"recorded as paid, but the gateway says {intent.status}",
                )
            )
    for intent in intents.values():
        if intent.id not in known:
            differences.append(
                Difference(
                    "unknown_intent",
                    intent.metadata.get("invoice_number"),
                    intent.id,
                    f"a PaymentIntent of {intent.amount_cents} cents no invoice refers to",
                )
            )
    return differences


async def transfer_member(
    session: AsyncSession, actor: Actor, old_id: int, new_id: int, effective: date
) -> None:
    """After a merger the successor keeps the absorbed member's carried credit.

    Issued invoices stay addressed to the member they were issued to: a document is never
    changed. The successor settles what is open on them.
    """
    await lock_members(session, [old_id, new_id])
    balance = await repository.credit_balance(session, old_id)
    if balance == 0:
        return
    reason = f"herindeling {effective.isoformat()}"
    moved = [
        MemberCredit(member_id=old_id, amount_cents=-balance, reason=reason),
        MemberCredit(member_id=new_id, amount_cents=balance, reason=reason),
    ]
    session.add_all(moved)
    await session.flush()
    for row in moved:
        await record(
            session,
            actor,
            operation="merge",
            entity_type="member_credit",
            entity_id=str(row.id),
            before=None,
            after=snapshot(row),
            member_id=row.member_id,
        )
