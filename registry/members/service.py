"""Rules for municipalities, population figures and members. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record, record_many
from registry.audit.snapshot import Snapshot, snapshot
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.kit.errors import ErrorCollector, Forbidden, NotFound
from registry.members import identifiers, repository
from registry.members.errors import member_type
from registry.members.membership import Dates
from registry.members.membership import is_member_on as is_member_on_date
from registry.members.models import (
    ApprovalOutcome,
    FigureStatus,
    Member,
    Membership,
    Municipality,
    PopulationFigure,
)
from registry.members.population import Figure, Inhabitants, PopulationRow, inhabitants_on

CBS_SOURCE = "CBS StatLine 70072ned (Regionale kerncijfers Nederland), CC BY 4.0"


@dataclass(slots=True)
class ImportResult:
    municipalities_created: int = 0
    municipalities_renamed: int = 0
    figures_created: int = 0
    figures_corrected: int = 0
    figures_unchanged: int = 0


def _authorise(actor: Actor) -> None:
    if not allows(actor, Permission.MEMBERS_MANAGE):
        raise Forbidden("only the directie manages members and population figures")


async def import_population(
    session: AsyncSession,
    actor: Actor,
    rows: Sequence[PopulationRow],
    *,
    source: str = CBS_SOURCE,
    status: FigureStatus = FigureStatus.FINAL,
) -> ImportResult:
    """Register municipalities and figures; a changed figure for the same date is a correction.

    The caller's transaction makes the import all-or-nothing.
    """
    _authorise(actor)
    result = ImportResult()
    changes: list[tuple[str, Municipality | PopulationFigure, Snapshot | None]] = []
    known = await repository.municipalities_by_codes(session, sorted({r.cbs_code for r in rows}))
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
    existing = {
        (f.municipality_id, f.reference_date): f
        for f in await repository.figures_for(session, [m.id for m in known.values()])
    }
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


@dataclass(frozen=True, slots=True)
class MemberInput:
    code: str
    name: str
    type: str
    municipalities: Sequence[str] = field(default_factory=tuple)
    oin: str | None = None
    kvk: str | None = None


async def create_member(session: AsyncSession, actor: Actor, data: MemberInput) -> Member:
    """Register a member organisation; only government bodies, identifiers validated."""
    _authorise(actor)
    errors = ErrorCollector()
    code = data.code.strip()
    if not code:
        errors.add("code", "required", "a member code is required")
    elif await repository.member_by_code(session, code) is not None:
        errors.add("code", "duplicate", f"a member with code '{code}' already exists")
    name = data.name.strip()
    if not name:
        errors.add("name", "required", "a name is required")
    kind = errors.check(partial(member_type, data.type))
    oin = errors.check(partial(identifiers.oin, data.oin)) if data.oin else None
    kvk = errors.check(partial(identifiers.kvk, data.kvk)) if data.kvk else None
    codes: list[str] = []
    for i, raw in enumerate(data.municipalities):
        checked = errors.check(partial(identifiers.cbs_code, raw, f"municipalities[{i}]"))
        if checked is not None:
            codes.append(checked)
    known = await repository.municipalities_by_codes(session, codes)
    for i, cbs in enumerate(codes):
        if cbs not in known:
            errors.add(f"municipalities[{i}]", "unknown_municipality", f"no municipality {cbs}")
    errors.raise_if_any()
    assert kind is not None
    member = Member(
        code=code,
        name=name,
        type=kind,
        oin=oin,
        kvk=kvk,
        municipalities=[known[c] for c in dict.fromkeys(codes)],
    )
    session.add(member)
    await session.flush()
    await record(
        session,
        actor,
        operation="create",
        entity_type="member",
        entity_id=member.code,
        before=None,
        after=snapshot(member, municipalities=[m.cbs_code for m in member.municipalities]),
        member_id=member.id,
    )
    return member


def as_figures(
    municipalities: Sequence[Municipality], figures: Sequence[PopulationFigure]
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


async def member_inhabitants(session: AsyncSession, member_code: str, on: date) -> Inhabitants:
    """Inhabitants of a member on a date: the sum over the municipalities it stands for."""
    member = await repository.member_by_code(session, member_code)
    if member is None:
        raise NotFound(f"no member with code '{member_code}'")
    municipalities = (await repository.municipalities_of_members(session, [member.id]))[member.id]
    figures = await repository.figures_for(session, [m.id for m in municipalities])
    return inhabitants_on(
        [m.cbs_code for m in municipalities], as_figures(municipalities, figures), on
    )


def membership_dates(membership: Membership) -> Dates:
    approved = (
        None
        if membership.approval_outcome is None
        else membership.approval_outcome is ApprovalOutcome.APPROVED
    )
    return Dates(
        applied_on=membership.applied_on,
        approved=approved,
        start_date=membership.start_date,
        notice_date=membership.notice_date,
        end_date=membership.end_date,
    )


async def is_member_on(session: AsyncSession, member_id: int, on: date) -> bool:
    """Whether the member is admitted and not ended on that date (other domains ask this)."""
    memberships = (await repository.memberships_of_members(session, [member_id]))[member_id]
    return any(is_member_on_date(membership_dates(m), on) for m in memberships)


async def membership_end(session: AsyncSession, member_id: int) -> date | None:
    """The end date of the member's latest admitted membership, if notice was given."""
    memberships = (await repository.memberships_of_members(session, [member_id]))[member_id]
    admitted = [m for m in memberships if m.start_date is not None]
    return admitted[-1].end_date if admitted else None
