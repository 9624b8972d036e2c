"""Standards, GEMMA reference components and publiccode.yml categories of applications.

A claimed standard is one row of the `standard` table (name, owner, version, URL); a claim
links to it with the version the application follows. A name claimed for the first time
becomes a new row (its owner and URL filled in later by the directie). Reference components
and categories are set per application by the directie; categories come from the
publiccode.yml standard's list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.errors import CatalogueRefusal, PubliccodeRefusal
from registry.catalogue.fields import required_text, web_address
from registry.catalogue.models import (
    Application,
    ApplicationCategory,
    ApplicationReferenceComponent,
    ReferenceComponent,
    Standard,
)
from registry.catalogue.publiccode import categories as known_categories
from registry.db import serialise
from registry.kit.errors import Common, ErrorCollector, NotFound

REFERENCE_COMPONENTS_MAX = 50
NAME_MAX = 200
"""The length of the name and owner columns of standards and reference components."""
VERSION_MAX_LENGTH = 50
"""The longest version of a standard a claim or the standards table records."""


async def standards_named(session: AsyncSession, names: Sequence[str]) -> dict[str, Standard]:
    """The table's row of each name, made when a name is claimed for the first time."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    await serialise(session, *(f"standard:{name}" for name in wanted))
    found = {
        s.name: s for s in await session.scalars(select(Standard).where(Standard.name.in_(wanted)))
    }
    for name in wanted:
        if name not in found:
            found[name] = Standard(name=name, owner="", version="")
            session.add(found[name])
    await session.flush()
    return found


def _directie(actor: Actor) -> None:
    require(actor, Permission.CATALOGUE_MANAGE, CatalogueRefusal.DIRECTIE_ONLY)


@dataclass(frozen=True, slots=True)
class StandardInput:
    name: str
    owner: str = ""
    version: str = ""
    url: str | None = None


async def record_standard(session: AsyncSession, actor: Actor, data: StandardInput) -> Standard:
    """The directie records a standard or corrects its owner, version and URL; audited."""
    _directie(actor)
    errors = ErrorCollector()
    name = required_text(errors, "name", data.name, NAME_MAX)
    owner, version = data.owner.strip(), data.version.strip()
    if len(owner) > NAME_MAX:
        errors.add("owner", Common.TOO_LONG, limit=NAME_MAX)
    if len(version) > VERSION_MAX_LENGTH:
        errors.add("version", Common.TOO_LONG, limit=VERSION_MAX_LENGTH)
    url = errors.check(lambda: web_address(data.url, "url"))
    errors.raise_if_any()
    (standard,) = (await standards_named(session, [name])).values()
    before = {"owner": standard.owner, "version": standard.version, "url": standard.url}
    standard.owner, standard.version, standard.url = owner, version, url
    await session.flush()
    after = {"owner": standard.owner, "version": standard.version, "url": standard.url}
    if before != after:
        await record(
            session,
            actor,
            operation="update",
            entity_type="standard",
            entity_id=standard.name,
            before=before,
            after=after,
        )
    return standard


async def set_reference_components(
    session: AsyncSession, actor: Actor, slug: str, names: Sequence[str]
) -> list[str]:
    """The directie sets the GEMMA reference components an application fulfils; audited."""
    application = await _classified(session, actor, slug)
    wanted = _distinct(names)
    errors = ErrorCollector()
    if len(wanted) > REFERENCE_COMPONENTS_MAX:
        errors.add(
            "reference_components",
            CatalogueRefusal.TOO_MANY_REFERENCE_COMPONENTS,
            limit=REFERENCE_COMPONENTS_MAX,
        )
    for i, name in enumerate(wanted):
        if len(name) > NAME_MAX:
            errors.add(f"reference_components[{i}]", Common.TOO_LONG, limit=NAME_MAX)
    errors.raise_if_any()
    await serialise(session, f"application:{slug}", *(f"reference:{n}" for n in wanted))
    rows = {
        r.name: r
        for r in await session.scalars(
            select(ReferenceComponent).where(ReferenceComponent.name.in_(wanted))
        )
    }
    for name in wanted:
        if name not in rows:
            rows[name] = ReferenceComponent(name=name)
            session.add(rows[name])
    await session.flush()
    before = await repository.reference_components_of(session, [application.id])
    await session.execute(
        delete(ApplicationReferenceComponent).where(
            ApplicationReferenceComponent.application_id == application.id
        )
    )
    for name in wanted:
        session.add(
            ApplicationReferenceComponent(
                application_id=application.id, reference_component_id=rows[name].id
            )
        )
    await session.flush()
    await _audit_list(
        session, actor, slug, "reference_components", before.get(application.id, []), wanted
    )
    return wanted


async def set_categories(
    session: AsyncSession, actor: Actor, slug: str, categories: Sequence[str]
) -> list[str]:
    """The directie sets the publiccode.yml categories of an application; audited."""
    application = await _classified(session, actor, slug)
    wanted = _distinct(categories)
    errors = ErrorCollector()
    for i, category in enumerate(wanted):
        if category not in known_categories():
            errors.add(f"categories[{i}]", PubliccodeRefusal.INVALID_CATEGORY, value=category)
    errors.raise_if_any()
    await serialise(session, f"application:{slug}")
    before = (await repository.categories_of(session, [application.id])).get(application.id, [])
    await session.execute(
        delete(ApplicationCategory).where(ApplicationCategory.application_id == application.id)
    )
    for category in wanted:
        session.add(ApplicationCategory(application_id=application.id, category=category))
    await session.flush()
    await _audit_list(session, actor, slug, "categories", before, wanted)
    return wanted


async def _classified(session: AsyncSession, actor: Actor, slug: str) -> Application:
    """The application whose lists (categories, reference components) the directie sets."""
    _directie(actor)
    application = await repository.application_by_slug(session, slug)
    if application is None:
        raise NotFound(CatalogueRefusal.NO_APPLICATION, slug=slug)
    return application


def _distinct(names: Sequence[str]) -> list[str]:
    """A list as stored: each name once, without surrounding spaces or blanks, sorted."""
    return sorted({n.strip() for n in names if n.strip()})


async def _audit_list(
    session: AsyncSession,
    actor: Actor,
    slug: str,
    name: str,
    before: list[str],
    after: list[str],
) -> None:
    """One audit event when an application's list (`name`) changed; none when it did not."""
    if before != after:
        await record(
            session,
            actor,
            operation="update",
            entity_type="application",
            entity_id=slug,
            before={name: before},
            after={name: after},
        )
