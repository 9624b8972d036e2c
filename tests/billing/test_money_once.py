"""Money is written once, whatever the timing: concurrent runs, issues and payments.

Every concurrent test gives each request its own session and so its own database
connection, as two service processes or two page requests would have; it runs on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.billing import repository
from registry.billing.credit_notes import credit
from registry.billing.invoicing import discard_draft, issue, run_invoices
from registry.billing.items import billable_items
from registry.billing.models import (
    CreditChoice,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Settlement,
)
from registry.billing.payments import record_transfer
from registry.billing.rules import overbilled_keys
from registry.costs.models import AllocationLine, AllocationRun, CostCategory, RunKind
from registry.costs.pools import EntryInput, add_entry, add_participant
from registry.costs.runs import run_pool, run_pools
from registry.fees.models import FeeRun
from registry.fees.service import run_fees
from registry.kit.errors import ValidationFailed
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.usage.models import UsageRecord
from registry.usage.records import UsageInput, record_usage
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.race import RACERS, race, succeeded

__all__ = ["billed", "cooperative", "pool_members"]


async def count(factory: async_sessionmaker[AsyncSession], *where: object) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice).where(*where)))


async def assert_never_overbilled(session: AsyncSession, until: date) -> None:
    """Per item key, what issued documents billed lies between nothing and what is owed."""
    ids = list(await session.scalars(select(Invoice.member_id).distinct()))
    entitled = {i.key: i.amount_cents for i in await billable_items(session, ids, until)}
    issued = await repository.billed_per_key(session, ids, drafts=False)
    for key, total in issued.items():
        target = entitled.get(key, 0)
        assert min(0, target) <= total <= max(0, target), (key, total, target)


async def test_concurrent_invoice_runs_draft_once_per_member(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await billed.commit()
    runs = succeeded(await race(session_factory, lambda s: run_invoices(s, ACTOR, TODAY)))
    ids = [sorted(d.id for d in drafts) for drafts in runs]
    assert len(ids[0]) == 3
    assert all(run == ids[0] for run in ids)  # every run answers with the same drafts
    assert await count(session_factory, Invoice.status == InvoiceStatus.DRAFT) == 3


async def test_concurrent_runs_that_issue_bill_every_item_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await billed.commit()

    async def run_and_issue(session: AsyncSession) -> list[str]:
        drafts = await run_invoices(session, ACTOR, TODAY)
        return [str((await issue(session, ACTOR, d.id, TODAY, SETTINGS)).number) for d in drafts]

    runs = succeeded(await race(session_factory, run_and_issue))
    numbers = sorted(number for run in runs for number in run)
    assert numbers == ["2023-000001", "2023-000002", "2023-000003"]
    async with session_factory() as session:
        await assert_never_overbilled(session, TODAY)
        keys = list(await session.scalars(select(InvoiceLine.item_key)))
        assert len(keys) == len(set(keys))


async def test_issuing_one_draft_at_once_numbers_it_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    drafts = await run_invoices(billed, ACTOR, TODAY)
    await billed.commit()
    woerden = next(d.id for d in drafts if d.member_code == "woerden")
    results = await race(session_factory, lambda s: issue(s, ACTOR, woerden, TODAY, SETTINGS))
    issued = [r for r in results if isinstance(r, Invoice)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert [i.number for i in issued] == ["2023-000001"]
    assert [r.errors[0].code for r in refused] == ["already_issued"] * (RACERS - 1)
    assert await count(session_factory, Invoice.number.is_not(None)) == 1


async def test_concurrent_transfers_and_credit_notes_settle_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    drafts = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    invoice = await issue(billed, ACTOR, drafts["woerden"].id, TODAY, SETTINGS)
    await billed.commit()
    paid = await race(
        session_factory,
        lambda s: record_transfer(s, ACTOR, invoice.id, "100.00", TODAY, "NL-BANK-7", TODAY),
    )
    assert sum(isinstance(r, Settlement) for r in paid) == 1
    assert {r.errors[0].code for r in paid if isinstance(r, ValidationFailed)} == {
        "duplicate_reference"
    }
    notes = await race(
        session_factory,
        lambda s: credit(
            s, ACTOR, invoice.id, TODAY, SETTINGS, reason="dubbel", credit_choice=CreditChoice.CARRY
        ),
    )
    assert sum(isinstance(r, Invoice) for r in notes) == 1
    assert {r.errors[0].code for r in notes if isinstance(r, ValidationFailed)} == {
        "already_credited"
    }
    async with session_factory() as session:
        stored = await repository.invoice_by_id(session, invoice.id)
        assert stored is not None
        settlements = await repository.settlements_of(session, [invoice.id])
        assert sorted((s.kind.value, s.amount_cents) for s in settlements) == [
            ("bank_transfer", 10_000),
            ("credit_note", stored.due_cents - 10_000),
        ]
        assert stored.settled_cents == stored.due_cents
        await assert_never_overbilled(session, TODAY)


async def test_concurrent_fee_runs_store_one_run(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52309\n")
    await import_population(billed, ACTOR, corrected)
    await billed.commit()
    results = succeeded(await race(session_factory, lambda s: run_fees(s, ACTOR, 2020)))
    assert sorted(r.created for r in results) == [False] * (RACERS - 1) + [True]
    assert len({r.run.id for r in results}) == 1  # the later ones answer with the first's run
    async with session_factory() as session:
        runs = await session.scalar(
            select(func.count()).select_from(FeeRun).where(FeeRun.year == 2020)
        )
    assert runs == 2  # the fixture's run and one correction


async def test_a_repeated_run_keeps_its_drafts_and_a_changed_one_rebuilds_them(
    billed: AsyncSession,
) -> None:
    drafts = await run_invoices(billed, ACTOR, TODAY)
    first = {d.member_code: d.id for d in drafts}
    gross = {d.member_code: d.gross_cents for d in drafts}
    again = {d.member_code: d.id for d in await run_invoices(billed, ACTOR, TODAY)}
    assert again == first
    corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52309\n")
    await import_population(billed, ACTOR, corrected)
    await run_fees(billed, ACTOR, 2020)
    changed = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    assert changed["eindhoven"].gross_cents == gross["eindhoven"]
    assert changed["woerden"].lines[0].net_cents == 1_830_465 + 350  # 10 more × 0.35
    assert await billed.scalar(select(func.count()).select_from(Invoice)) == 3


async def test_the_database_allows_one_open_draft_per_member(billed: AsyncSession) -> None:
    (draft, *_) = await run_invoices(billed, ACTOR, TODAY)
    await billed.commit()
    draft_id = draft.id
    twin = Invoice(
        **{
            c.key: getattr(draft, c.key)
            for c in Invoice.__table__.columns
            if c.key not in ("id", "created_at")
        }
    )
    billed.add(twin)
    with pytest.raises(IntegrityError):
        await billed.flush()
    await billed.rollback()
    issued = await issue(billed, ACTOR, draft_id, TODAY, SETTINGS)
    assert issued.status is InvoiceStatus.ISSUED
    billed.add(twin)  # with the first one issued, the member may have a draft again
    await billed.flush()


async def test_a_draft_made_before_its_item_was_lowered_is_not_issued(
    billed: AsyncSession,
) -> None:
    drafts = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    lowered = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52289\n")
    await import_population(billed, ACTOR, lowered)
    await run_fees(billed, ACTOR, 2020)
    with pytest.raises(ValidationFailed) as refused:
        await issue(billed, ACTOR, drafts["woerden"].id, TODAY, SETTINGS)
    assert refused.value.errors[0].code == "billed_meanwhile"
    assert "line 1" in refused.value.errors[0].message
    assert refused.value.errors[0].text("nl").startswith("Regel 1 (")
    (rebuilt,) = [d for d in await run_invoices(billed, ACTOR, TODAY) if d.member_code == "woerden"]
    issued = await issue(billed, ACTOR, rebuilt.id, TODAY, SETTINGS)
    assert issued.lines[0].net_cents == 1_830_465 - 350  # 10 fewer inhabitants × 0.35
    await assert_never_overbilled(billed, TODAY)


async def test_discarding_a_draft_twice_at_once_discards_it_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    (draft, *_) = await run_invoices(billed, ACTOR, TODAY)
    await billed.commit()
    results = await race(session_factory, lambda s: discard_draft(s, ACTOR, draft.id))
    assert sum(r is None for r in results) == 1
    assert all(type(r).__name__ == "NotFound" for r in results if r is not None)


async def test_concurrent_allocation_and_settlement_runs_store_each_run_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """A new cost and a late joiner: six pool runs at once allocate and settle once."""
    await add_entry(
        billed,
        ACTOR,
        "zaak-ontwikkeling",
        EntryInput("1000", date(2023, 2, 1), CostCategory.DEVELOPMENT, "Hosting", "F-2023-009"),
    )
    await add_participant(billed, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1))
    await billed.commit()
    runs = succeeded(
        await race(
            session_factory,
            lambda s: run_pool(s, ACTOR, "zaak-ontwikkeling", TODAY, date(2023, 7, 1)),
        )
    )
    stored = sorted(run.kind.value for pool_runs in runs for run in pool_runs)
    assert stored == ["allocation", "settlement"]
    async with session_factory() as session:
        kinds = list(await session.scalars(select(AllocationRun.kind).order_by(AllocationRun.id)))
        assert [k.value for k in kinds] == ["allocation", "settlement", "allocation"]
        totals = await session.execute(
            select(AllocationRun.kind, func.sum(AllocationLine.amount_cents))
            .join(AllocationLine, AllocationLine.run_id == AllocationRun.id)
            .group_by(AllocationRun.kind)
        )
        # 25,000 + 1,000 allocated once; a settlement moves shares and sums to zero.
        assert dict(totals.all()) == {RunKind.ALLOCATION: 2_600_000, RunKind.SETTLEMENT: 0}


async def test_year_end_runs_over_every_pool_at_once_store_each_run_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """`run_pools` (allocate --all) and single pool runs at the same moment, on their own
    connections: the new cost is allocated once."""
    await add_entry(
        billed,
        ACTOR,
        "zaak-ontwikkeling",
        EntryInput("1000", date(2023, 2, 1), CostCategory.DEVELOPMENT, "Hosting", "F-2023-009"),
    )
    await billed.commit()
    turn = iter(range(RACERS))

    async def either(session: AsyncSession) -> list[AllocationRun]:
        if next(turn) % 2:
            return await run_pool(session, ACTOR, "zaak-ontwikkeling", TODAY, date(2023, 7, 1))
        every = await run_pools(session, ACTOR, ["zaak-ontwikkeling"], TODAY, date(2023, 7, 1))
        return every["zaak-ontwikkeling"]

    runs = succeeded(await race(session_factory, either))
    assert [run.kind.value for pool_runs in runs for run in pool_runs] == ["allocation"]
    async with session_factory() as session:
        totals = await session.execute(
            select(AllocationRun.kind, func.count(func.distinct(AllocationRun.id))).group_by(
                AllocationRun.kind
            )
        )
        assert dict(totals.all()) == {RunKind.ALLOCATION: 2}


DAYS = (date(2023, 6, 30), TODAY, date(2023, 7, 31))
CODES = ("eindhoven", "gr-meierijstad-noord", "woerden")
OPERATIONS = st.one_of(
    st.tuples(
        st.just("run"), st.sampled_from(DAYS), st.sets(st.sampled_from(CODES)), st.booleans()
    ),
    st.tuples(st.just("issue"), st.integers(0, 3), st.sampled_from(DAYS)),
    st.tuples(st.just("discard"), st.integers(0, 3)),
    st.tuples(st.just("credit"), st.integers(0, 3), st.sets(st.integers(1, 4), max_size=2)),
    st.tuples(st.just("settle")),
)


async def _apply(session: AsyncSession, operation: tuple[Any, ...]) -> None:
    """One step a directie could take; a refusal (a typed error) is a valid outcome."""
    members = list(await session.scalars(select(Invoice.member_id).distinct()))
    drafts = sorted(d.id for d in await repository.drafts_of(session, members))
    issued = list(
        await session.scalars(
            select(Invoice.id).where(Invoice.number.is_not(None)).order_by(Invoice.id)
        )
    )
    try:
        match operation:
            case ("run", day, codes, and_issue):
                for draft in await run_invoices(session, ACTOR, day, sorted(codes) or None):
                    if and_issue:
                        await issue(session, ACTOR, draft.id, day, SETTINGS, CreditChoice.CARRY)
            case ("issue", n, day) if drafts:
                draft = drafts[n % len(drafts)]
                await issue(session, ACTOR, draft, day, SETTINGS, CreditChoice.CARRY)
            case ("discard", n) if drafts:
                await discard_draft(session, ACTOR, drafts[n % len(drafts)])
            case ("credit", n, lines) if issued:
                await credit(
                    session,
                    ACTOR,
                    issued[n % len(issued)],
                    date(2023, 7, 31),
                    SETTINGS,
                    reason="correctie",
                    credit_choice=CreditChoice.CARRY,
                    line_numbers=sorted(lines) or None,
                )
            case ("settle",):
                await add_participant(
                    session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1)
                )
                await run_pool(session, ACTOR, "zaak-ontwikkeling", TODAY, date(2023, 7, 15))
    except ValidationFailed:
        pass


async def test_what_is_issued_never_exceeds_what_is_owed(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Any sequence of runs, issues, discards, credit notes and a late joiner's settlement:
    per item key, issued documents bill between nothing and the item's amount."""
    await billed.commit()
    loop = asyncio.get_running_loop()

    async def check(operations: list[tuple[Any, ...]]) -> None:
        async with session_factory() as session:
            for operation in operations:
                await _apply(session, operation)
                await assert_never_overbilled(session, date(2023, 7, 31))
            await session.rollback()

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(OPERATIONS, min_size=3, max_size=6))
    @example([("run", TODAY, set(), True), ("settle",), ("run", date(2023, 7, 31), set(), True)])
    def sequences(operations: list[tuple[Any, ...]]) -> None:
        asyncio.run_coroutine_threadsafe(check(operations), loop).result()

    await asyncio.to_thread(sequences)


