"""Municipalities and their population figures: the CBS import and the figures on a date.

Services flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record_many
from registry.audit.snapshot import Snapshot, snapshot
from registry.auth.roles import Actor
from registry.kit.errors import NotFound
from registry.members import repository
from registry.members.errors import MembersRefusal
from registry.members.models import (
    FigureStatus,
    Municipality,
    PopulationFigure,
)
from registry.members.operations import authorise
from registry.members.population import (
    Figure,
    Inhabitants,
    PopulationMissing,
    PopulationRow,
    inhabitants_on,
)
from registry.years.service import refuse_closed

CBS_SOURCE = "CBS StatLine 70072ned (Regionale kerncijfers Nederland), CC BY 4.0"


@dataclass(slots=True)
class ImportResult:
    municipalities_created: int = 0
    municipalities_renamed: int = 0
    figures_created: int = 0
    figures_corrected: int = 0
    figures_unchanged: int = 0


FiguresByDate = dict[tuple[int, date], PopulationFigure]
"""Stored figures by (municipality id, reference date)."""


async def _figures_by_date(
    session: AsyncSession, municipalities: Iterable[Municipality]
) -> FiguresByDate:
    ids = [m.id for m in municipalities]
    return {
        (f.municipality_id, f.reference_date): f for f in await repository.figures_for(session, ids)
    }


def _changes_figure(
    row: PopulationRow,
    known: Mapping[str, Municipality],
    stored: FiguresByDate,
    source: str,
    status: FigureStatus,
) -> bool:
    """Whether importing `row` adds a figure or changes a stored one (a rename does neither)."""
    municipality = known.get(row.cbs_code)
    figure = None if municipality is None else stored.get((municipality.id, row.reference_date))
    return figure is None or (figure.count, figure.source, figure.status) != (
        row.population,
        source,
        status,
    )


async def import_population(
    session: AsyncSession,
    actor: Actor,
    rows: Sequence[PopulationRow],
    *,
    source: str = CBS_SOURCE,
    status: FigureStatus = FigureStatus.FINAL,
) -> ImportResult:
    """Register municipalities and figures; a changed figure for the same date is a correction.

    A figure that is new or changed may not fall in a closed financial year (its reference
    date's year): that year's contributions and allocations were counted with the figures
    as they were, so the import is refused naming each such row's year. The caller's
    transaction makes the import all-or-nothing.
    """
    authorise(actor)
    result = ImportResult()
    changes: list[tuple[str, Municipality | PopulationFigure, Snapshot | None]] = []
    known = await repository.municipalities_by_codes(session, sorted({r.cbs_code for r in rows}))
    stored = await _figures_by_date(session, known.values())
    await refuse_closed(
        session,
        {
            f"rows[{row.line}].year": row.year
            for row in rows
            if _changes_figure(row, known, stored, source, status)
        },
    )
    for row in rows:
        municipality = known.get(row.cbs_code)
        if municipality is None:
            municipality = Municipality(cbs_code=row.cbs_code, name=row.name)
            session.add(municipality)
            known[row.cbs_code] = municipality
            changes.append(("create", municipality, None))
            result.municipalities_created += 1
        elif municipality.name != row.name:
            changes.append(("update", municipality, snapshot(municipality)))
            municipality.name = row.name
            result.municipalities_renamed += 1
    await session.flush()
    existing = await _figures_by_date(session, known.values())
    for row in rows:
        municipality = known[row.cbs_code]
        figure = existing.get((municipality.id, row.reference_date))
        if figure is None:
            figure = PopulationFigure(
                municipality_id=municipality.id,
                reference_date=row.reference_date,
                count=row.population,
                source=source,
                status=status,
            )
            session.add(figure)
            changes.append(("create", figure, None))
            result.figures_created += 1
        elif (figure.count, figure.source, figure.status) != (row.population, source, status):
            changes.append(("update", figure, snapshot(figure)))
            figure.count, figure.source, figure.status = row.population, source, status
            result.figures_corrected += 1
        else:
            result.figures_unchanged += 1
    await session.flush()
    await record_many(
        session,
        actor,
        [
            Change(operation, entity.__tablename__, str(entity.id), before, snapshot(entity))
            for operation, entity, before in changes
        ],
    )
    return result


def as_figures(
    municipalities: Sequence[Municipality], figures: Sequence[repository.FigureRow]
) -> list[Figure]:
    by_id = {m.id: m for m in municipalities}
    return [
        Figure(
            cbs_code=by_id[f.municipality_id].cbs_code,
            municipality=by_id[f.municipality_id].name,
            reference_date=f.reference_date,
            count=f.count,
            source=f.source,
            status=f.status.value,
        )
        for f in figures
        if f.municipality_id in by_id
    ]


async def figures_of(session: AsyncSession, municipalities: Sequence[Municipality]) -> list[Figure]:
    """Published figures, plus for a merger's successor without figures of its own the sum of
    its predecessors' figures per date (so a new municipality can be billed before CBS
    publishes it); the source says so.
    """
    ids = [m.id for m in municipalities]
    figures = as_figures(municipalities, await repository.figure_rows_for(session, ids))
    have = {f.cbs_code for f in figures}
    orphans = [m for m in municipalities if m.cbs_code not in have]
    successions = await repository.successions_into(session, [m.id for m in orphans])
    if not successions:
        return figures
    predecessor_ids = sorted({s.predecessor_id for s in successions})
    predecessors = await repository.municipalities_by_ids(session, predecessor_ids)
    earlier = as_figures(predecessors, await repository.figure_rows_for(session, predecessor_ids))
    by_id = {m.id: m for m in predecessors}
    for successor in orphans:
        codes = {
            by_id[s.predecessor_id].cbs_code for s in successions if s.successor_id == successor.id
        }
        dates = sorted({f.reference_date for f in earlier if f.cbs_code in codes})
        for on in dates:
            parts = sorted(
                (f for f in earlier if f.cbs_code in codes and f.reference_date == on),
                key=lambda f: f.cbs_code,
            )
            if {f.cbs_code for f in parts} != codes:
                continue
            figures.append(
                Figure(
                    cbs_code=successor.cbs_code,
                    municipality=successor.name,
                    reference_date=on,
                    count=sum(f.count for f in parts),
                    source="sum of predecessors "
                    + ", ".join(f"{f.cbs_code} {f.count}" for f in parts)
                    + f" ({parts[0].source})",
                    status="derived",
                )
            )
    return figures


async def member_inhabitants(session: AsyncSession, member_code: str, on: date) -> Inhabitants:
    """Inhabitants of a member on a date: the sum over the municipalities it stands for."""
    member = await repository.member_by_code(session, member_code)
    if member is None:
        raise NotFound(MembersRefusal.NO_MEMBER, code=member_code)
    municipalities = (await repository.municipalities_of_members(session, [member.id]))[member.id]
    figures = await figures_of(session, municipalities)
    return inhabitants_on([m.cbs_code for m in municipalities], figures, on)


def latest_inhabitants(
    municipalities: Sequence[Municipality], figures: Sequence[Figure]
) -> tuple[Inhabitants | None, list[str]]:
    """Inhabitants on the latest reference date any of the member's municipalities has."""
    codes = [m.cbs_code for m in municipalities]
    own = [f for f in figures if f.cbs_code in codes]
    if not codes or not own:
        return None, codes
    latest = max(f.reference_date for f in own)
    try:
        return inhabitants_on(codes, own, latest), []
    except PopulationMissing as missing:
        return None, list(missing.cbs_codes)


async def municipalities_and_figures(
    session: AsyncSession, member_ids: Sequence[int]
) -> tuple[dict[int, list[Municipality]], list[Figure]]:
    """The members' municipalities and their figures, as the fee run counts them: a merger's
    successor that CBS has not published yet counts by its predecessors' figures."""
    municipalities = await repository.municipalities_of_members(session, member_ids)
    every = list({m.id: m for ms in municipalities.values() for m in ms}.values())
    return municipalities, await figures_of(session, every)
