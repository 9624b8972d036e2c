"""Invoice runs, issuing, numbering, credit notes and payments, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.credit_notes import credit
from registry.billing.document import DocumentKind, VatCode
from registry.billing.gateway import GatewayEvent, IntentRef
from registry.billing.invoicing import (
    BillingDetailsInput,
    discard_draft,
    issue,
    preview_invoice_run,
    run_invoices,
    set_billing_details,
    set_vat_rule,
)
from registry.billing.items import billable_items
from registry.billing.models import (
    CreditChoice,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    MemberCredit,
)
from registry.billing.payments import process_event, record_transfer
from registry.billing.reading import document_of, overdue
from registry.billing.repository import credit_balance
from registry.costs.pools import add_participant
from registry.costs.runs import run_settlement
from registry.fees.service import run_fees
from registry.kit.errors import ValidationFailed
from registry.members.figures import import_population
from registry.members.merger import MergerInput
from registry.members.models import Member
from registry.members.population import parse_cbs_csv
from registry.mergers import merge
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]


async def _issue_all(session: AsyncSession, day: date = TODAY, **kwargs: object) -> list[Invoice]:
    drafts = await run_invoices(session, ACTOR, day)
    return [await issue(session, ACTOR, d.id, day, SETTINGS, **kwargs) for d in drafts]  # type: ignore[arg-type]


async def _line_total(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.sum(InvoiceLine.net_cents), 0))))


async def test_a_run_bills_every_item_once(billed: AsyncSession) -> None:
    session = billed
    previews = {p.member.code: p for p in await preview_invoice_run(session, ACTOR, TODAY)}
    assert sorted(previews) == ["eindhoven", "gr-meierijstad-noord", "woerden"]
    woerden = previews["woerden"]
    assert [(line.item.category, line.net_cents) for line in woerden.lines] == [
        (LineCategory.CONTRIBUTION, 1_830_465),
        (LineCategory.ALLOCATION, 377_118),
        (LineCategory.USAGE_FEE, 5_555),  # May 2023: 101 × 0.55
        (LineCategory.USAGE_FEE, 5_445),  # June 2023: 99 × 0.55
    ]
    # VAT only on the usage fees: 110.00 × 21 % = 23.10, computed once for the group.
    assert (woerden.net_cents, woerden.vat_cents, woerden.gross_cents) == (
        2_218_583,
        2_310,
        2_220_893,
    )
    assert previews["gr-meierijstad-noord"].gross_cents == 2_100_315 + 432_713
    assert previews["eindhoven"].gross_cents == 8_203_790 + 1_690_169
    assert await session.scalar(select(func.count()).select_from(Invoice)) == 0  # a preview

    first = await run_invoices(session, ACTOR, TODAY)
    again = await run_invoices(session, ACTOR, TODAY)  # drafts are rebuilt, not doubled
    assert [d.gross_cents for d in again] == [d.gross_cents for d in first]
    assert await session.scalar(select(func.count()).select_from(Invoice)) == 3

    issued = [await issue(session, ACTOR, d.id, TODAY, SETTINGS) for d in again]
    assert [i.number for i in issued] == ["2023-000001", "2023-000002", "2023-000003"]
    assert {i.status for i in issued} == {InvoiceStatus.ISSUED}
    assert all(i.due_date == TODAY + timedelta(days=30) for i in issued)
    assert await run_invoices(session, ACTOR, TODAY) == []  # nothing left to bill

    # Nothing skipped, nothing twice: every billable item is on exactly one line.
    ids = [i.member_id for i in issued]
    items = await billable_items(session, ids, TODAY)
    assert sum(i.amount_cents for i in items) == await _line_total(session)
    keys = list(await session.scalars(select(InvoiceLine.item_key)))
    assert len(keys) == len(set(keys)) == len(items)


async def test_a_later_month_and_a_corrected_figure_bill_only_the_difference(
    billed: AsyncSession,
) -> None:
    session = billed
    await _issue_all(session)
    corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52309\n")
    await import_population(session, ACTOR, corrected)
    await run_fees(session, ACTOR, 2020)
    (draft,) = await run_invoices(session, ACTOR, TODAY)
    assert draft.member_code == "woerden"
    (line,) = draft.lines
    assert line.category is LineCategory.CONTRIBUTION
    assert line.net_cents == 350  # 10 more inhabitants × 0.35
    assert "52.309 inwoners" in line.description


async def test_a_late_joiner_settlement_credits_earlier_participants(
    billed: AsyncSession,
) -> None:
    session = billed
    await _issue_all(session)
    await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1))
    await run_settlement(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 7, 15))
    later = date(2023, 7, 31)
    previews = {p.member.code: p for p in await preview_invoice_run(session, ACTOR, later)}
    assert previews["tilburg"].gross_cents == 969_958
    assert previews["woerden"].gross_cents == -146_316
    assert previews["woerden"].kind is DocumentKind.CREDIT_NOTE
    drafts = {d.member_code: d for d in await run_invoices(session, ACTOR, later)}
    with pytest.raises(ValidationFailed) as refused:
        await issue(session, ACTOR, drafts["woerden"].id, later, SETTINGS)
    assert refused.value.errors[0].code == "choice_required"
    note = await issue(
        session, ACTOR, drafts["woerden"].id, later, SETTINGS, credit_choice=CreditChoice.CARRY
    )
    assert note.kind is DocumentKind.CREDIT_NOTE
    assert note.status is InvoiceStatus.CREDITED  # carried in full to Woerden's credit
    credit_balance = await session.scalar(
        select(func.sum(MemberCredit.amount_cents)).where(MemberCredit.member_id == note.member_id)
    )
    assert credit_balance == 146_316

    # The carried credit is deducted from Woerden's next invoice.
    await record_usage_july(session)
    (next_draft,) = await run_invoices(session, ACTOR, date(2023, 8, 31), ["woerden"])
    invoice = await issue(session, ACTOR, next_draft.id, date(2023, 9, 1), SETTINGS)
    assert invoice.prepaid_cents == min(invoice.gross_cents, 146_316)
    assert invoice.due_cents == invoice.gross_cents - invoice.prepaid_cents


async def record_usage_july(session: AsyncSession) -> None:
    from decimal import Decimal

    from registry.usage.records import UsageInput, record_usage

    await record_usage(
        session,
        ACTOR,
        [UsageInput("woerden", "zaakafhandeling", "2023-07", "active_users", Decimal(100))],
    )


async def test_numbers_run_per_year_without_gaps(billed: AsyncSession) -> None:
    session = billed
    drafts = await run_invoices(session, ACTOR, TODAY)
    await discard_draft(session, ACTOR, drafts[0].id)  # a discarded draft takes no number
    issued = [await issue(session, ACTOR, d.id, TODAY, SETTINGS) for d in drafts[1:]]
    assert [i.number for i in issued] == ["2023-000001", "2023-000002"]
    (redo,) = await run_invoices(session, ACTOR, TODAY)
    next_year = await issue(session, ACTOR, redo.id, date(2024, 1, 2), SETTINGS)
    assert next_year.number == "2024-000001"
    with pytest.raises(ValidationFailed) as refused:
        await issue(session, ACTOR, redo.id, date(2024, 1, 2), SETTINGS)
    assert refused.value.errors[0].code == "already_issued"
    with pytest.raises(ValidationFailed) as refused:
        await discard_draft(session, ACTOR, redo.id)
    assert refused.value.errors[0].code == "not_a_draft"


async def test_payments_by_transfer_and_overdue(billed: AsyncSession) -> None:
    session = billed
    invoice = next(i for i in await _issue_all(session) if i.member_code == "woerden")
    assert not overdue(invoice, TODAY + timedelta(days=30))
    assert overdue(invoice, TODAY + timedelta(days=31))
    part = await record_transfer(
        session, ACTOR, invoice.id, "20000,00", date(2023, 7, 10), "NL-BANK-1", TODAY + timedelta(9)
    )
    assert part.amount_cents == 2_000_000
    assert invoice.status is InvoiceStatus.PARTIALLY_PAID
    cases = [
        ("9999999", date(2023, 7, 11), "NL-BANK-2", "amount", "invalid_amount", "Het bedrag is"),
        ("-5", date(2023, 7, 11), "NL-BANK-2", "amount", "invalid_amount", "Het bedrag moet"),
        ("1.001", date(2023, 7, 11), "NL-BANK-2", "amount", "invalid_amount", "Ongeldig bedrag"),
        ("10", date(2023, 7, 11), "NL-BANK-1", "bankReference", "duplicate_reference", "Een"),
        ("10", date(2030, 1, 1), "NL-BANK-3", "paidOn", "in_future", "Een overboeking"),
        ("10", date(2023, 7, 11), " ", "bankReference", "required", "Vul het kenmerk"),
    ]
    for amount, paid_on, reference, field, code, dutch in cases:
        with pytest.raises(ValidationFailed) as refused:
            await record_transfer(
                session, ACTOR, invoice.id, amount, paid_on, reference, TODAY + timedelta(20)
            )
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code)
        assert refused.value.errors[0].text("nl").startswith(dutch)
    rest = invoice.due_cents - 2_000_000
    await record_transfer(
        session,
        ACTOR,
        invoice.id,
        f"{rest / 100:.2f}",
        date(2023, 7, 20),
        "NL-BANK-2",
        TODAY + timedelta(20),
    )
    assert invoice.status is InvoiceStatus.PAID
    assert not overdue(invoice, TODAY + timedelta(days=60))


async def test_a_credit_note_corrects_an_issued_invoice(billed: AsyncSession) -> None:
    session = billed
    invoice = next(i for i in await _issue_all(session) if i.member_code == "woerden")
    await record_transfer(session, ACTOR, invoice.id, "1000", TODAY, "NL-BANK-9", TODAY)
    usage_lines = [
        line.line_no for line in invoice.lines if line.category is LineCategory.USAGE_FEE
    ]
    note = await credit(
        session,
        ACTOR,
        invoice.id,
        TODAY,
        SETTINGS,
        reason="Gebruik juni dubbel geteld",
        credit_choice=CreditChoice.REFUND,
        line_numbers=usage_lines,
    )
    assert note.kind is DocumentKind.CREDIT_NOTE
    assert note.corrects_invoice_id == invoice.id
    assert note.gross_cents == -(11_000 + 2_310)
    # The whole credit settles what was still open on the invoice; nothing to refund.
    assert note.status is InvoiceStatus.CREDITED
    assert invoice.settled_cents == 100_000 + 13_310
    with pytest.raises(ValidationFailed) as refused:
        await credit(
            session,
            ACTOR,
            invoice.id,
            TODAY,
            SETTINGS,
            reason="again",
            credit_choice=CreditChoice.REFUND,
            line_numbers=usage_lines,
        )
    assert refused.value.errors[0].code == "already_credited"
    # The credited usage is billable again: a run bills it anew.
    (redo,) = await run_invoices(session, ACTOR, TODAY, ["woerden"])
    assert sorted(line.net_cents for line in redo.lines) == [5_445, 5_555]
    document = await document_of(session, note, SETTINGS)
    assert document.corrects_number == invoice.number
    assert document.gross_total_cents == 13_310


async def test_a_credit_of_a_paid_invoice_is_refunded(billed: AsyncSession) -> None:
    session = billed
    invoice = next(i for i in await _issue_all(session) if i.member_code == "gr-meierijstad-noord")
    await record_transfer(
        session, ACTOR, invoice.id, f"{invoice.due_cents / 100:.2f}", TODAY, "NL-BANK-7", TODAY
    )
    note = await credit(
        session,
        ACTOR,
        invoice.id,
        TODAY,
        SETTINGS,
        reason="Dubbel",
        credit_choice=CreditChoice.REFUND,
    )
    assert note.status is InvoiceStatus.ISSUED  # the refund is still to be paid out
    await record_transfer(
        session, ACTOR, note.id, f"{-note.due_cents / 100:.2f}", TODAY, "NL-REFUND-1", TODAY
    )
    assert note.status is InvoiceStatus.PAID


async def test_refusals_name_the_field_and_rule(billed: AsyncSession) -> None:
    session = billed
    cases = [
        (BillingDetailsInput("", "3447GR", "Woerden"), "street", "required"),
        (BillingDetailsInput("Markt 1", "ABCD", "Woerden"), "postalCode", "invalid_postal_code"),
        (BillingDetailsInput("Markt 1", "3447 GR", "Woerden", "no-mail"), "email", "invalid_email"),
    ]
    for data, field, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            await set_billing_details(session, ACTOR, "woerden", data)
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code)
    for vat_code, rate, reason, field, code in [
        (VatCode.STANDARD, "0", None, "rate", "rate_required"),
        (VatCode.EXEMPT, "21", "x", "rate", "rate_not_zero"),
        (VatCode.EXEMPT, "0", None, "exemptionReason", "required"),
        (VatCode.STANDARD, "abc", None, "rate", "invalid_rate"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            await set_vat_rule(session, ACTOR, LineCategory.USAGE_FEE, vat_code, rate, reason)
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code)


async def test_a_member_without_invoice_details_cannot_be_invoiced(
    pool_members: AsyncSession,
) -> None:
    from tests.helpers.billing import EXEMPT

    session = pool_members
    await run_fees(session, ACTOR, 2020)
    with pytest.raises(ValidationFailed) as refused:
        await run_invoices(session, ACTOR, TODAY)
    assert refused.value.errors[0].code == "vat_rule_missing"
    await set_vat_rule(session, ACTOR, LineCategory.CONTRIBUTION, VatCode.EXEMPT, "0", EXEMPT)
    drafts = await run_invoices(session, ACTOR, TODAY)
    with pytest.raises(ValidationFailed) as refused:
        await issue(session, ACTOR, drafts[0].id, TODAY, SETTINGS)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "member",
        "identifier_missing",
    )
    await session.execute(
        update(Member).where(Member.id == drafts[0].member_id).values(kvk="17272738")
    )
    with pytest.raises(ValidationFailed) as refused:
        await issue(session, ACTOR, drafts[0].id, TODAY, SETTINGS)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (
        "billingDetails",
        "billing_details_missing",
    )
    assert drafts[0].status is InvoiceStatus.DRAFT


def _event(event_id: str, kind: str, intent: str, amount: int) -> GatewayEvent:
    return GatewayEvent(
        id=event_id,
        type=kind,
        created=datetime(2023, 7, 5, 10, tzinfo=UTC),
        intent=IntentRef(intent, "succeeded", amount, "eur", None, {}),
        failure_message="Your card was declined." if "failed" in kind else None,
    )


async def test_webhook_events_apply_exactly_once(billed: AsyncSession) -> None:
    session = billed
    invoice = next(i for i in await _issue_all(session) if i.member_code == "woerden")
    invoice.gateway_intent_id = "pi_test_1"
    invoice.payment_pending = False
    await session.flush()
    failed = await process_event(
        session, ACTOR, _event("evt_1", "payment_intent.payment_failed", "pi_test_1", 0)
    )
    assert (failed.outcome, failed.failure_message) == ("payment_failed", "Your card was declined.")
    assert invoice.status is InvoiceStatus.ISSUED
    succeeded = _event("evt_2", "payment_intent.succeeded", "pi_test_1", invoice.due_cents)
    for _ in range(3):
        stored = await process_event(session, ACTOR, succeeded)
        assert stored.outcome == "payment_recorded"
    assert invoice.status is InvoiceStatus.PAID
    assert invoice.settled_cents == invoice.due_cents
    # A second event about the same PaymentIntent records nothing more.
    duplicate = await process_event(
        session, ACTOR, _event("evt_3", "payment_intent.succeeded", "pi_test_1", invoice.due_cents)
    )
    assert duplicate.outcome == "already_recorded"
    unknown = await process_event(
        session, ACTOR, _event("evt_4", "payment_intent.succeeded", "pi_other", 100)
    )
    assert unknown.outcome == "unknown_intent"
    assert invoice.settled_cents == invoice.due_cents


async def test_a_merger_moves_carried_credit_to_the_successor(billed: AsyncSession) -> None:
    session = billed
    await _issue_all(session)
    await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1))
    await run_settlement(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 7, 15))
    later = date(2023, 7, 31)
    drafts = {d.member_code: d for d in await run_invoices(session, ACTOR, later)}
    await issue(
        session, ACTOR, drafts["woerden"].id, later, SETTINGS, credit_choice=CreditChoice.CARRY
    )
    outcome = await merge(
        session,
        ACTOR,
        MergerInput(date(2024, 1, 1), "GM1999", "Woerden-Groot", ["GM0632"], "woerden-groot"),
    )
    assert outcome.successor_member is not None
    (old,) = outcome.absorbed
    assert await credit_balance(session, old.id) == 0
    assert await credit_balance(session, outcome.successor_member.id) == 146_316


async def test_a_card_payment_after_a_transfer_leaves_the_excess_as_credit(
    billed: AsyncSession,
) -> None:
    session = billed
    invoice = next(i for i in await _issue_all(session) if i.member_code == "woerden")
    invoice.gateway_intent_id = "pi_test_9"
    invoice.payment_pending = False
    await session.flush()
    await record_transfer(session, ACTOR, invoice.id, "500", TODAY, "NL-BANK-5", TODAY)
    succeeded = _event("evt_9", "payment_intent.succeeded", "pi_test_9", invoice.due_cents)
    assert (await process_event(session, ACTOR, succeeded)).outcome == "payment_recorded"
    assert invoice.status is InvoiceStatus.PAID
    assert await credit_balance(session, invoice.member_id) == 50_000
    again = _event("evt_10", "payment_intent.succeeded", "pi_test_9", invoice.due_cents)
    assert (await process_event(session, ACTOR, again)).outcome == "already_recorded"
    assert await credit_balance(session, invoice.member_id) == 50_000


async def test_a_run_bills_up_to_the_end_of_the_current_year_at_the_latest(
    billed: AsyncSession,
) -> None:
    today = date(2026, 11, 23)
    for run in (preview_invoice_run, run_invoices):
        with pytest.raises(ValidationFailed) as refused:
            await run(billed, ACTOR, date(2027, 1, 1), today=today)
        (error,) = refused.value.errors
        assert (error.field, error.code) == ("until", "until_too_late")
        assert (
            error.text("nl")
            == "Factureer tot en met uiterlijk 31 december 2026, het einde van dit jaar."
        )
        assert (
            error.text("en") == "invoice up to 31 December 2026 at the latest, the end of this year"
        )
    assert await preview_invoice_run(billed, ACTOR, date(2026, 12, 31), today=today)
