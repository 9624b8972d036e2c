"""Queries for the catalogue."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.catalogue.models import (
    Application,
    ApplicationCategory,
    ApplicationInterest,
    ApplicationReferenceComponent,
    ApplicationStatus,
    BusinessCase,
    CommunityMember,
    ReferenceComponent,
    Release,
    Standard,
    StandardClaim,
)
from registry.kit.pagination import Page, PageRequest, like_pattern, paginate
from registry.kit.rows import children_of
from registry.members.models import Member


class ApplicationOrder(enum.StrEnum):
    NAME = "name"
    STATUS = "status"
    UPDATED = "updated"
    CREATED = "created"


@dataclass(frozen=True, slots=True)
class ApplicationFilter:
    statuses: Sequence[ApplicationStatus] = ()
    licence: str | None = None
    lead_member: str | None = None
    search: str | None = None
    published_only: bool = False
    platform: str | None = None
    """Exactly this platform."""
    standard: str | None = None
    """Claims exactly this standard."""
    application_ids: Sequence[int] | None = None
    """Only these applications (for example those a municipality uses); None: no limit."""
    reference_component: str | None = None
    """Fulfils exactly this GEMMA reference component."""
    category: str | None = None
    """Has exactly this publiccode.yml category."""


def _claiming(pattern: str) -> Select[tuple[int]]:
    """Applications that claim a standard, or fulfil a reference component, matching `pattern`."""
    standards = select(StandardClaim.application_id).where(
        StandardClaim.standard.ilike(pattern, escape="\\")
    )
    components = (
        select(ApplicationReferenceComponent.application_id)
        .join(
            ReferenceComponent,
            ReferenceComponent.id == ApplicationReferenceComponent.reference_component_id,
        )
        .where(ReferenceComponent.name.ilike(pattern, escape="\\"))
    )
    return standards.union(components)  # type: ignore[return-value]


# Lifecycle order, not alphabetical order, when sorting by status.
_STATUS_RANK = case({s: i for i, s in enumerate(ApplicationStatus)}, value=Application.status)


def _filtered(filter_: ApplicationFilter) -> Select[Application]:
    query = select(Application)
    if filter_.published_only:
        query = query.where(Application.published.is_(True))
    if filter_.statuses:
        query = query.where(Application.status.in_(filter_.statuses))
    if filter_.licence:
        query = query.where(Application.licence.ilike(like_pattern(filter_.licence), escape="\\"))
    if filter_.lead_member:
        query = query.join(Member, Member.id == Application.lead_member_id).where(
            Member.code == filter_.lead_member
        )
    if filter_.platform:
        query = query.where(Application.platform == filter_.platform)
    if filter_.standard:
        query = query.where(
            Application.id.in_(
                select(StandardClaim.application_id).where(
                    StandardClaim.standard == filter_.standard
                )
            )
        )
    if filter_.application_ids is not None:
        query = query.where(Application.id.in_(filter_.application_ids))
    if filter_.reference_component:
        query = query.where(
            Application.id.in_(
                select(ApplicationReferenceComponent.application_id)
                .join(
                    ReferenceComponent,
                    ReferenceComponent.id == ApplicationReferenceComponent.reference_component_id,
                )
                .where(ReferenceComponent.name == filter_.reference_component)
            )
        )
    if filter_.category:
        query = query.where(
            Application.id.in_(
                select(ApplicationCategory.application_id).where(
                    ApplicationCategory.category == filter_.category
                )
            )
        )
    if filter_.search:
        pattern = like_pattern(filter_.search)
        query = query.where(
            or_(
                Application.name.ilike(pattern, escape="\\"),
                Application.description_nl.ilike(pattern, escape="\\"),
                Application.description_en.ilike(pattern, escape="\\"),
                Application.id.in_(_claiming(pattern)),
            )
        )
    return query


async def list_applications(
    session: AsyncSession,
    page: PageRequest,
    filter_: ApplicationFilter,
    order: ApplicationOrder = ApplicationOrder.NAME,
    descending: bool = False,
) -> Page[Application]:
    key = {
        ApplicationOrder.NAME: Application.name,
        ApplicationOrder.STATUS: _STATUS_RANK,
        ApplicationOrder.UPDATED: Application.updated_at,
        ApplicationOrder.CREATED: Application.created_at,
    }[order]
    query = _filtered(filter_).order_by(
        key.desc() if descending else key.asc(), Application.name, Application.slug
    )
    return await paginate(session, query, page)


async def all_applications(session: AsyncSession, filter_: ApplicationFilter) -> list[Application]:
    """Every application the filter lets through, by name: to order by what SQL does not
    know (such as the inhabitants their users serve) before taking a page."""
    rows = await session.scalars(_filtered(filter_).order_by(Application.name, Application.slug))
    return list(rows)


async def application_ids(session: AsyncSession, *, published_only: bool) -> set[int]:
    query = select(Application.id)
    if published_only:
        query = query.where(Application.published.is_(True))
    return set(await session.scalars(query))


async def platforms_in_use(session: AsyncSession, *, published_only: bool) -> list[str]:
    query = (
        select(Application.platform)
        .where(Application.platform != "")
        .distinct()
        .order_by(Application.platform)
    )
    if published_only:
        query = query.where(Application.published.is_(True))
    return list(await session.scalars(query))


async def standards_in_use(session: AsyncSession, *, published_only: bool) -> list[str]:
    query = (
        select(StandardClaim.standard)
        .join(Application, Application.id == StandardClaim.application_id)
        .distinct()
        .order_by(StandardClaim.standard)
    )
    if published_only:
        query = query.where(Application.published.is_(True))
    return list(await session.scalars(query))


async def reference_components_in_use(session: AsyncSession, *, published_only: bool) -> list[str]:
    """The reference components at least one (published) application fulfils, by name."""
    query = (
        select(ReferenceComponent.name)
        .join(
            ApplicationReferenceComponent,
            ApplicationReferenceComponent.reference_component_id == ReferenceComponent.id,
        )
        .join(Application, Application.id == ApplicationReferenceComponent.application_id)
        .distinct()
        .order_by(ReferenceComponent.name)
    )
    if published_only:
        query = query.where(Application.published.is_(True))
    return list(await session.scalars(query))


async def categories_in_use(session: AsyncSession, *, published_only: bool) -> list[str]:
    """The publiccode.yml categories of at least one (published) application."""
    query = (
        select(ApplicationCategory.category)
        .join(Application, Application.id == ApplicationCategory.application_id)
        .distinct()
        .order_by(ApplicationCategory.category)
    )
    if published_only:
        query = query.where(Application.published.is_(True))
    return list(await session.scalars(query))


async def claimed_standards(
    session: AsyncSession, application_id: int
) -> list[tuple[StandardClaim, Standard | None]]:
    """An application's claims, each with the standard's row (owner, current version, URL)."""
    return (await claims_with_standards(session, [application_id])).get(application_id, [])


async def claims_with_standards(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[tuple[StandardClaim, Standard | None]]]:
    """The claims of several applications at once, by name, each with its standard's row."""
    result: dict[int, list[tuple[StandardClaim, Standard | None]]] = defaultdict(list)
    if application_ids:
        rows = await session.execute(
            select(StandardClaim, Standard)
            .outerjoin(Standard, Standard.id == StandardClaim.standard_id)
            .where(StandardClaim.application_id.in_(application_ids))
            .order_by(StandardClaim.standard)
        )
        for claim, standard in rows:
            result[claim.application_id].append((claim, standard))
    return result


