"""Fee runs on the real CBS 2020 figures: the worked example, reruns, corrections."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.fees.models import FeeRun, PopulationPolicy, ProRata
from registry.fees.service import RateInput, preview_fee_run, run_fees, set_rate
from registry.kit.errors import ValidationFailed
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput
from tests.helpers.cooperative import ACTOR, admit_member, lines_by_member


async def test_worked_example_woerden_and_the_gr(cooperative: AsyncSession) -> None:
    result = await run_fees(cooperative, ACTOR, 2020)
    assert result.created
    lines = {line.member_code: line for line in result.run.lines}
    woerden = lines["woerden"]
    assert (woerden.inhabitants, woerden.amount_cents) == (52_299, 1_830_465)  # EUR 18,304.65
    assert woerden.rate == Decimal("0.35")
    assert woerden.decision_reference == "ALV-2019-12"
    assert woerden.reference_date == date(2020, 1, 1)
    assert woerden.population_basis is PopulationPolicy.JANUARY_FIRST
    assert (woerden.days_billable, woerden.days_in_year) == (366, 366)
    gr = lines["gr-meierijstad-noord"]
    assert (gr.inhabitants, gr.amount_cents) == (60_009, 2_100_315)  # EUR 21,003.15
    figures = json.loads(gr.figures)
    assert [(f["cbs_code"], f["count"]) for f in figures] == [
        ("GM0757", 30_801),
        ("GM0845", 29_208),
    ]
    assert all("CBS" in f["source"] for f in figures)
    assert result.run.total_cents == 1_830_465 + 2_100_315


async def test_rerun_with_the_same_inputs_changes_nothing(cooperative: AsyncSession) -> None:
    first = await run_fees(cooperative, ACTOR, 2020)
    again = await run_fees(cooperative, ACTOR, 2020)
    assert not again.created
    assert again.run.id == first.run.id
    assert await cooperative.scalar(select(func.count()).select_from(FeeRun)) == 1


async def test_a_corrected_figure_gives_a_new_run_with_the_difference(
    cooperative: AsyncSession,
) -> None:
    first = await run_fees(cooperative, ACTOR, 2020)
    corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52309\n")
    await import_population(cooperative, ACTOR, corrected)
    preview = await preview_fee_run(cooperative, ACTOR, 2020)
    assert not preview.unchanged
    changed = {d.member_code: d for d in preview.differences if d.amount}
    assert list(changed) == ["woerden"]
    assert changed["woerden"].amount == 350  # 10 more inhabitants × 0.35
    second = await run_fees(cooperative, ACTOR, 2020)
    assert second.created
    assert second.run.previous_run_id == first.run.id
    assert second.run.sequence == 2
    assert lines_by_member(second.run)["woerden"].amount_cents == 1_830_815


async def test_member_joining_during_the_year_pays_by_days(cooperative: AsyncSession) -> None:
    await admit_member(
        cooperative,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2020, 7, 1),
    )
    lines = lines_by_member((await run_fees(cooperative, ACTOR, 2020)).run)
    eindhoven = lines["eindhoven"]
    # 1 July to 31 December 2020 is 184 of 366 days: 234,394 × 0.35 × 184 / 366
    # = 82,037.90 × 184 / 366 = 41,243.0972... → EUR 41,243.10, rounded once.
    assert (eindhoven.days_billable, eindhoven.billable_from) == (184, date(2020, 7, 1))
    assert eindhoven.amount_cents == 4_124_310


async def test_full_year_policy_charges_the_whole_year(cooperative: AsyncSession) -> None:
    await set_rate(
        cooperative,
        ACTOR,
        RateInput(2020, "0.35", "ALV-2019-12", ProRata.FULL_YEAR, PopulationPolicy.JANUARY_FIRST),
    )
    await admit_member(
        cooperative,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2020, 7, 1),
    )
    lines = lines_by_member((await run_fees(cooperative, ACTOR, 2020)).run)
    assert lines["eindhoven"].amount_cents == 8_203_790  # 234,394 × 0.35


async def test_latest_published_figure_stands_in_and_says_so(cooperative: AsyncSession) -> None:
    await set_rate(
        cooperative,
        ACTOR,
        RateInput(2026, "0.40", "ALV-2019-12", ProRata.BY_DAYS, PopulationPolicy.LATEST_PUBLISHED),
    )
    lines = lines_by_member((await run_fees(cooperative, ACTOR, 2026)).run)
    woerden = lines["woerden"]
    assert woerden.population_basis is PopulationPolicy.LATEST_PUBLISHED
    assert woerden.reference_date == date(2020, 1, 1)
    assert woerden.amount_cents == 2_091_960  # 52,299 × 0.40


async def test_january_first_policy_refuses_without_that_figure(cooperative: AsyncSession) -> None:
    await set_rate(
        cooperative,
        ACTOR,
        RateInput(2026, "0.40", "ALV-2019-12", ProRata.BY_DAYS, PopulationPolicy.JANUARY_FIRST),
    )
    with pytest.raises(ValidationFailed) as refused:
        await run_fees(cooperative, ACTOR, 2026)
    assert refused.value.errors[0].code == "population_missing"
    assert "GM0632" in refused.value.errors[0].message
    assert refused.value.errors[0].text("nl") == (
        "Er is geen bevolkingscijfer op of vóór 1 januari 2026 voor GM0632."
    )


async def test_a_year_without_rate_is_refused(cooperative: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await run_fees(cooperative, ACTOR, 2021)
    assert refused.value.errors[0].code == "no_rate"
    assert refused.value.errors[0].text("nl") == (
        "Voor 2021 is geen contributietarief vastgelegd (dat volgt uit een ALV-besluit)."
    )


async def test_a_rate_needs_an_alv_decision(cooperative: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        await set_rate(cooperative, ACTOR, RateInput(2021, "0.35", "ALV-9999"))
    assert unknown.value.errors[0].code == "unknown_decision"
    with pytest.raises(ValidationFailed) as wrong:
        await set_rate(cooperative, ACTOR, RateInput(2021, "0.35", "RvC-2019-07"))
    assert wrong.value.errors[0].code == "wrong_body"
    assert wrong.value.errors[0].message == (
        "decision 'RvC-2019-07' is a RvC decision; this needs a decision of the ALV"
    )
    assert wrong.value.errors[0].text("nl") == (
        "Het besluit 'RvC-2019-07' is een besluit van de RvC; hiervoor is een besluit van de"
        " ALV nodig."
    )
    with pytest.raises(ValidationFailed) as missing:
        await set_rate(cooperative, ACTOR, RateInput(2021, "abc", ""))
    assert {e.field for e in missing.value.errors} == {"rate", "decision"}
    rate = next(e for e in missing.value.errors if e.field == "rate")
    assert (rate.code, rate.message) == (
        "invalid_rate",
        "rate: not a number; write for example 1234.56 or 1,234.56",
    )
    assert rate.text("nl") == (
        "Ongeldig tarief: Dit is geen getal; schrijf bijvoorbeeld 1234,56 of 1.234,56."
    )
