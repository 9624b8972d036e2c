"""Opening balances: imported once before the first run, validated per line, payable like an
invoice, a credit balance deducted from the next invoice."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.billing.models import Invoice, InvoiceStatus
from registry.billing.opening_balances import import_opening_balances
from registry.billing.payments import record_transfer
from registry.billing.repository import credit_balance
from registry.db import transaction
from registry.fees.service import run_fees
from registry.kit.errors import ValidationFailed
from registry.members import repository as members
from registry.reports.collect import member_reports
from registry.reports.service import prepare
from tests.helpers.cooperative import ACTOR

GOOD = (
    b"member;document;date;due_date;amount;description\n"
    b"woerden;VF-2022-0412;2022-11-15;2022-12-15;1.234,56;Contributie 2022, tweede termijn\n"
    b'gr-meierijstad-noord;VF-2022-0433;2022-12-01;2022-12-31;500;"Bijdrage; project"\n'
    b"woerden;CN-2022-0007;2022-12-20;2022-12-20;-75,00;Tegoed uit creditnota\n"
)


async def test_open_items_are_imported_once_and_payable(cooperative: AsyncSession) -> None:
    result = await import_opening_balances(cooperative, ACTOR, GOOD)
    assert (result.invoices, result.credits) == (2, 1)
    assert (result.receivable_cents, result.credit_cents) == (173456, 7500)
    invoice = await cooperative.scalar(select(Invoice).where(Invoice.number == "VF-2022-0412"))
    assert invoice is not None
    assert invoice.opening_balance
    assert invoice.status is InvoiceStatus.ISSUED
    assert (invoice.issue_date, invoice.due_date) == (date(2022, 11, 15), date(2022, 12, 15))
    assert (invoice.gross_cents, invoice.due_cents) == (123456, 123456)
    woerden = await members.member_by_code(cooperative, "woerden")
    assert woerden is not None
    assert await credit_balance(cooperative, woerden.id) == 7500

    # Paid by bank transfer like any invoice.
    await record_transfer(
        cooperative, ACTOR, invoice.id, "1234,56", date(2023, 1, 5), "BANK-1", date(2023, 1, 6)
    )
    await cooperative.refresh(invoice)
    assert invoice.status is InvoiceStatus.PAID

    issued = await cooperative.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "invoice", AuditEvent.operation == "issue")
    )
    credited = await cooperative.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "opening_balance")
    )
    assert (issued, credited) == (2, 1)

    with pytest.raises(ValidationFailed) as twice:
        await import_opening_balances(cooperative, ACTOR, GOOD)
    assert twice.value.errors[0].code == "opening_balances_imported"


async def test_after_the_first_run_no_opening_balances(cooperative: AsyncSession) -> None:
    await run_fees(cooperative, ACTOR, 2020)
    with pytest.raises(ValidationFailed) as late:
        await import_opening_balances(cooperative, ACTOR, GOOD)
    assert late.value.errors[0].code == "opening_balances_too_late"


async def test_every_bad_line_is_named_with_its_field(cooperative: AsyncSession) -> None:
    bad = (
        b"member,document,date,due_date,amount,description\n"
        b"woerden,VF-1,2022-13-01,2022-12-01,10,x\n"
        b"woerden,VF-2,2022-12-01,2022-11-01,abc,x\n"
        b"woerden,VF-2,2022-12-01,2022-12-01,0,\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        await import_opening_balances(cooperative, ACTOR, bad)
    found = {(e.field, e.code) for e in refused.value.errors}
    assert found == {
        ("lines[2].date", "invalid_date"),
        ("lines[3].dueDate", "due_before_date"),
        ("lines[3].amount", "invalid_amount"),
        ("lines[4].amount", "zero_amount"),
        ("lines[4].description", "required"),
        ("lines[4].document", "duplicate_document"),
    }
    texts = [e.text("nl") for e in refused.value.errors]
    assert any(t.startswith("Regel 2:") for t in texts)
    unknown = (
        b"member,document,date,due_date,amount,description\n"
        b"atlantis,X-1,2022-01-01,2022-02-01,5,x\n"
    )
    with pytest.raises(ValidationFailed) as nobody:
        await import_opening_balances(cooperative, ACTOR, unknown)
    assert [(e.field, e.code) for e in nobody.value.errors] == [
        ("lines[2].member", "unknown_member")
    ]
    assert await cooperative.scalar(select(func.count()).select_from(Invoice)) == 0


async def test_a_header_without_the_columns_is_refused(cooperative: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await import_opening_balances(cooperative, ACTOR, b"lid;bedrag\nwoerden;5\n")
    assert refused.value.errors[0].code == "columns_missing"


async def test_opening_invoices_appear_in_the_contribution_report_of_their_year(
    cooperative: AsyncSession,
) -> None:
    content = (
        b"member,document,date,due_date,amount,description\n"
        b"woerden,VF-2020-0099,2020-01-15,2020-02-15,250,Beginbalans\n"
    )
    await import_opening_balances(cooperative, ACTOR, content)
    prepared = await prepare(cooperative, ACTOR, 2020, "woerden")
    (member,) = [
        m async for m in member_reports(cooperative, prepared.header.scope, prepared.later)
    ]
    assert member.account.documents == 1
    assert (member.account.invoiced_cents, member.account.outstanding_cents) == (25000, 25000)
    # prepaid + paid + credited + outstanding = invoiced still holds with them.
    assert "payments" not in {f.code for f in prepared.findings}


async def test_two_imports_at_the_same_moment_store_the_balances_once(
    cooperative: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """A double submit of the import page, or two directors at once: two real connections;
    one import stores the file, the other is refused as already imported."""
    await cooperative.commit()
    start = asyncio.Event()

    async def run() -> str:
        await start.wait()
        try:
            async with transaction(session_factory) as session:
                await import_opening_balances(session, ACTOR, GOOD)
                await asyncio.sleep(0.05)  # hold the transaction open while the other runs
        except ValidationFailed as refused:
            return refused.errors[0].phrase.refusal.name
        return "stored"

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    outcomes = sorted(await asyncio.gather(*tasks))
    assert outcomes == ["ALREADY_IMPORTED", "stored"]
    async with session_factory() as session:
        opening = await session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.opening_balance.is_(True))
        )
        assert opening == 2
        woerden = await members.member_by_code(session, "woerden")
        assert woerden is not None
        assert await credit_balance(session, woerden.id) == 7500, "one credit of 75.00"
