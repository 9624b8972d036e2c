"""Adoptions and usage rights: a member starts, advances and ends using an application,
and who uses what. Services flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record_many
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, allows, require
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.catalogue.models import Application, ApplicationStatus, CommunityMember, JoinStage
from registry.kit.errors import ErrorCollector, Forbidden, NotFound, ValidationFailed
from registry.members import repository as members
from registry.members.lookup import member_or_refuse
from registry.members.memberships import is_member_on, membership_end, membership_end_of
from registry.usage import repository
from registry.usage.errors import UsageRefusal
from registry.usage.models import (
    Adoption,
    AdoptionStage,
    UsageRight,
)
from registry.usage.rules import (
    check_advance,
    stage_field,
)
from registry.usage.users import IN_USE, NO_USERS, Users, users_of_applications
from registry.webhooks.events import EventType
from registry.webhooks.service import emit


async def application_or_refuse(
    session: AsyncSession, slug: str, field: str = "application"
) -> Application:
    application = await catalogue.application_by_slug(session, slug)
    if application is None:
        raise ValidationFailed.single(field, UsageRefusal.UNKNOWN_APPLICATION, application=slug)
    return application


def _join_stage(status: ApplicationStatus) -> JoinStage:
    if status in (ApplicationStatus.IDEA, ApplicationStatus.EXPLORATION):
        return JoinStage.IDEA
    if status is ApplicationStatus.BUILD:
        return JoinStage.DEVELOPMENT
    return JoinStage.COMPLETE_PACKAGE


@dataclass(frozen=True, slots=True)
class AdoptionInput:
    member: str
    application: str
    acquisition_on: date
    module: str = ""
    version: str = ""
    contact_name: str = ""
    contact_email: str = ""


async def adopt(session: AsyncSession, actor: Actor, data: AdoptionInput, today: date) -> Adoption:
    """A member starts using an application: adoption, usage right, community participation."""
    member = await member_or_refuse(session, data.member)
    require(actor, Permission.ADOPTION_MANAGE, UsageRefusal.ADOPT_FORBIDDEN, member_id=member.id)
    application = await application_or_refuse(session, data.application)
    errors = ErrorCollector()
    if data.acquisition_on > today:
        errors.add("acquisitionOn", UsageRefusal.ACQUISITION_IN_FUTURE)
    if not await is_member_on(session, member.id, data.acquisition_on):
        errors.add(
            "member", UsageRefusal.NOT_ACTIVE_MEMBER, member=member.name, day=data.acquisition_on
        )
    if application.status is ApplicationStatus.RETIRED:
        errors.add("application", UsageRefusal.APPLICATION_RETIRED, application=application.name)
    existing = (await repository.adoptions_of_members(session, [member.id]))[member.id]
    if any(
        a.application_id == application.id and a.stage is not AdoptionStage.PHASED_OUT
        for a in existing
    ):
        errors.add(
            "application",
            UsageRefusal.ALREADY_ADOPTED,
            member=member.name,
            application=application.name,
        )
    errors.raise_if_any()
    adoption = Adoption(
        member_id=member.id,
        application_id=application.id,
        stage=AdoptionStage.ACQUISITION,
        acquisition_on=data.acquisition_on,
        module=data.module.strip(),
        version=data.version.strip(),
        contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip(),
    )
    session.add(adoption)
    await session.flush()
    right = UsageRight(
        adoption_id=adoption.id,
        member_id=member.id,
        application_id=application.id,
        licence=application.licence,
        start_date=data.acquisition_on,
    )
    session.add(right)
    changes = [
        Change("create", "adoption", str(adoption.id), None, snapshot(adoption), member.id),
    ]
    community = await catalogue.community_of(session, application.id)
    if all(c.member_id != member.id for c in community):
        joined = CommunityMember(
            application_id=application.id,
            member_id=member.id,
            stage=_join_stage(application.status),
            joined_on=data.acquisition_on,
        )
        session.add(joined)
        await session.flush()
        changes.append(
            Change("create", "community_member", str(joined.id), None, snapshot(joined), member.id)
        )
    await session.flush()
    changes.append(Change("create", "usage_right", str(right.id), None, snapshot(right), member.id))
    await record_many(session, actor, changes)
    await _stage_changed(session, adoption, application.slug, member.code, data.acquisition_on)
    return adoption


async def advance(
    session: AsyncSession,
    actor: Actor,
    adoption_id: int,
    stage: AdoptionStage,
    on: date,
    today: date,
    member: str | None = None,
) -> Adoption:
    """Move an adoption forward; phasing out completely ends the usage right that day.

    `member`, when given, must be the adoption's member (the API names it to authorise).
    """
    adoption = await repository.adoption_by_id(session, adoption_id)
    owner = await members.members_by_ids(session, [adoption.member_id]) if adoption else {}
    if adoption is None or (member is not None and owner[adoption.member_id].code != member):
        if member is None:
            raise NotFound(UsageRefusal.NO_ADOPTION, adoption=str(adoption_id))
        raise NotFound(UsageRefusal.NO_ADOPTION_OF, adoption=str(adoption_id), member=member)
    require(
        actor,
        Permission.ADOPTION_MANAGE,
        UsageRefusal.ADVANCE_FORBIDDEN,
        member_id=adoption.member_id,
    )
    application = (await catalogue.applications_by_ids(session, [adoption.application_id]))[
        adoption.application_id
    ]
    previous = getattr(adoption, stage_field(adoption.stage))
    check_advance(adoption.stage, stage, on, previous, today, application.status)
    before = snapshot(adoption)
    adoption.stage = stage
    setattr(adoption, stage_field(stage), on)
    changes = []
    if stage is AdoptionStage.PHASED_OUT:
        right = await repository.right_of_adoption(session, adoption.id)
        if right is not None:
            right_before = snapshot(right)
            right.end_date = on
            changes.append(
                Change(
                    "end",
                    "usage_right",
                    str(right.id),
                    right_before,
                    snapshot(right),
                    right.member_id,
                )
            )
    await session.flush()
    changes.insert(
        0,
        Change(
            "advance", "adoption", str(adoption.id), before, snapshot(adoption), adoption.member_id
        ),
    )
    await record_many(session, actor, changes)
    await _stage_changed(session, adoption, application.slug, owner[adoption.member_id].code, on)
    return adoption


async def _stage_changed(
    session: AsyncSession, adoption: Adoption, application: str, member: str, on: date
) -> None:
    """Tell the webhook subscribers that an adoption is in a (new) stage."""
    await emit(
        session,
        EventType.ADOPTION_STAGE_CHANGED,
        {
            "adoption": adoption.id,
            "application": application,
            "member": member,
            "stage": adoption.stage.value,
            "on": on.isoformat(),
        },
        member_id=adoption.member_id,
    )


async def effective_end(session: AsyncSession, right: UsageRight) -> date | None:
    """A usage right ends with its adoption, or with the membership, whichever is first."""
    return _right_ends(right, await membership_end(session, right.member_id))


async def users_of(session: AsyncSession, application_id: int) -> Users:
    found = await users_of_applications(session, [application_id])
    return found.get(application_id, NO_USERS)


async def applications_in_use(session: AsyncSession, member_id: int) -> list[Application]:
    return (await applications_in_use_of_members(session, [member_id]))[member_id]


async def applications_in_use_of_members(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[Application]]:
    adoptions = await repository.adoptions_of_members(session, member_ids)
    in_use = {i: {a.application_id for a in adoptions[i] if a.stage in IN_USE} for i in member_ids}
    found = await catalogue.applications_by_ids(
        session, sorted({a for ids in in_use.values() for a in ids})
    )
    return {i: sorted((found[a] for a in ids), key=lambda a: a.name) for i, ids in in_use.items()}


@dataclass(frozen=True, slots=True)
class AdoptionView:
    adoption: Adoption
    application: Application
    right: UsageRight | None
    right_ends: date | None


async def adoptions_of(session: AsyncSession, actor: Actor, member_id: int) -> list[AdoptionView]:
    """A member's adoptions with their usage rights (for the member, directie and auditors)."""
    return (await adoptions_of_members(session, actor, [member_id]))[member_id]


