"""The CBS figures of 2020–2025 and the mergers between them ship with the registry: the demo
loads them, applies the mergers, and rates its years by 1 January of the year by default."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from registry.cli import app
from registry.db import transaction
from registry.fees.models import FeeLine, FeeRun, PopulationPolicy
from registry.fees.service import RateInput
from registry.members.models import Municipality, PopulationFigure
from registry.members.population import parse_cbs_csv
from registry.members.shipped import SHIPPED_YEARS, SOURCES, mergers, population_csv
from registry.settings import PROJECT_ROOT
from tests.conftest import DemoTemplate

CBS_TOTALS = {
    2020: (355, 17_407_585),
    2021: (352, 17_475_415),
    2022: (345, 17_590_672),
    2023: (342, 17_811_291),
    2024: (342, 17_942_942),
    2025: (342, 18_044_027),
}
"""Rows and the CBS total for the Netherlands on 1 January of each year."""


@pytest.mark.parametrize("year", SHIPPED_YEARS)
def test_each_year_sums_to_the_cbs_total_of_the_netherlands(year: int) -> None:
    rows = parse_cbs_csv(population_csv(year))
    assert (len(rows), sum(r.population for r in rows)) == CBS_TOTALS[year]
    assert {r.year for r in rows} == {year}
    assert len({r.cbs_code for r in rows}) == len(rows)


def test_known_figures() -> None:
    def figure(year: int, code: str) -> int:
        return next(r.population for r in parse_cbs_csv(population_csv(year)) if r.cbs_code == code)

    assert figure(2020, "GM0772") == 234_394  # Eindhoven
    assert figure(2025, "GM0772") == 249_035
    assert figure(2025, "GM0632") == 53_976  # Woerden
    assert figure(2025, "GM0363") == 934_526  # Amsterdam


def test_the_mergers_follow_from_the_yearly_lists() -> None:
    merged, splits = mergers()
    codes = {
        year: {r.cbs_code for r in parse_cbs_csv(population_csv(year))} for year in SHIPPED_YEARS
    }
    for merger in merged:
        year = merger.effective_date.year
        assert merger.effective_date == date(year, 1, 1)
        # The predecessors are in the list of the year before and gone from this year's, where
        # the successor stands.
        assert set(merger.predecessor_codes) <= codes[year - 1]
        assert not set(merger.predecessor_codes) & codes[year]
        assert merger.successor_code in codes[year]
    assert [
        (m.successor_name, m.effective_date.year, len(m.predecessor_codes)) for m in merged
    ] == [
        ("Eemsdelta", 2021, 3),
        ("Purmerend", 2022, 1),
        ("Dijk en Waard", 2022, 2),
        ("Land van Cuijk", 2022, 5),
        ("Maashorst", 2022, 2),
        ("Amsterdam", 2023, 1),  # Weesp, 24 March 2022: counted in Amsterdam from 1 January 2023
        ("Voorne aan Zee", 2023, 3),
    ]
    [haaren] = splits
    assert (haaren.cbs_code, len(haaren.successor_codes)) == ("GM0788", 4)


def test_the_package_reads_nothing_from_outside_the_project() -> None:
    for path in (PROJECT_ROOT / "registry").rglob("*.py"):
        assert "shared/data" not in path.read_text(encoding="utf-8"), path


def test_one_january_of_the_year_is_the_default_policy() -> None:
    assert RateInput(2027, "0.36", "ALV-2026-12").population_policy is (
        PopulationPolicy.JANUARY_FIRST
    )
    schema = (PROJECT_ROOT / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    assert "populationPolicy: PopulationPolicy! = JANUARY_FIRST" in schema


@pytest.fixture
async def demo(
    session_factory: async_sessionmaker[AsyncSession], demo_template: DemoTemplate
) -> async_sessionmaker[AsyncSession]:
    async with transaction(session_factory) as session:
        await demo_template.copy_into(session)
    return session_factory


async def test_the_demo_has_every_year_and_the_mergers(
    demo: async_sessionmaker[AsyncSession],
) -> None:
    async with demo() as session:
        municipalities = {m.cbs_code: m for m in await session.scalars(select(Municipality))}
        figures = (
            await session.execute(
                select(
                    Municipality.cbs_code,
                    PopulationFigure.reference_date,
                    PopulationFigure.count,
                    PopulationFigure.source,
                ).join(PopulationFigure.municipality)
            )
        ).all()
    merged, _ = mergers()
    for merger in merged:
        for code in merger.predecessor_codes:
            assert municipalities[code].valid_to == date(merger.effective_date.year - 1, 12, 31)
        assert municipalities[merger.successor_code].valid_to is None
    # The municipalities of 2025 are the current ones (Haaren, split over four, stays on).
    current = {code for code, m in municipalities.items() if m.valid_to is None}
    assert current - {"GM0788"} == {r.cbs_code for r in parse_cbs_csv(population_csv(2025))}
    for year in SHIPPED_YEARS:
        on = [f for f in figures if f.reference_date == date(year, 1, 1)]
        assert (len(on), sum(f.count for f in on)) == CBS_TOTALS[year]
        assert {f.source for f in on} == {SOURCES[year]}


async def test_demo_fees_use_1_january_of_the_year(demo: async_sessionmaker[AsyncSession]) -> None:
    async with demo() as session:
        lines = (
            await session.execute(
                select(FeeRun.year, FeeLine)
                .join(FeeLine, FeeLine.run_id == FeeRun.id)
                .where(FeeLine.member_code == "woerden")
            )
        ).all()
    by_year = {year: line for year, line in lines}
    assert (by_year[2024].population_basis, by_year[2024].reference_date) == (
        PopulationPolicy.JANUARY_FIRST,
        date(2024, 1, 1),
    )
    assert (by_year[2025].inhabitants, by_year[2025].population_basis) == (
        53_976,
        PopulationPolicy.JANUARY_FIRST,
    )
    # 2026 is rated before CBS publishes 1 January 2026: the latest published, of 2025.
    assert (by_year[2026].inhabitants, by_year[2026].reference_date) == (53_976, date(2025, 1, 1))
    assert by_year[2026].population_basis is PopulationPolicy.LATEST_PUBLISHED


runner = CliRunner()


async def test_population_import_of_the_shipped_figures(
    cli_db: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    result = await asyncio.to_thread(runner.invoke, app, ["population", "import", "--shipped"])
    assert result.exit_code == 0, result.output
    assert "2025: 342 figures, 342 new" in result.output
    again = await asyncio.to_thread(runner.invoke, app, ["population", "import", "--shipped"])
    assert "2025: 342 figures, 0 new, 342 unchanged" in again.output
    async with session_factory() as session:
        count = await session.scalar(
            select(PopulationFigure.count)
            .join(PopulationFigure.municipality)
            .where(
                Municipality.cbs_code == "GM0772",
                PopulationFigure.reference_date == date(2025, 1, 1),
            )
        )
    assert count == 249_035
    both = await asyncio.to_thread(
        runner.invoke, app, ["population", "import", "--shipped", str(Path(__file__))]
    )
    assert both.exit_code == 2


def test_the_data_folder_names_source_and_licence() -> None:
    readme = (PROJECT_ROOT / "registry" / "members" / "data" / "README.md").read_text()
    assert readme.count("CC BY 4.0") >= 1
    assert '"Bron: CBS"' in readme
    for year in SHIPPED_YEARS:
        assert f"cbs_population_{year}.csv" in readme
    header = next(csv.reader(io.StringIO(population_csv(2025))))
    assert header == ["cbs_code", "name", "year", "population"]
