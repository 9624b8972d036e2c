"""A small report of three members, and a report writer driven with it, for the format tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from registry.reports.formats import ReportWriter
from registry.reports.model import (
    Account,
    Charge,
    Contribution,
    MemberReport,
    PoolShare,
    ReportHeader,
    ReportScope,
    SettlementShare,
    Totals,
    UsageFee,
    member_findings,
    reconcile,
)

SCOPE = ReportScope(2026, None, 418, "9f" * 32)


def _account(invoiced: int, outstanding: int) -> Account:
    return Account(
        documents=2,
        invoiced_cents=invoiced,
        prepaid_cents=10_000,
        paid_stripe_cents=invoiced - outstanding - 10_000 - 5_000 - 1,
        paid_bank_cents=5_000,
        refunded_cents=1,
        credited_cents=0,
        credit_carried_cents=250,
        outstanding_cents=outstanding,
    )


def sample_members() -> list[MemberReport]:
    """Three members: two with every part of the report, one with only an account."""
    ams = MemberReport(
        code="ams",
        name="Gemeente Amsterdam",
        contribution=Contribution(
            fee_run_id=7,
            inhabitants=931_298,
            reference_date=date(2025, 1, 1),
            population_basis="january_first",
            figures_source="CBS StatLine 03759ned",
            rate=Decimal("0.412345"),
            decision_reference="ALV 2025-11 besluit 4",
            days_billable=365,
            days_in_year=365,
            amount_cents=38_401_646,
        ),
        charges=(Charge("entry_fee", 250_005, "toetreding 1 maart 2026"),),
        pools=(
            PoolShare(
                pool_code="HOST",
                pool_name="Hosting & beheer",
                application="zaken",
                key="inhabitants",
                pool_total_cents=1_000_000,
                share_cents=600_001,
                run_ids=(11, 12),
                settlements=(SettlementShare(12, date(2026, 6, 30), 1_234),),
            ),
        ),
        usage=(UsageFee("zaken", "cases_handled", Decimal("1520.5"), 76_025),),
        account=_account(39_327_677, 0),
        billable_cents=39_327_677,
        billed_cents=39_327_677,
    )
    utr = MemberReport(
        code="utr",
        name="Gemeente Utrecht",
        contribution=Contribution(
            fee_run_id=7,
            inhabitants=374_238,
            reference_date=date(2025, 1, 1),
            population_basis="january_first",
            figures_source="CBS StatLine 03759ned",
            rate=Decimal("0.412345"),
            decision_reference="ALV 2025-11 besluit 4",
            days_billable=200,
            days_in_year=365,
            amount_cents=8_455_505,
        ),
        charges=(Charge("exit_charge", 99_999, "uittreding 19 juli 2026"),),
        pools=(
            PoolShare(
                pool_code="HOST",
                pool_name="Hosting & beheer",
                application="zaken",
                key="inhabitants",
                pool_total_cents=1_000_000,
                share_cents=399_999,
                run_ids=(11, 12),
                settlements=(SettlementShare(12, date(2026, 6, 30), -1_234),),
            ),
        ),
        usage=(UsageFee("zaken", "cases_handled", Decimal("3"), 150),),
        account=_account(8_955_653, 5),
        billable_cents=8_955_653,
        billed_cents=8_955_600,
    )
    wdn = MemberReport(
        code="wdn",
        name="Gemeente Woerden — ‘t Gilde",
        contribution=None,
        charges=(),
        pools=(),
        usage=(),
        account=Account(0, 0, 0, 0, 0, 0, 0, 0, 0),
        billable_cents=0,
        billed_cents=0,
    )
    return [ams, utr, wdn]


def write_sample_report(make: Callable[[Path, str], ReportWriter], directory: Path) -> list[Path]:
    """Drive a writer as the report command does: header, members in order, totals."""
    directory.mkdir()
    reports = sample_members()
    writer = make(directory, "contributie-2026")
    writer.begin(ReportHeader(SCOPE, "ab" * 32, len(reports), "Contributierapport 2026"))
    totals = Totals()
    findings = []
    for report in reports:
        totals.add(report)
        findings += member_findings(report)
        writer.member(report)
    return writer.end(totals, reconcile(totals, SCOPE) + findings)
