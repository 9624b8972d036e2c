"""Members find each other per application: interest, the community and who is in it.

Joining is `join_community` in the catalogue's service (the directie for anyone, a member's
admins for their own member); leaving before adopting is in `registry.usage.leaving`, which
knows the adoptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded
from registry.auth.policy import Permission, allows, require_for
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.models import (
    Application,
    ApplicationInterest,
    CommunityMember,
    JoinStage,
    ReviewStatus,
)
from registry.catalogue.service import join_community
from registry.catalogue.stewardship import may_see
from registry.kit.errors import NotFound, ValidationFailed
from registry.members import repository as members
from registry.members.figures import figures_of
from registry.members.lookup import member_or_refuse
from registry.members.models import Member
from registry.members.population import PopulationMissing, inhabitants_on


async def visible_application(session: AsyncSession, actor: Actor, slug: str) -> Application:
    """The application, if the actor may see it (published, or a proposal seen by a member)."""
    application = await repository.application_by_slug(session, slug)
    if (
        application is None
        or (
            application.review_status is ReviewStatus.REJECTED
            and not allows(actor, Permission.CATALOGUE_READ_UNPUBLISHED)
        )
        or not may_see(actor, application)
    ):
        raise NotFound(CatalogueRefusal.NOT_VISIBLE, slug=slug)
    return application


async def register_interest(
    session: AsyncSession, actor: Actor, slug: str, member_code: str, on: date
) -> ApplicationInterest:
    """A member says it is interested; the lead member sees who is."""
    member = await member_or_refuse(session, member_code)
    require_for(actor, Permission.COMMUNITY_TAKE_PART, CatalogueRefusal.COMMUNITY_FORBIDDEN, member)
    application = await visible_application(session, actor, slug)
    if any(i.member_id == member.id for i in await repository.interest_in(session, application.id)):
        raise ValidationFailed.single(
            "member", CatalogueRefusal.ALREADY_INTERESTED, member=member.name
        )
    interest = ApplicationInterest(
        application_id=application.id, member_id=member.id, registered_on=on
    )
    await add_recorded(
        session,
        actor,
        interest,
        entity_type="application_interest",
        entity_id=f"{application.slug}/{member.code}",
        member_id=member.id,
    )
    return interest


async def join(
    session: AsyncSession,
    actor: Actor,
    slug: str,
    member_code: str,
    stage: JoinStage,
    joined_on: date,
    today: date,
) -> CommunityMember:
    """Join a community on a day that has come, at a stage; the same rule as `join_community`."""
    if joined_on > today:
        raise ValidationFailed.single("joinedOn", CatalogueRefusal.JOIN_DATE_IN_FUTURE)
    await visible_application(session, actor, slug)
    return await join_community(session, actor, slug, member_code, stage, joined_on)


@dataclass(frozen=True, slots=True)
class Participation:
    member: Member
    stage: JoinStage
    joined_on: date
    inhabitants: int | None
    """The member's inhabitants on the day it joined; None without figures."""


@dataclass(frozen=True, slots=True)
class Interest:
    member: Member
    registered_on: date


@dataclass(frozen=True, slots=True)
class Community:
    application: Application
    participants: tuple[Participation, ...]
    interested: tuple[Interest, ...]

    @property
    def inhabitants(self) -> int:
        return sum(p.inhabitants or 0 for p in self.participants)


async def community(session: AsyncSession, application: Application) -> Community:
    """Who takes part (stage, date, inhabitants) and who said it is interested."""
    rows = await repository.community_of(session, application.id)
    interest = await repository.interest_in(session, application.id)
    by_id = await members.members_by_ids(
        session, [r.member_id for r in rows] + [i.member_id for i in interest]
    )
    municipalities = await members.municipalities_of_members(session, [r.member_id for r in rows])
    every = list({m.id: m for ms in municipalities.values() for m in ms}.values())
    figures = await figures_of(session, every)
    participants = []
    for row in rows:
        codes = [m.cbs_code for m in municipalities.get(row.member_id, [])]
        try:
            count: int | None = inhabitants_on(codes, figures, row.joined_on).total
        except PopulationMissing:
            count = None
        participants.append(
            Participation(by_id[row.member_id], row.stage, row.joined_on, count if codes else None)
        )
    return Community(
        application,
        tuple(participants),
        tuple(Interest(by_id[i.member_id], i.registered_on) for i in interest),
    )
