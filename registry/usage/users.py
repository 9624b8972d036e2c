"""Who uses which application in production, and the inhabitants they serve, for many
applications at once: the application page, the public catalogue and the member overview
read the same figures with a fixed number of queries, however many applications they show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.models import Member, Municipality
from registry.members.population import Figure, inhabitants_on
from registry.usage.models import Adoption, AdoptionStage

IN_USE = (AdoptionStage.IN_PRODUCTION, AdoptionStage.PHASING_OUT)
"""The stages in which a member uses an application."""


@dataclass(frozen=True, slots=True)
class Users:
    """The members using an application in production, and the inhabitants they serve."""

    members: tuple[Member, ...]
    inhabitants: int
    reference_date: date | None
    """The latest figures' date; a municipality is counted once even if two users serve it."""
    municipalities: tuple[Municipality, ...] = ()
    """The municipalities the users stand for, by CBS code, each once."""


NO_USERS = Users(members=(), inhabitants=0, reference_date=None)


def served(
    municipalities: Iterable[Municipality], figures: Sequence[Figure]
) -> tuple[int, date | None]:
    """Inhabitants of the municipalities on the latest reference date any of them has (each
    counted by its latest figure, as `inhabitants_on` does); municipalities without any
    figure are left out rather than making the whole count unknown."""
    codes = {m.cbs_code for m in municipalities} & {f.cbs_code for f in figures}
    if not codes:
        return 0, None
    latest = max(f.reference_date for f in figures if f.cbs_code in codes)
    counted = inhabitants_on(codes, figures, latest)
    return counted.total, latest


async def in_use(
    session: AsyncSession, application_ids: Sequence[int] | None = None
) -> dict[int, set[int]]:
    """Application id → ids of the members using it; every application when no ids are given."""
    query = select(Adoption.application_id, Adoption.member_id).where(Adoption.stage.in_(IN_USE))
    if application_ids is not None:
        if not application_ids:
            return {}
        query = query.where(Adoption.application_id.in_(application_ids))
    result: dict[int, set[int]] = {}
    for application_id, member_id in await session.execute(query):
        result.setdefault(application_id, set()).add(member_id)
    return result


async def users_of_applications(
    session: AsyncSession, application_ids: Sequence[int] | None = None
) -> dict[int, Users]:
    """The users of each application (every application in use when no ids are given).

    Applications nobody uses are absent: use `NO_USERS` for them.
    """
    using = await in_use(session, application_ids)
    member_ids = sorted({m for ids in using.values() for m in ids})
    found = await members.members_by_ids(session, member_ids)
    municipalities = await members.municipalities_of_members(session, member_ids)
    every = list({m.id: m for ms in municipalities.values() for m in ms}.values())
    by_code: dict[str, list[Figure]] = {}
    for figure in await figures_of(session, every):
        by_code.setdefault(figure.cbs_code, []).append(figure)
    result: dict[int, Users] = {}
    for application_id, ids in using.items():
        served_by = {m.cbs_code: m for i in ids for m in municipalities[i]}
        own = [f for code in served_by for f in by_code.get(code, [])]
        inhabitants, reference_date = served(served_by.values(), own)
        result[application_id] = Users(
            members=tuple(sorted((found[i] for i in ids), key=lambda m: (m.name, m.code))),
            inhabitants=inhabitants,
            reference_date=reference_date,
            municipalities=tuple(served_by[code] for code in sorted(served_by)),
        )
    return result
