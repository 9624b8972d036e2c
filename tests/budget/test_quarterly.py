"""The quarterly report to the RvC: its figures against totals computed here from the
tables, and the same file again for the same audit event, whatever happened since."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.audit.repository import head
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice
from registry.billing.payments import record_transfer
from registry.budget.calendar import DeadlineKind, DeadlineState
from registry.budget.models import BudgetItem
from registry.budget.quarterly import quarterly_report
from registry.budget.reporting import export_quarterly, statutory_calendar
from registry.budget.service import adopt_budget, set_line, start_budget
from registry.catalogue.models import ApplicationStatus
from registry.contracts.service import ContractInput, create_contract, sign_contract
from registry.costs.models import AllocationRun
from registry.kit.errors import Forbidden, ValidationFailed
from registry.usage.adoptions import AdoptionInput, adopt
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.budget import prepare_quarter
from tests.helpers.cooperative import AUDITOR

__all__ = ["billed", "cooperative", "pool_members"]


async def test_the_figures_match_the_registry_s_own_totals(billed: AsyncSession) -> None:
    session = billed
    invoice = await prepare_quarter(session)
    report = await quarterly_report(session, 2023, 3, None, TODAY)
    seq, _ = await head(session)
    assert report.as_of_seq == seq

    income = {row.item: row for row in report.income}
    # 101 + 99 active users in May and June at € 0.55.
    assert income[BudgetItem.USAGE_FEES].actual_cents == (101 + 99) * 55
    assert income[BudgetItem.USAGE_FEES].budget_cents == 1_000_000
    assert income[BudgetItem.CONTRIBUTIONS].actual_cents == 0  # only 2020 has a fee run
    assert income[BudgetItem.CONTRIBUTIONS].budget_cents is None
    (pool,) = report.costs
    booked = await session.scalar(
        select(func.sum(AllocationRun.total_cents)).where(
            AllocationRun.booked_on >= date(2023, 1, 1),
            AllocationRun.booked_on <= date(2023, 12, 31),
        )
    )
    assert (pool.pool_code, pool.actual_cents, pool.budget_cents) == (
        "zaak-ontwikkeling",
        booked,
        3_000_000,
    )
    assert booked == 2_500_000

    invoiced = await session.scalar(
        select(func.sum(Invoice.gross_cents)).where(
            Invoice.year == 2023, Invoice.number.is_not(None)
        )
    )
    assert invoiced == invoice.gross_cents > 1000
    money = report.liquidity
    assert (money.invoiced_cents, money.paid_cents) == (invoiced, 1000)
    assert money.outstanding_cents == invoiced - 1000
    # Due 30 days after 1 July, so overdue at the end of September.
    assert invoice.due_date is not None
    assert invoice.due_date < date(2023, 9, 30)
    assert (money.overdue_cents, money.overdue_invoices) == (invoiced - 1000, 1)

    portfolio = {row.status: row for row in report.portfolio}
    assert (
        portfolio[ApplicationStatus.PRODUCTION].applications,
        portfolio[ApplicationStatus.PRODUCTION].adopters,
    ) == (1, 1)
    assert sum(row.applications for row in report.portfolio) == 1

    (contract,) = report.contracts
    days_left = (date(2024, 12, 31) - date(2023, 9, 30)).days
    expected = int(
        (Decimal(6_000_000) * days_left / 731).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    )
    assert (contract.reference, contract.still_to_come_cents) == ("C-2023-01", expected)
    assert [c.reference for c in report.notices_next_quarter] == ["C-2023-01"]
    assert report.budget_decision == "ALV-2022-11"


async def test_the_same_audit_event_gives_the_same_files(billed: AsyncSession) -> None:
    session = billed
    await prepare_quarter(session)
    seq, _ = await head(session)
    first = {
        fmt: await export_quarterly(session, AUDITOR, 2023, 3, seq, fmt, "nl", TODAY)
        for fmt in ("pdf", "xlsx")
    }
    assert first["pdf"].content.startswith(b"%PDF")
    # Much happens after the event: a payment, a second budget version, a new contract, an
    # adoption, another invoice.
    assert first["pdf"].report.as_of_seq == seq
    (woerden,) = list(await session.scalars(select(Invoice.id)))
    await record_transfer(session, ACTOR, woerden, "20", TODAY, "BANK-2", TODAY)
    await start_budget(session, ACTOR, 2023)
    await set_line(session, ACTOR, 2023, "usage_fees", "99999")
    await adopt_budget(session, ACTOR, 2023, "ALV-2023-09")
    await create_contract(
        session,
        ACTOR,
        ContractInput(
            "C-2023-02", "Advies BV", "Advies", "1000", date(2023, 1, 1), date(2025, 1, 1)
        ),
    )
    await sign_contract(session, ACTOR, "C-2023-02", date(2023, 8, 1), None, Decimal(50000))
    await adopt(
        session, ACTOR, AdoptionInput("eindhoven", "zaakafhandeling", date(2023, 6, 1)), TODAY
    )
    (draft,) = await run_invoices(session, ACTOR, TODAY, ["eindhoven"])
    await issue(session, ACTOR, draft.id, TODAY, SETTINGS)

    again = {
        fmt: await export_quarterly(session, AUDITOR, 2023, 3, seq, fmt, "nl", TODAY)
        for fmt in ("pdf", "xlsx")
    }
    assert again["pdf"].content == first["pdf"].content
    assert again["xlsx"].content == first["xlsx"].content
    assert again["pdf"].report == first["pdf"].report
    now = await quarterly_report(session, 2023, 3, None, TODAY)
    assert now != first["pdf"].report
    assert now.liquidity.paid_cents == first["pdf"].report.liquidity.paid_cents + 2000
    assert len(now.contracts) == 2

    book = load_workbook(io.BytesIO(first["xlsx"].content))
    assert book.sheetnames[:2] == ["Begroting en realisatie", "Liquiditeit"]
    exports = list(
        await session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.entity_type == "quarterly_report", AuditEvent.operation == "export"
            )
        )
    )
    assert exports == ["2023-Q3"] * 4


async def test_the_report_is_for_the_management_and_auditors_of_a_begun_quarter(
    billed: AsyncSession,
) -> None:
    session = billed
    with pytest.raises(ValidationFailed) as future:
        await quarterly_report(session, 2023, 4, None, TODAY)
    assert future.value.errors[0].code == "future_quarter"
    with pytest.raises(ValidationFailed):
        await quarterly_report(session, 2023, 5, None, TODAY)
    member = Actor(
        ActorKind.USER,
        "Woerden",
        3,
        grants=frozenset({Grant(Role.MEMBER_ADMIN, 1)}),
    )
    with pytest.raises(Forbidden):
        await export_quarterly(session, member, 2023, 3, None, "pdf", "nl", TODAY)
    with pytest.raises(ValidationFailed):
        await export_quarterly(session, AUDITOR, 2023, 3, None, "docx", "nl", TODAY)


async def test_an_export_after_the_quarter_counts_on_the_calendar(billed: AsyncSession) -> None:
    session = billed
    today = date.today()
    year = today.year
    quarter = (today.month - 1) // 3  # the last quarter that ended
    if quarter == 0:
        year, quarter = year - 1, 4
    before = await statutory_calendar(session, AUDITOR, year if quarter < 4 else year + 1, today, 6)
    wanted = next(
        d for d in before if d.kind is DeadlineKind.QUARTERLY_REPORT and d.quarter == quarter
    )
    assert wanted.done_on is None
    await export_quarterly(session, AUDITOR, year, quarter, None, "xlsx", "en", today)
    after = await statutory_calendar(session, AUDITOR, year if quarter < 4 else year + 1, today, 6)
    done = next(
        d for d in after if d.kind is DeadlineKind.QUARTERLY_REPORT and d.quarter == quarter
    )
    assert done.done_on == today
    assert done.state in (DeadlineState.DONE, DeadlineState.LATE)
