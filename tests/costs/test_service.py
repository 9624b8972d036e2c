"""Cost pools in the database: the worked examples, idempotent runs, settlements, corrections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.audit.models import AuditEvent
from registry.catalogue.models import JoinStage
from registry.catalogue.service import join_community
from registry.costs import repository as costs
from registry.costs.models import AllocationRun, CostCategory, PoolKind, RunKind
from registry.costs.pools import (
    EntryInput,
    PoolInput,
    add_entry,
    add_participant,
    change_participant,
    close_period,
    create_pool,
)
from registry.costs.runs import (
    correct_run,
    pending_settlements,
    preview_allocation,
    run_allocation,
    run_pool,
    run_pools,
    run_settlement,
)
from registry.costs.sharing import AllocationKey
from registry.kit.errors import NotFound, ValidationFailed
from registry.kit.money import Cents, allocate
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput
from registry.usage.adoptions import AdoptionInput, adopt
from registry.usage.records import UsageInput, record_usage
from tests.helpers.cooperative import ACTOR, admit_member

TODAY = date(2023, 6, 1)
TILBURG_DAY = date(2023, 1, 1)


async def _application_pool(session: AsyncSession) -> None:
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            "zaak-ontwikkeling",
            "Bouw zaakafhandelcomponent",
            PoolKind.DEVELOPMENT,
            application="zaakafhandeling",
            reference_date=date(2020, 1, 1),
        ),
    )
    for member in ("eindhoven", "woerden", "gr-meierijstad-noord"):
        await add_participant(session, ACTOR, "zaak-ontwikkeling", member, date(2021, 1, 1))
    await add_entry(
        session,
        ACTOR,
        "zaak-ontwikkeling",
        EntryInput("25000", date(2021, 3, 1), CostCategory.DEVELOPMENT, "Bouw", "F-2021-001"),
    )


def _totals(run: AllocationRun | None) -> dict[str, int]:
    assert run is not None
    totals: dict[str, int] = {}
    for line in run.lines:
        totals[line.member_code] = totals.get(line.member_code, 0) + line.amount_cents
    return totals


async def test_worked_example_with_a_fourth_member(pool_members: AsyncSession) -> None:
    session = pool_members
    await _application_pool(session)
    first = await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    # Shares by hand in tests/costs/test_sharing.py: 16,901.69 / 3,771.18 / 4,327.13.
    assert _totals(first.run) == {
        "eindhoven": 1_690_169,
        "gr-meierijstad-noord": 432_713,
        "woerden": 377_118,
    }
    assert first.run is not None
    assert "234394" in first.run.inputs  # the figures are kept with the run
    again = await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    assert (again.created, again.run) == (False, None)
    assert await session.scalar(select(func.count()).select_from(AllocationRun)) == 1

    await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1))
    settlement = await run_settlement(session, ACTOR, "zaak-ontwikkeling", "tilburg", TODAY)
    assert settlement.run is not None
    assert settlement.run.kind is RunKind.SETTLEMENT
    assert _totals(settlement.run) == {
        "eindhoven": -655_757,
        "gr-meierijstad-noord": -167_885,
        "tilburg": 969_958,
        "woerden": -146_316,
    }
    assert settlement.run.total_cents == 0
    repeat = await run_settlement(session, ACTOR, "zaak-ontwikkeling", "tilburg", TODAY)
    assert not repeat.created


async def test_founding_costs_by_fixed_percentages(pool_members: AsyncSession) -> None:
    session = pool_members
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            "oprichting", "Oprichtingskosten", PoolKind.FOUNDING, AllocationKey.FIXED_PERCENTAGES
        ),
    )
    for member, share in (("eindhoven", "50"), ("woerden", "25"), ("gr-meierijstad-noord", "20")):
        await add_participant(
            session, ACTOR, "oprichting", member, date(2020, 1, 1), Decimal(share)
        )
    await add_entry(
        session,
        ACTOR,
        "oprichting",
        EntryInput("92500", date(2020, 1, 15), CostCategory.FOUNDING, "Notaris en oprichting"),
    )
    with pytest.raises(ValidationFailed) as refused:
        await preview_allocation(session, ACTOR, "oprichting", TODAY)
    assert refused.value.errors[0].code == "percentages_not_100"
    await change_participant(
        session, ACTOR, "oprichting", "gr-meierijstad-noord", percentage=Decimal(25)
    )
    result = await run_allocation(session, ACTOR, "oprichting", TODAY, TODAY)
    assert _totals(result.run) == {
        "eindhoven": 4_625_000,
        "gr-meierijstad-noord": 2_312_500,
        "woerden": 2_312_500,
    }


async def test_refusals(pool_members: AsyncSession) -> None:
    session = pool_members
    await _application_pool(session)
    with pytest.raises(ValidationFailed) as not_member:
        await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2022, 1, 1))
    assert not_member.value.errors[0].code == "not_a_member"
    await close_period(session, ACTOR, "zaak-ontwikkeling", date(2022, 12, 31))
    with pytest.raises(ValidationFailed) as closed:
        await add_entry(
            session,
            ACTOR,
            "zaak-ontwikkeling",
            EntryInput("10", date(2022, 12, 31), CostCategory.HOSTING, "Hosting december"),
        )
    assert (closed.value.errors[0].field, closed.value.errors[0].code) == (
        "entryDate",
        "closed_period",
    )
    assert closed.value.errors[0].text("nl") == (
        "De kostenpool is afgesloten tot en met 31 december 2022; boek de kosten in een open"
        " periode."
    )
    with pytest.raises(ValidationFailed) as ambiguous:
        await add_entry(
            session,
            ACTOR,
            "zaak-ontwikkeling",
            EntryInput("1.000", date(2023, 1, 2), CostCategory.HOSTING, "Hosting januari"),
        )
    assert (ambiguous.value.errors[0].field, ambiguous.value.errors[0].code) == (
        "amount",
        "invalid_amount",
    )
    assert (
        ambiguous.value.errors[0]
        .text("nl")
        .startswith("Ongeldig bedrag: '1.000' is niet eenduidig: schrijf 1000 (zonder punt)")
    )
    with pytest.raises(ValidationFailed) as no_application:
        await create_pool(
            session, ACTOR, PoolInput("x", "X", PoolKind.HOSTING, reference_date=TODAY)
        )
    assert no_application.value.errors[0].field == "application"


async def test_a_corrected_figure_is_corrected_by_reversal_and_replacement(
    pool_members: AsyncSession,
) -> None:
    session = pool_members
    await _application_pool(session)
    first = await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    assert first.run is not None
    with pytest.raises(ValidationFailed) as unchanged:
        await correct_run(session, ACTOR, first.run.id, TODAY)
    assert unchanged.value.errors[0].code == "unchanged"
    corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,62299\n")
    await import_population(session, ACTOR, corrected)
    reversal, replacement = await correct_run(session, ACTOR, first.run.id, TODAY)
    assert reversal.kind is RunKind.REVERSAL
    assert reversal.reverses_run_id == first.run.id
    assert reversal.total_cents == -2_500_000
    assert replacement.total_cents == 2_500_000
    runs = list(await session.scalars(select(AllocationRun).order_by(AllocationRun.sequence)))
    assert [r.kind for r in runs] == [RunKind.ALLOCATION, RunKind.REVERSAL, RunKind.ALLOCATION]


async def test_only_members_taking_part_share_an_application_pool(
    pool_members: AsyncSession,
) -> None:
    session = pool_members
    await _application_pool(session)
    await admit_member(
        session,
        MemberInput("amsterdam", "Gemeente Amsterdam", "gemeente", ["GM0363"]),
        date(2020, 1, 1),
    )
    with pytest.raises(ValidationFailed) as refused:
        await add_participant(session, ACTOR, "zaak-ontwikkeling", "amsterdam", date(2021, 1, 1))
    assert refused.value.errors[0].code == "not_using_application"


@pytest.mark.parametrize(
    ("usage_from", "usage_to", "expected"),
    [
        # 600 of 800 cases in 2024 for Eindhoven, 200 for Woerden (the 2025 month does not count).
        (date(2024, 1, 1), date(2024, 12, 1), {"eindhoven": 75_000, "woerden": 25_000}),
        # Dates in a month count the whole month: March alone, 300 against 200.
        (date(2024, 3, 15), date(2024, 3, 20), {"eindhoven": 60_000, "woerden": 40_000}),
    ],
)
async def test_usage_key_divides_by_recorded_usage(
    pool_members: AsyncSession, usage_from: date, usage_to: date, expected: dict[str, int]
) -> None:
    session = pool_members
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            "zaak-hosting",
            "Hosting naar gebruik",
            PoolKind.HOSTING,
            AllocationKey.USAGE,
            application="zaakafhandeling",
            usage_metric="cases_handled",
            usage_from=usage_from,
            usage_to=usage_to,
        ),
    )
    for member in ("eindhoven", "woerden"):
        await adopt(
            session, ACTOR, AdoptionInput(member, "zaakafhandeling", date(2023, 6, 1)), TODAY
        )
        await add_participant(session, ACTOR, "zaak-hosting", member, date(2024, 1, 1))
    await record_usage(
        session,
        ACTOR,
        [
            UsageInput("eindhoven", "zaakafhandeling", "2024-03", "cases_handled", Decimal(300)),
            UsageInput("eindhoven", "zaakafhandeling", "2024-04", "cases_handled", Decimal(300)),
            UsageInput("woerden", "zaakafhandeling", "2024-03", "cases_handled", Decimal(200)),
            UsageInput("woerden", "zaakafhandeling", "2025-01", "cases_handled", Decimal(999)),
        ],
    )
    await add_entry(
        session,
        ACTOR,
        "zaak-hosting",
        EntryInput("1000", date(2024, 12, 31), CostCategory.HOSTING, "Hosting 2024"),
    )
    result = await run_allocation(session, ACTOR, "zaak-hosting", date(2024, 12, 31), TODAY)
    assert _totals(result.run) == expected


async def test_two_members_joining_the_same_day_are_each_settled_once(
    pool_members: AsyncSession,
) -> None:
    session = pool_members
    await _application_pool(session)
    await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    await admit_member(
        session,
        MemberInput("amsterdam", "Gemeente Amsterdam", "gemeente", ["GM0363"]),
        date(2020, 1, 1),
    )
    await join_community(
        session, ACTOR, "zaakafhandeling", "amsterdam", JoinStage.COMPLETE_PACKAGE, TILBURG_DAY
    )
    for member in ("amsterdam", "tilburg"):
        await add_participant(session, ACTOR, "zaak-ontwikkeling", member, TILBURG_DAY)
    assert await pending_settlements(session, "zaak-ontwikkeling") == ["amsterdam", "tilburg"]
    runs = await run_pool(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    assert [r.kind for r in runs] == [RunKind.SETTLEMENT, RunKind.SETTLEMENT]
    assert all(r.total_cents == 0 for r in runs)
    assert await pending_settlements(session, "zaak-ontwikkeling") == []
    positions: dict[str, int] = {}
    for run in await session.scalars(
        select(AllocationRun).options(selectinload(AllocationRun.lines))
    ):
        for line in run.lines:
            positions[line.member_code] = positions.get(line.member_code, 0) + line.amount_cents
    # As if all five had taken part from the start: 2,500,000 cents by inhabitants.
    everyone = {
        "eindhoven": 234_394,
        "woerden": 52_299,
        "gr-meierijstad-noord": 60_009,
        "tilburg": 219_789,
        "amsterdam": 872_757,
    }
    assert positions == allocate(Cents(2_500_000), everyone, str)


async def test_many_pools_at_once_store_what_each_pool_alone_would(
    pool_members: AsyncSession,
) -> None:
    """`run_pools` loads every pool's state together and writes all lines at once; the runs
    are the ones a pool-by-pool run stores: same inputs SHA-256, same shares, one audit event
    each, and a pool with a late joiner is settled first."""
    session = pool_members
    await _application_pool(session)
    await create_pool(
        session,
        ACTOR,
        PoolInput("beheer", "Beheer", PoolKind.OPERATING, reference_date=date(2020, 1, 1)),
    )
    for member in ("woerden", "eindhoven"):
        await add_participant(session, ACTOR, "beheer", member, date(2021, 1, 1))
    await add_entry(
        session,
        ACTOR,
        "beheer",
        EntryInput("1000,01", date(2022, 5, 1), CostCategory.HOSTING, "Hosting", "F-2022-7"),
    )
    await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, TODAY)
    await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", TILBURG_DAY)
    await add_entry(
        session,
        ACTOR,
        "zaak-ontwikkeling",
        EntryInput("300", date(2023, 2, 1), CostCategory.DEVELOPMENT, "Meer", "F-2023-2"),
    )
    beheer = await preview_allocation(session, ACTOR, "beheer", TODAY)
    events = await session.scalar(select(func.count()).select_from(AuditEvent))

    stored = await run_pools(
        session, ACTOR, ["beheer", "zaak-ontwikkeling", "beheer"], TODAY, TODAY
    )

    assert [len(stored["beheer"]), len(stored["zaak-ontwikkeling"])] == [1, 2]
    run, settled, allocated = await costs.runs_by_ids(
        session, [r.id for r in (*stored["beheer"], *stored["zaak-ontwikkeling"])]
    )
    assert (run.kind, run.sequence, run.inputs_sha256) == (
        RunKind.ALLOCATION,
        1,
        beheer.inputs_sha256,
    )
    assert _totals(run) == {s.member_code: s.amount for s in beheer.split.shares}
    assert sum(_totals(run).values()) == 100_001
    assert (settled.kind, settled.sequence, allocated.kind, allocated.sequence) == (
        RunKind.SETTLEMENT,
        2,
        RunKind.ALLOCATION,
        3,
    )
    assert _totals(settled)["tilburg"] == 969_958
    assert sum(_totals(allocated).values()) == 30_000
    assert set(_totals(allocated)) == {"eindhoven", "gr-meierijstad-noord", "tilburg", "woerden"}
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == (events or 0) + 3
    again = await run_pools(session, ACTOR, ["beheer", "zaak-ontwikkeling"], TODAY, TODAY)
    assert again == {"beheer": [], "zaak-ontwikkeling": []}


async def test_many_pools_refuse_an_unknown_pool_before_storing_anything(
    pool_members: AsyncSession,
) -> None:
    await _application_pool(pool_members)
    with pytest.raises(NotFound) as unknown:
        await run_pools(pool_members, ACTOR, ["zaak-ontwikkeling", "geen-pot"], TODAY, TODAY)
    assert unknown.value.code == "not_found"
    assert "geen-pot" in unknown.value.text("nl")
    assert await pool_members.scalar(select(func.count()).select_from(AllocationRun)) == 0
