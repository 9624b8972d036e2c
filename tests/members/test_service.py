from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.audit.service import verify_log
from registry.auth.roles import system_actor
from registry.db import transaction
from registry.kit.errors import NotFound, ValidationFailed
from registry.members.figures import import_population, member_inhabitants
from registry.members.models import FigureStatus, Member, Municipality, PopulationFigure
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput, create_member

ACTOR = system_actor("test")

CSV = (
    "cbs_code,name,year,population\n"
    "GM0757,Boxtel,2020,30801\n"
    "GM0845,Sint-Michielsgestel,2020,29208\n"
    "GM0632,Woerden,2020,52299\n"
)


async def _count(session: AsyncSession, model: type[object]) -> int:
    return (await session.scalar(select(func.count()).select_from(model))) or 0


async def test_import_registers_municipalities_and_figures(session: AsyncSession) -> None:
    result = await import_population(session, ACTOR, parse_cbs_csv(CSV), source="CBS test")
    assert (result.municipalities_created, result.figures_created) == (3, 3)
    figure = await session.scalar(
        select(PopulationFigure).join(Municipality).where(Municipality.cbs_code == "GM0632")
    )
    assert figure is not None
    assert (figure.count, figure.reference_date, figure.source, figure.status) == (
        52_299,
        date(2020, 1, 1),
        "CBS test",
        FigureStatus.FINAL,
    )


async def test_reimport_is_idempotent_and_a_changed_figure_is_a_correction(
    session: AsyncSession,
) -> None:
    await import_population(session, ACTOR, parse_cbs_csv(CSV))
    again = await import_population(session, ACTOR, parse_cbs_csv(CSV))
    assert (again.figures_created, again.figures_corrected, again.figures_unchanged) == (0, 0, 3)
    corrected = CSV.replace("52299", "52300").replace("Boxtel,", "Boxtel (NB),")
    result = await import_population(session, ACTOR, parse_cbs_csv(corrected))
    assert (result.figures_corrected, result.municipalities_renamed) == (1, 1)
    assert await _count(session, PopulationFigure) == 3
    assert (await _figure_of(session, "GM0632")) == 52_300


async def _figure_of(session: AsyncSession, code: str) -> int:
    figure = await session.scalar(
        select(PopulationFigure.count).join(Municipality).where(Municipality.cbs_code == code)
    )
    assert figure is not None
    return figure


async def test_gr_member_stands_for_the_sum_of_its_municipalities(session: AsyncSession) -> None:
    await import_population(session, ACTOR, parse_cbs_csv(CSV))
    await create_member(
        session,
        ACTOR,
        MemberInput(
            "gr-bsmg",
            "Werkorganisatie Boxtel en Sint-Michielsgestel",
            "gemeenschappelijke_regeling",
            ("GM0757", "gm0845"),
            oin="00000003820452941000",
            kvk="64213854",
        ),
    )
    inhabitants = await member_inhabitants(session, "gr-bsmg", date(2020, 1, 1))
    assert inhabitants.total == 60_009
    assert [(f.cbs_code, f.count) for f in inhabitants.figures] == [
        ("GM0757", 30_801),
        ("GM0845", 29_208),
    ]
    with pytest.raises(NotFound):
        await member_inhabitants(session, "unknown", date(2020, 1, 1))


async def test_invalid_member_reports_every_field_and_stores_nothing(
    session: AsyncSession,
) -> None:
    await import_population(session, ACTOR, parse_cbs_csv(CSV))
    await create_member(
        session, ACTOR, MemberInput("woerden", "Gemeente Woerden", "gemeente", ("GM0632",))
    )
    with pytest.raises(ValidationFailed) as caught:
        await create_member(
            session,
            ACTOR,
            MemberInput(
                "woerden",
                "",
                "stichting",
                ("GM0632", "GM9999", "XX"),
                oin="123",
                kvk="12345",
            ),
        )
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("code", "duplicate"),
        ("name", "required"),
        ("type", "not_government_body"),
        ("oin", "invalid_oin"),
        ("kvk", "invalid_kvk"),
        ("municipalities[1]", "unknown_municipality"),
        ("municipalities[2]", "invalid_cbs_code"),
    }
    assert await _count(session, Member) == 1


async def test_failed_import_changes_nothing(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(session_factory) as session:
        await import_population(session, ACTOR, parse_cbs_csv(CSV))
    rows = parse_cbs_csv(CSV.replace("52299", "99999") + "GM0772,Eindhoven,2020,234394\n")

    async def interrupted() -> None:
        async with transaction(session_factory) as session:
            await import_population(session, ACTOR, rows)
            raise RuntimeError("interrupted after the import, before commit")

    with pytest.raises(RuntimeError):
        await interrupted()
    async with session_factory() as session:
        assert await _count(session, Municipality) == 3
        assert await _figure_of(session, "GM0632") == 52_299


async def test_every_imported_figure_is_audited_in_one_chain(session: AsyncSession) -> None:
    await import_population(session, ACTOR, parse_cbs_csv(CSV))
    corrected = CSV.replace("52299", "52300")
    await import_population(session, ACTOR, parse_cbs_csv(corrected))
    events = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [(e.operation, e.entity_type) for e in events] == [
        *[("create", "municipality")] * 3,
        *[("create", "population_figure")] * 3,
        ("update", "population_figure"),
    ]
    assert '"count":52299' in (events[-1].before or "")
    assert '"count":52300' in (events[-1].after or "")
    verdict = await verify_log(session)
    assert verdict.broken is None
    assert verdict.events == 7