async def adoptions_of_members(
    session: AsyncSession, actor: Actor, member_ids: Sequence[int]
) -> dict[int, list[AdoptionView]]:
    """Each member's adoptions with their usage rights, in a fixed number of queries."""
    if not all(allows(actor, Permission.MEMBER_READ_PRIVATE, i) for i in member_ids):
        raise Forbidden(UsageRefusal.ADOPTIONS_PRIVATE)
    adoptions = await repository.adoptions_of_members(session, member_ids)
    applications = await catalogue.applications_by_ids(
        session, sorted({a.application_id for adopted in adoptions.values() for a in adopted})
    )
    rights = await repository.rights_for(
        session,
        [(a.member_id, a.application_id) for adopted in adoptions.values() for a in adopted],
    )
    by_adoption = {r.adoption_id: r for rs in rights.values() for r in rs}
    memberships = await members.memberships_of_members(session, member_ids)
    ended = {i: membership_end_of(ms) for i, ms in memberships.items()}
    views: dict[int, list[AdoptionView]] = {i: [] for i in member_ids}
    for member_id, adopted in adoptions.items():
        for adoption in adopted:
            right = by_adoption.get(adoption.id)
            views[member_id].append(
                AdoptionView(
                    adoption,
                    applications[adoption.application_id],
                    right,
                    _right_ends(right, ended[member_id]) if right else None,
                )
            )
    return views


