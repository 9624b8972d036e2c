"""Credit notes: reversing lines of an issued invoice, and carried credit after a merger.

Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing import repository
from registry.billing.delivery import deliver
from registry.billing.document import DocumentKind
from registry.billing.errors import BillingRefusal
from registry.billing.models import (
    CreditChoice,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    MemberCredit,
    SettlementKind,
)
from registry.billing.operations import (
    add_settlement,
    assign_number,
    audit_invoice,
    lock_members,
    locked_invoice,
    settle_credit_remainder,
)
from registry.billing.rules import line_vat_groups, outstanding, split_credit, status_of, totals
from registry.kit.errors import ErrorCollector, FieldError, ValidationFailed, field_error
from registry.settings import Settings
from registry.years.service import corrected_year, refuse_closed


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
    single_director: bool = False,
) -> Invoice:
    """A credit note that reverses lines of an issued invoice (all of them by default).

    It first settles what is still open on that invoice; the rest the member is owed.
    The credited items become billable again, so a later run bills corrected amounts.
    `single_director`: issued without four-eyes approval (registry/approvals/).
    """
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_ISSUES_CREDIT_NOTES)
    await refuse_closed(session, {"issueDate": today})
    original = await locked_invoice(session, invoice_id)
    chosen = _chosen_lines(original, reason, line_numbers)
    await _refuse_credited_twice(session, original, chosen)
    note = _credit_note(original, chosen, actor, credit_choice=credit_choice, reason=reason)
    note.corrects_year = await corrected_year(session, original.year)
    session.add(note)
    await session.flush()
    await assign_number(session, note, today, actor, single_director=single_director)
    note.due_date = today
    note.status = status_of(note.due_cents, 0, 0)
    await session.flush()
    await _settle(session, actor, original, note, today)
    await audit_invoice(session, actor, "issue", note)
    await deliver(session, actor, note, settings)
    return note


def why_not_creditable(invoice: Invoice) -> FieldError | None:
    """Why an invoice cannot be credited, or None: only an issued invoice can."""
    if invoice.kind is not DocumentKind.INVOICE or invoice.status is InvoiceStatus.DRAFT:
        return field_error("invoice", BillingRefusal.NOT_CREDITABLE)
    return None


def _chosen_lines(
    original: Invoice, reason: str, line_numbers: Sequence[int] | None
) -> list[InvoiceLine]:
    """The lines to credit, once the invoice, the reason and the line numbers are all valid."""
    errors = ErrorCollector()
    problem = why_not_creditable(original)
    if problem is not None:
        errors.errors.append(problem)
    if not reason.strip():
        errors.add("reason", BillingRefusal.CREDIT_REASON_REQUIRED)
    chosen = [
        line for line in original.lines if line_numbers is None or line.line_no in line_numbers
    ]
    unknown = sorted(set(line_numbers or ()) - {line.line_no for line in original.lines})
    if unknown:
        errors.add("lines", BillingRefusal.UNKNOWN_LINE, line=unknown[0])
    elif not chosen:
        errors.add("lines", BillingRefusal.NO_LINES_CHOSEN)
    errors.raise_if_any()
    return chosen


async def _refuse_credited_twice(
    session: AsyncSession, original: Invoice, chosen: Sequence[InvoiceLine]
) -> None:
    already = await repository.credited_line_keys(session, original.id)
    twice = [line.line_no for line in chosen if line.item_key in already]
    if twice:
        raise ValidationFailed.single("lines", BillingRefusal.ALREADY_CREDITED, line=twice[0])


def _credit_note(
    original: Invoice,
    chosen: Sequence[InvoiceLine],
    actor: Actor,
    *,
    credit_choice: CreditChoice,
    reason: str,
) -> Invoice:
    """The draft credit note: the chosen lines negated, their VAT regrouped."""
    total = totals(line_vat_groups(chosen, sign=-1))
    return Invoice(
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
        lines=[_reversed(original, line, n) for n, line in enumerate(chosen, start=1)],
    )


def _reversed(original: Invoice, line: InvoiceLine, line_no: int) -> InvoiceLine:
    return InvoiceLine(
        member_id=line.member_id,
        line_no=line_no,
        category=line.category,
        item_key=line.item_key,
        description=f"Correctie factuur {original.number} regel {line.line_no}: {line.description}",
        source=f"invoice:{original.id}/line:{line.line_no}",
        billable_on=line.billable_on,
        net_cents=-line.net_cents,
        vat_code=line.vat_code,
        vat_rate=line.vat_rate,
        exemption_reason=line.exemption_reason,
    )


async def _settle(
    session: AsyncSession, actor: Actor, original: Invoice, note: Invoice, today: date
) -> None:
    """Settle what is still open on the invoice with the note; carry or refund the rest."""
    split = split_credit(-note.gross_cents, outstanding(original.due_cents, original.settled_cents))
    if split.applied_cents:
        await add_settlement(
            session,
            actor,
            original,
            SettlementKind.CREDIT_NOTE,
            split.applied_cents,
            today,
            f"credit_note:{note.number}",
        )
        await add_settlement(
            session,
            actor,
            note,
            SettlementKind.CREDIT_NOTE,
            -split.applied_cents,
            today,
            f"applied_to:{original.number}",
        )
    await settle_credit_remainder(session, actor, note, split.remainder_cents, today)


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
        await record_row(session, actor, "merge", "member_credit", row, member_id=row.member_id)
