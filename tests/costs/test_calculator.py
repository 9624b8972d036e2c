"""What would it cost us? The estimate stores nothing and equals what a real join produces."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.auth.roles import Actor, ActorKind, Grant, Role, system_actor
from registry.costs import calculator
from registry.costs.models import AllocationRun, CostCategory, PoolKind, PoolParticipant
from registry.costs.pools import EntryInput, PoolInput, add_entry, add_participant, create_pool
from registry.costs.repository import pool_by_code
from registry.costs.runs import run_allocation, run_settlement
from registry.costs.sharing import LateJoinerPolicy
from registry.fees.models import ProRata
from registry.fees.repository import rate_for
from registry.fees.service import preview_fee_run
from registry.kit.errors import Forbidden
from registry.members import repository as members
from registry.members.decisions import DecisionInput, record_decision
from registry.members.memberships import (
    AdmissionInput,
    admit,
    decide_approval,
    register_applicant,
)
from registry.members.registration import MemberInput
from registry.usage.adoptions import AdoptionInput, adopt
from registry.usage.records import UsageInput, record_usage
from registry.usage.tariffs import usage_fee_preview
from tests.conftest import DemoTemplate

ACTOR = system_actor("test")
ON = date(2026, 11, 2)


@pytest.fixture
async def demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    await demo_template.copy_into(session)
    return session


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("policy", list(LateJoinerPolicy))
async def test_the_estimate_is_what_joining_for_real_costs(
    demo: AsyncSession, policy: LateJoinerPolicy
) -> None:
    pool = await pool_by_code(demo, "zaakafhandeling-bouw")
    assert pool is not None
    pool.late_joiner_policy = policy
    pool.depreciation_years = 10  # so that book value is left of the 2021 entries
    # A running-cost pool with a year of hosting.
    await create_pool(
        demo,
        ACTOR,
        PoolInput(
            "zaakafhandeling-hosting",
            "Hosting zaakafhandelcomponent",
            PoolKind.HOSTING,
            application="zaakafhandeling",
            reference_date=date(2020, 1, 1),
        ),
    )
    for member in ("eindhoven", "woerden", "tilburg"):
        await add_participant(demo, ACTOR, "zaakafhandeling-hosting", member, date(2025, 1, 1))
    await add_entry(
        demo,
        ACTOR,
        "zaakafhandeling-hosting",
        EntryInput("12000.01", date(2026, 3, 1), CostCategory.HOSTING, "Hosting 2026"),
    )
    await add_entry(
        demo,
        ACTOR,
        "zaakafhandeling-hosting",
        EntryInput("999", date(2025, 6, 1), CostCategory.HOSTING, "Hosting 2025 (older)"),
    )
    await run_allocation(demo, ACTOR, "zaakafhandeling-hosting", ON, ON)
    await demo.flush()
    events, participants, runs = (
        await _count(demo, AuditEvent),
        await _count(demo, PoolParticipant),
        await _count(demo, AllocationRun),
    )

    zaanstad_user = Actor(
        ActorKind.USER,
        "zaanstad",
        grants=frozenset({Grant(Role.MEMBER_USER, (await _id(demo, "zaanstad")))}),
    )
    estimate = await calculator.estimate(
        demo, zaanstad_user, "zaanstad", "zaakafhandeling", ON, {"cases_handled": Decimal("1500")}
    )
    # Nothing stored.
    assert (
        await _count(demo, AuditEvent),
        await _count(demo, PoolParticipant),
        await _count(demo, AllocationRun),
    ) == (events, participants, runs)
    assert estimate.membership is None  # Zaanstad is a member
    by_pool = {p.pool.code: p for p in estimate.pools}
    assert by_pool["zaakafhandeling-bouw"].refusal is None
    assert by_pool["zaakafhandeling-bouw"].settlement > 0
    assert by_pool["zaakafhandeling-bouw"].yearly_share is None

    # Join for real: adopt, take part in both pools, settle.
    await adopt(demo, ACTOR, AdoptionInput("zaanstad", "zaakafhandeling", ON), ON)
    paid = 0
    for code in ("zaakafhandeling-bouw", "zaakafhandeling-hosting"):
        await add_participant(demo, ACTOR, code, "zaanstad", ON)
        result = await run_settlement(demo, ACTOR, code, "zaanstad", ON)
        lines = result.run.lines if result.run else []
        own = sum(line.amount_cents for line in lines if line.member_code == "zaanstad")
        assert own == by_pool[code].settlement
        paid += own
    assert paid == estimate.settlement

    # A year of hosting like the last one, shared by the key with Zwolle taking part.
    await add_entry(
        demo,
        ACTOR,
        "zaakafhandeling-hosting",
        EntryInput("12000.01", date(2026, 11, 3), CostCategory.HOSTING, "Hosting 2027"),
    )
    run = await run_allocation(demo, ACTOR, "zaakafhandeling-hosting", date(2026, 11, 3), ON)
    assert run.run is not None
    share = sum(line.amount_cents for line in run.run.lines if line.member_code == "zaanstad")
    assert share == estimate.yearly_running == by_pool["zaakafhandeling-hosting"].yearly_share

    # Twelve months of the expected usage give the estimated fees.
    await record_usage(
        demo,
        ACTOR,
        [
            UsageInput(
                "zaanstad", "zaakafhandeling", f"{y}-{m:02d}", "cases_handled", Decimal(1500)
            )
            for y, m in [(2026, 12)] + [(2027, m) for m in range(1, 12)]
        ],
        today=date(2027, 11, 30),
    )
    fees = await usage_fee_preview(demo, ACTOR, "zaanstad", "2026-12", "2027-11")
    assert sum(line.amount for line in fees) == estimate.yearly_fees == 12 * 1500 * 12


async def _id(session: AsyncSession, code: str) -> int:
    member = await members.member_by_code(session, code)
    assert member is not None
    return member.id


async def test_a_government_body_considering_membership(demo: AsyncSession) -> None:
    # The ALV decided that a member joining during the year pays the whole year.
    rate = await rate_for(demo, 2026)
    assert rate is not None
    rate.pro_rata = ProRata.FULL_YEAR
    applied = await register_applicant(
        demo,
        ACTOR,
        MemberInput("utrecht", "Gemeente Utrecht", "gemeente", ("GM0344",)),
        date(2026, 10, 1),
    )
    estimate = await calculator.estimate(demo, ACTOR, "utrecht", "zaakafhandeling", ON)
    assert estimate.membership is not None
    assert estimate.membership.entry_fee == 250_000  # the entry fee decided last (ALV-2021-02)
    assert estimate.membership.contribution_year == 2026
    # 2026 is rated by the latest published figure: CBS, 1 January 2025.
    assert estimate.membership.inhabitants == 376_757
    assert estimate.membership.yearly_contribution == 13_186_495  # 376,757 × EUR 0.35
    # Admit it for real: the fee run's line is the estimated contribution.
    await record_decision(
        demo, ACTOR, DecisionInput("rvc", date(2026, 10, 20), "RvC-2026-10", "Toelating")
    )
    await decide_approval(demo, ACTOR, applied.id, "RvC-2026-10", approved=True)
    await admit(
        demo,
        ACTOR,
        AdmissionInput(
            applied.id,
            ON,
            "OVK-utrecht",
            entry_fee=Decimal("2500"),
            entry_fee_decision_reference="ALV-2021-02",
        ),
    )
    preview = await preview_fee_run(demo, ACTOR, 2026)
    line = next(line for line in preview.lines if line.member_code == "utrecht")
    assert line.amount == estimate.membership.yearly_contribution


async def test_only_the_member_itself_and_the_directie_see_its_estimate(
    demo: AsyncSession,
) -> None:
    other = Actor(
        ActorKind.USER,
        "woerden",
        grants=frozenset({Grant(Role.MEMBER_ADMIN, await _id(demo, "woerden"))}),
    )
    with pytest.raises(Forbidden):
        await calculator.estimate(demo, other, "zaanstad", "zaakafhandeling", ON)


def test_expected_quantities_are_refused_by_metric() -> None:
    from registry.catalogue.models import Application
    from registry.kit.errors import ValidationFailed
    from registry.usage.models import Metric

    app = Application(slug="zaak", name="Zaakafhandelcomponent")
    offered = [Metric.CASES_HANDLED]
    assert calculator.parse_quantities(app, offered, {"cases_handled": Decimal(5)}) == {
        Metric.CASES_HANDLED: Decimal(5)
    }
    for given in ({"transactions": Decimal(1)}, {"nope": Decimal(1)}):
        with pytest.raises(ValidationFailed) as unknown:
            calculator.parse_quantities(app, offered, given)
        assert unknown.value.errors[0].code == "unknown_metric"
    for bad in (Decimal(-1), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValidationFailed) as refused:
            calculator.parse_quantities(app, offered, {"cases_handled": bad})
        assert refused.value.errors[0].code == "negative_quantity"