async def lead_members(session: AsyncSession, *, published_only: bool) -> list[Member]:
    """The members that lead at least one application, by name."""
    leading = select(Application.lead_member_id).where(Application.lead_member_id.is_not(None))
    if published_only:
        leading = leading.where(Application.published.is_(True))
    rows = await session.scalars(
        select(Member).where(Member.id.in_(leading)).order_by(Member.name, Member.code)
    )
    return list(rows)


async def application_by_slug(session: AsyncSession, slug: str) -> Application | None:
    return await session.scalar(select(Application).where(Application.slug == slug))


async def releases_of(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[Release]]:
    return await children_of(
        session,
        Release.application_id,
        application_ids,
        Release.released_on.desc(),
        Release.version.desc(),
    )


async def standards_of(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[StandardClaim]]:
    return await children_of(
        session, StandardClaim.application_id, application_ids, StandardClaim.standard
    )


async def licences_in_use(session: AsyncSession, *, published_only: bool) -> list[str]:
    query = select(Application.licence).distinct().order_by(Application.licence)
    if published_only:
        query = query.where(Application.published.is_(True))
    return list(await session.scalars(query))


async def release_exists(session: AsyncSession, application_id: int, version: str) -> bool:
    found = await session.scalar(
        select(Release.id).where(
            Release.application_id == application_id, Release.version == version
        )
    )
    return found is not None