async def test_the_same_usage_reported_at_once_is_stored_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await billed.commit()
    report = [UsageInput("woerden", "zaakafhandeling", "2023-06", "active_users", Decimal(120))]
    succeeded(await race(session_factory, lambda s: record_usage(s, ACTOR, report)))
    async with session_factory() as session:
        stored = list(await session.scalars(select(UsageRecord.quantity)))
    assert sorted(stored) == [Decimal(101), Decimal(120)]  # May as it was, June replaced once


def test_a_line_may_bring_an_item_towards_what_is_owed_never_past_it() -> None:
    entitled = {"fee": 1_000, "credit": -300}
    assert overbilled_keys([("fee", 1_000), ("credit", -300)], {}, entitled) == []
    assert overbilled_keys([("fee", 400)], {"fee": 600}, entitled) == []  # the rest
    assert overbilled_keys([("fee", 1)], {"fee": 1_000}, entitled) == ["fee"]  # billed already
    assert overbilled_keys([("fee", 1_000)], {}, {"fee": 900}) == ["fee"]  # lowered since
    assert overbilled_keys([("fee", -100)], {"fee": 1_000}, {"fee": 900}) == []  # the correction
    assert overbilled_keys([("credit", -301)], {}, entitled) == ["credit"]
    assert overbilled_keys([("gone", 5)], {}, entitled) == ["gone"]  # owed nothing any more