def _right_ends(right: UsageRight, membership_ended: date | None) -> date | None:
    ends = [d for d in (right.end_date, membership_ended) if d is not None]
    return min(ends) if ends else None


async def right_view(session: AsyncSession, adoption_id: int) -> UsageRightView | None:
    right = await repository.right_of_adoption(session, adoption_id)
    if right is None:
        return None
    return UsageRightView(right.licence, right.start_date, await effective_end(session, right))


@dataclass(frozen=True, slots=True)
class UsageRightView:
    licence: str
    start_date: date
    end_date: date | None


async def application_slug(session: AsyncSession, application_id: int) -> str:
    return (await catalogue.applications_by_ids(session, [application_id]))[application_id].slug


async def uses_application(session: AsyncSession, member_id: int, application_id: int) -> bool:
    """Takes part: in the application's community, or with an adoption not phased out."""
    community = await catalogue.community_of(session, application_id)
    if any(c.member_id == member_id for c in community):
        return True
    adoptions = (await repository.adoptions_of_members(session, [member_id]))[member_id]
    return any(
        a.application_id == application_id and a.stage is not AdoptionStage.PHASED_OUT
        for a in adoptions
    )


async def transfer_member(
    session: AsyncSession, actor: Actor, old_id: int, new_id: int, effective: date
) -> None:
    """After a merger the successor continues the old member's adoptions and usage rights.

    Where the successor already uses the application itself, the old adoption is phased out
    the day before the merger instead. Recorded usage stays with the member that used it.
    """
    found = await repository.adoptions_of_members(session, [old_id, new_id])
    own = {a.application_id for a in found[new_id] if a.stage is not AdoptionStage.PHASED_OUT}
    changes: list[Change] = []
    for adoption in found[old_id]:
        if adoption.stage is AdoptionStage.PHASED_OUT:
            continue
        right = await repository.right_of_adoption(session, adoption.id)
        before = snapshot(adoption)
        right_before = snapshot(right) if right else None
        if adoption.application_id in own:
            adoption.stage = AdoptionStage.PHASED_OUT
            adoption.phased_out_on = effective - timedelta(days=1)
            if right is not None:
                right.end_date = adoption.phased_out_on
        else:
            adoption.member_id = new_id
            if right is not None:
                right.member_id = new_id
            community = await catalogue.community_of(session, adoption.application_id)
            if all(c.member_id != new_id for c in community):
                session.add(
                    CommunityMember(
                        application_id=adoption.application_id,
                        member_id=new_id,
                        stage=JoinStage.COMPLETE_PACKAGE,
                        joined_on=effective,
                    )
                )
        await session.flush()
        changes.append(
            Change("merge", "adoption", str(adoption.id), before, snapshot(adoption), new_id)
        )
        if right is not None:
            changes.append(
                Change("merge", "usage_right", str(right.id), right_before, snapshot(right), new_id)
            )
    await record_many(session, actor, changes)
