"""A close and a write of the same year at the same moment: never both win.

Two real connections. The writer holds the year (shared) while it writes; the close waits
for its commit and then closes; a write after the close is refused. Or the close commits
first and the writer, which waited, is refused. Either way nothing is dated in a closed year.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.db import transaction
from registry.fees.models import ContributionRate
from registry.fees.service import RateInput, set_rate
from registry.kit.errors import ValidationFailed
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.models import PopulationFigure
from registry.members.population import PopulationRow
from registry.usage.models import UsageTariff
from registry.usage.tariffs import TariffInput, set_tariff
from registry.years.models import FinancialYear, YearStatus
from registry.years.service import close_year
from tests.helpers.cooperative import ACTOR

TODAY = date(2023, 7, 1)


async def _prepare(factory: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(factory) as session:
        for body, reference, on in (
            ("alv", "ALV-2021-12", date(2021, 12, 10)),
            ("directie", "DIR-2023-09", date(2023, 4, 1)),
        ):
            await record_decision(session, ACTOR, DecisionInput(body, on, reference, reference))
        await create_application(
            session, ACTOR, "zaken", ApplicationInput(name="Zaken"), ApplicationStatus.PRODUCTION
        )


async def _rows_of_2022(factory: async_sessionmaker[AsyncSession], what: Counted) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).where(what)) or 0)


Write = Callable[[AsyncSession], Awaitable[object]]
Counted = ColumnElement[bool]
WRITERS: dict[str, tuple[Write, Counted]] = {
    "contribution rate": (
        lambda s: set_rate(s, ACTOR, RateInput(2022, "0.40", "ALV-2021-12")),
        ContributionRate.year == 2022,
    ),
    "population figure": (
        lambda s: import_population(
            s, ACTOR, [PopulationRow(2, "GM0632", "Woerden", 2022, 52_900)]
        ),
        PopulationFigure.reference_date == date(2022, 1, 1),
    ),
    "usage tariff": (
        lambda s: set_tariff(
            s, ACTOR, TariffInput("zaken", "active_users", "0.55", "2022-06", "ALV-2021-12")
        ),
        UsageTariff.valid_from == date(2022, 6, 1),
    ),
}
"""Writers of numbers of a year: each is refused once the year is closed (see refuse_closed)."""


@pytest.mark.parametrize("writer", sorted(WRITERS))
async def test_a_write_that_holds_the_year_makes_the_close_wait(
    session_factory: async_sessionmaker[AsyncSession], writer: str
) -> None:
    written, counted = WRITERS[writer]
    await _prepare(session_factory)
    order: list[str] = []
    writer_holds = asyncio.Event()

    async def write() -> None:
        async with transaction(session_factory) as session:
            await written(session)
            order.append("written")
            writer_holds.set()
            await asyncio.sleep(0.3)
            order.append("write commits")

    async def close() -> None:
        await writer_holds.wait()
        async with transaction(session_factory) as session:
            await close_year(session, ACTOR, 2022, "DIR-2023-09", TODAY)
            order.append("year closed")

    await asyncio.gather(write(), close())
    assert order == ["written", "write commits", "year closed"]
    assert await _rows_of_2022(session_factory, counted) == 1


@pytest.mark.parametrize("writer", sorted(WRITERS))
async def test_a_write_that_comes_while_the_close_holds_the_year_is_refused(
    session_factory: async_sessionmaker[AsyncSession], writer: str
) -> None:
    written, counted = WRITERS[writer]
    await _prepare(session_factory)
    order: list[str] = []
    close_holds = asyncio.Event()

    async def close() -> None:
        async with transaction(session_factory) as session:
            await close_year(session, ACTOR, 2022, "DIR-2023-09", TODAY)
            order.append("year closed")
            close_holds.set()
            await asyncio.sleep(0.3)
            order.append("close commits")

    async def write() -> None:
        await close_holds.wait()
        try:
            async with transaction(session_factory) as session:
                await written(session)
                order.append("written")
        except ValidationFailed as refused:
            order.append(refused.errors[0].code)

    await asyncio.gather(close(), write())
    assert order == ["year closed", "close commits", "year_closed"]
    assert await _rows_of_2022(session_factory, counted) == 0
    async with session_factory() as session:
        row = await session.get(FinancialYear, 2022)
        assert row is not None
        assert row.status is YearStatus.CLOSED
