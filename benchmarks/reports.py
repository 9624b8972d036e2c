"""Contribution reports over 100 and 400 members with 10 years of history: time and memory.

The history is written straight into the tables (members, fee runs, allocation runs over
five pools, monthly usage, issued invoices with their lines and payments), then the report
of every year is prepared and written in all four formats. Peak memory is measured with
tracemalloc around the report only; it must not grow with the number of members much.
Run with `make bench`; figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import backends, fresh_database
from registry.auth.roles import system_actor
from registry.billing.document import DocumentKind, VatCode
from registry.billing.items import contribution_key
from registry.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    Settlement,
    SettlementKind,
)
from registry.catalogue.models import Application, ApplicationStatus
from registry.costs.models import (
    AllocationLine,
    AllocationRun,
    CostCategory,
    CostEntry,
    CostPool,
    PoolKind,
    RunKind,
)
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.db import create_session_factory, transaction
from registry.fees.models import ContributionRate, FeeLine, FeeRun, PopulationPolicy, ProRata
from registry.members.models import (
    ApprovalOutcome,
    Decision,
    DecisionBody,
    Member,
    Membership,
    MemberType,
)
from registry.reports.export import FORMATS, writers_for
from registry.reports.service import file_stem, prepare, write
from registry.usage.models import Metric, UsageRecord, UsageTariff

YEARS = range(2016, 2026)
POOLS = 5
ACTOR = system_actor("benchmark")


async def _populate(engine: AsyncEngine, members: int) -> None:
    factory = create_session_factory(engine)
    async with transaction(factory) as session:
        decision = Decision(
            body=DecisionBody.ALV, decided_on=date(2015, 12, 1), reference="ALV-B", subject="b"
        )
        app = Application(
            slug="bench", name="Bench", status=ApplicationStatus.PRODUCTION, licence="EUPL-1.2"
        )
        session.add_all([decision, app])
        await session.flush()
        session.add(
            UsageTariff(
                application_id=app.id,
                metric=Metric.CASES_HANDLED,
                price=Decimal("0.12"),
                valid_from=date(2016, 1, 1),
                decision_id=decision.id,
            )
        )
        people = []
        for i in range(members):
            member = Member(code=f"m{i:04d}", name=f"Lid {i}", type=MemberType.GEMEENTE)
            session.add(member)
            people.append(member)
        await session.flush()
        memberships = []
        for member in people:
            membership = Membership(
                member_id=member.id,
                applied_on=date(2015, 10, 1),
                approval_outcome=ApprovalOutcome.APPROVED,
                start_date=date(2016, 1, 1),
                agreement_reference="bench",
            )
            session.add(membership)
            memberships.append(membership)
        pools = [
            CostPool(
                code=f"pool-{p}",
                name=f"Pool {p}",
                kind=PoolKind.DEVELOPMENT,
                application_id=app.id,
                key=AllocationKey.EQUAL,
                late_joiner_policy=LateJoinerPolicy.FULL_COST,
            )
            for p in range(POOLS)
        ]
        session.add_all(pools)
        await session.flush()
        sequence = 0
        for year in YEARS:
            inhabitants = [10_000 + 37 * i for i in range(members)]
            rate = ContributionRate(
                year=year,
                rate=Decimal("0.35"),
                decision_id=decision.id,
                pro_rata=ProRata.BY_DAYS,
                population_policy=PopulationPolicy.JANUARY_FIRST,
            )
            session.add(rate)
            run = FeeRun(
                year=year,
                sequence=1,
                inputs_sha256="0" * 64,
                total_cents=0,
                created_by="benchmark",
            )
            session.add(run)
            await session.flush()
            session.add_all(
                FeeLine(
                    run_id=run.id,
                    member_id=m.id,
                    member_code=m.code,
                    membership_id=ms.id,
                    rate_id=rate.id,
                    rate=Decimal("0.35"),
                    decision_reference="ALV-B",
                    inhabitants=inhabitants[i],
                    reference_date=date(year, 1, 1),
                    population_basis=PopulationPolicy.JANUARY_FIRST,
                    figures='[{"source": "CBS"}]',
                    pro_rata=ProRata.BY_DAYS,
                    billable_from=date(year, 1, 1),
                    billable_to=date(year, 12, 31),
                    days_billable=365,
                    days_in_year=365,
                    amount_cents=inhabitants[i] * 35,
                )
                for i, (m, ms) in enumerate(zip(people, memberships, strict=True))
            )
            for pool in pools:
                alloc = AllocationRun(
                    pool_id=pool.id,
                    sequence=year,
                    kind=RunKind.ALLOCATION,
                    booked_on=date(year, 6, 30),
                    inputs="{}",
                    inputs_sha256="0" * 64,
                    total_cents=1_000 * members,
                    created_by="benchmark",
                )
                entry = CostEntry(
                    pool_id=pool.id,
                    amount_cents=1_000 * members,
                    entry_date=date(year, 3, 1),
                    category=CostCategory.DEVELOPMENT,
                    description="build",
                    entered_by="benchmark",
                )
                session.add_all([alloc, entry])
                await session.flush()
                session.add_all(
                    AllocationLine(
                        run_id=alloc.id,
                        entry_id=entry.id,
                        member_id=m.id,
                        member_code=m.code,
                        amount_cents=1_000,
                        weight=Decimal(1),
                        weight_total=Decimal(members),
                    )
                    for m in people
                )
            session.add_all(
                UsageRecord(
                    member_id=m.id,
                    application_id=app.id,
                    period=date(year, month, 1),
                    metric=Metric.CASES_HANDLED,
                    quantity=Decimal(1000 + month),
                    recorded_by="benchmark",
                )
                for m in people
                for month in range(1, 13)
            )
            for m, ms, people_count in zip(people, memberships, inhabitants, strict=True):
                sequence += 1
                gross = people_count * 35 + POOLS * 1_000
                invoice = Invoice(
                    member_id=m.id,
                    member_code=m.code,
                    kind=DocumentKind.INVOICE,
                    status=InvoiceStatus.PAID,
                    period_until=date(year, 11, 1),
                    year=year,
                    sequence=sequence,
                    number=f"{year}-{sequence:06d}",
                    issue_date=date(year, 11, 1),
                    due_date=date(year, 12, 1),
                    net_cents=gross,
                    vat_cents=0,
                    gross_cents=gross,
                    prepaid_cents=0,
                    due_cents=gross,
                    settled_cents=gross,
                    customer="{}",
                    buyer_reference=m.code,
                    created_by="benchmark",
                    lines=[
                        InvoiceLine(
                            member_id=m.id,
                            line_no=1,
                            category=LineCategory.CONTRIBUTION,
                            item_key=contribution_key(ms.id, year),
                            description="Contributie",
                            source="bench",
                            billable_on=date(year, 1, 1),
                            net_cents=people_count * 35,
                            vat_code=VatCode.EXEMPT,
                            vat_rate=Decimal(0),
                        ),
                    ],
                )
                session.add(invoice)
            await session.flush()
        await session.flush()
        for invoice in await session.scalars(select(Invoice)):
            session.add(
                Settlement(
                    invoice_id=invoice.id,
                    kind=SettlementKind.BANK_TRANSFER,
                    amount_cents=invoice.due_cents,
                    settled_on=date(invoice.period_until.year, 11, 20),
                    reference=f"bench-{invoice.number}",
                    recorded_by="benchmark",
                )
            )


async def _report(engine: AsyncEngine, year: int, traced: bool) -> tuple[float, int, int]:
    """Seconds, peak bytes (when traced; tracing slows Python down) and bytes written."""
    factory = create_session_factory(engine)
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        async with factory() as session:
            prepared = await prepare(session, ACTOR, year)
            writers = writers_for(FORMATS, Path(folder), file_stem(prepared.header.scope))
            files = await write(session, prepared, writers)
        size = sum(f.stat().st_size for f in files)
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return elapsed, peak, size


async def main() -> None:
    print("backend     members  years  one year s  all years s  max peak MiB (traced)  files MiB")
    with backends() as urls:
        for backend, template in urls.items():
            for members in (100, 400):
                async with fresh_database(template) as engine:
                    await _populate(engine, members)
                    peaks = [await _report(engine, year, traced=True) for year in YEARS]
                    timed = [await _report(engine, year, traced=False) for year in YEARS]
                print(
                    f"{backend:<11} {members:>7}  {len(YEARS):>5}  {timed[-1][0]:>10.1f}  "
                    f"{sum(t[0] for t in timed):>11.1f}  "
                    f"{max(p[1] for p in peaks) / 2**20:>21.1f}  {timed[-1][2] / 2**20:>9.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