async def applications_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Application]:
    if not ids:
        return {}
    rows = await session.scalars(select(Application).where(Application.id.in_(ids)))
    return {a.id: a for a in rows}


async def applications_by_slugs(
    session: AsyncSession, slugs: Sequence[str]
) -> dict[str, Application]:
    if not slugs:
        return {}
    rows = await session.scalars(select(Application).where(Application.slug.in_(slugs)))
    return {a.slug: a for a in rows}


async def community_of(session: AsyncSession, application_id: int) -> list[CommunityMember]:
    rows = await session.scalars(
        select(CommunityMember)
        .where(CommunityMember.application_id == application_id)
        .order_by(CommunityMember.joined_on, CommunityMember.id)
    )
    return list(rows)


async def communities_of(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[CommunityMember]]:
    return await children_of(
        session,
        CommunityMember.application_id,
        application_ids,
        CommunityMember.joined_on,
        CommunityMember.id,
    )


async def business_cases_of_applications(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[BusinessCase]]:
    return await children_of(
        session,
        BusinessCase.application_id,
        application_ids,
        BusinessCase.created_at,
        BusinessCase.id,
        options=[selectinload(BusinessCase.participants)],
    )


async def business_cases_of(session: AsyncSession, application_id: int) -> list[BusinessCase]:
    rows = await session.scalars(
        select(BusinessCase)
        .where(BusinessCase.application_id == application_id)
        .options(selectinload(BusinessCase.participants))
        .order_by(BusinessCase.created_at, BusinessCase.id)
    )
    return list(rows)


async def list_all(session: AsyncSession) -> list[Application]:
    """Every application that is not retired, by name: the choices on a form."""
    rows = await session.scalars(
        select(Application)
        .where(Application.status != ApplicationStatus.RETIRED)
        .order_by(Application.name)
    )
    return list(rows)


async def proposals(session: AsyncSession) -> list[Application]:
    """Members' proposals that are not published (yet), newest first."""
    rows = await session.scalars(
        select(Application)
        .where(Application.review_status.is_not(None), Application.published.is_(False))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    return list(rows)


async def interest_in(session: AsyncSession, application_id: int) -> list[ApplicationInterest]:
    return (await interest_in_applications(session, [application_id]))[application_id]


async def interest_in_applications(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[ApplicationInterest]]:
    return await children_of(
        session,
        ApplicationInterest.application_id,
        application_ids,
        ApplicationInterest.registered_on,
        ApplicationInterest.id,
    )


async def categories_of(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    if application_ids:
        rows = await session.execute(
            select(ApplicationCategory.application_id, ApplicationCategory.category)
            .where(ApplicationCategory.application_id.in_(application_ids))
            .order_by(ApplicationCategory.category)
        )
        for application_id, category in rows:
            result[application_id].append(category)
    return result


async def reference_components_of(
    session: AsyncSession, application_ids: Sequence[int]
) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    if application_ids:
        rows = await session.execute(
            select(ApplicationReferenceComponent.application_id, ReferenceComponent.name)
            .join(
                ReferenceComponent,
                ReferenceComponent.id == ApplicationReferenceComponent.reference_component_id,
            )
            .where(ApplicationReferenceComponent.application_id.in_(application_ids))
            .order_by(ReferenceComponent.name)
        )
        for application_id, name in rows:
            result[application_id].append(name)
    return result


async def all_standards(session: AsyncSession) -> list[Standard]:
    return list(await session.scalars(select(Standard).order_by(Standard.name)))


async def all_reference_components(session: AsyncSession) -> list[ReferenceComponent]:
    return list(await session.scalars(select(ReferenceComponent).order_by(ReferenceComponent.name)))
