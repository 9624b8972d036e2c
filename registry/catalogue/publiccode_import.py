"""Importing a publiccode.yml: create or update an application from a valid file, after
showing what will change.

The directie creates or updates directly; a member admin proposes a new application for its
own member (the proposal flow) or, as the lead member's admin, maintains the description and
repository of an existing one. An invalid file is refused with the validator's errors.

What the file does not say, the registry keeps: lead and owner member, platform, standards,
status and publication are never taken from a file (the lifecycle and the directie decide
those), and a description is kept when the file's `shortDescription` is just the registry's
own description shortened (as the export writes it), so export → import changes nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue import repository
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.licences import spdx_expression
from registry.catalogue.models import Application
from registry.catalogue.proposals import MaintenanceInput, ProposalInput, maintain, propose
from registry.catalogue.publiccode import Finding, validate
from registry.catalogue.publiccode_export import short_description
from registry.catalogue.service import (
    SLUG,
    SLUG_MAX_LENGTH,
    ApplicationInput,
    create_application,
    update_application,
)
from registry.catalogue.standards import set_categories
from registry.db import serialise
from registry.kit.errors import ValidationFailed
from registry.members import repository as members

FIELDS = ("name", "description_nl", "description_en", "licence", "repository_url", "categories")
"""What a file can change, in the order a summary shows it."""
_PAGE = re.compile(r"^/applicaties/([a-z0-9]+(?:-[a-z0-9]+)*)/?$")


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    slug: str
    creating: bool
    changes: tuple[Change, ...]
    warnings: tuple[Finding, ...]
    stored: bool


@dataclass(frozen=True, slots=True)
class _Values:
    name: str
    description_nl: str
    description_en: str
    licence: str
    repository_url: str | None
    categories: str = ""
    """The publiccode.yml categories, sorted, as one text (for the summary)."""


def _slug_from(document: Mapping[str, Any]) -> str:
    """The registry's own page in landingURL names the slug; else one made of the name."""
    landing = document.get("landingURL")
    if isinstance(landing, str) and (found := _PAGE.match(urlsplit(landing).path)):
        return found.group(1)
    words = re.findall(r"[a-z0-9]+", str(document.get("name", "")).lower())
    return "-".join(words)[:SLUG_MAX_LENGTH].strip("-")


def _description(document: Mapping[str, Any], language: str) -> Mapping[str, Any] | None:
    descriptions: Mapping[str, Any] = document.get("description", {})
    for code in sorted(descriptions):
        if code.lower() == language or code.lower().startswith(f"{language}-"):
            found: Mapping[str, Any] = descriptions[code]
            return found
    return None


def merged(document: Mapping[str, Any], current: _Values | None) -> _Values:
    """What the application becomes: the file's values, the registry's where the file is silent
    or only repeats the registry's own value shortened."""

    def text(language: str, before: str) -> str:
        found = _description(document, language)
        if found is None:
            return before
        short = " ".join(str(found.get("shortDescription", "")).split())
        return before if before and short_description(before) == short else short

    url = str(document["url"])
    is_page = _PAGE.match(urlsplit(url).path) is not None
    repository_url = (current.repository_url if current else None) if is_page else url
    return _Values(
        name=str(document["name"]).strip(),
        description_nl=text("nl", current.description_nl if current else ""),
        description_en=text("en", current.description_en if current else ""),
        licence=spdx_expression(str(document["legal"]["license"]), "legal.license"),
        repository_url=repository_url,
        categories=(
            ", ".join(sorted(set(document["categories"])))
            if document.get("categories")
            else (current.categories if current else "")
        ),
    )


def _values(application: Application, categories: list[str]) -> _Values:
    return _Values(
        application.name,
        application.description_nl,
        application.description_en,
        application.licence,
        application.repository_url,
        ", ".join(categories),
    )


def changes(before: _Values | None, after: _Values) -> tuple[Change, ...]:
    result = []
    for name in FIELDS:
        old = getattr(before, name) if before else None
        new = getattr(after, name)
        if (old or "") != (new or ""):
            result.append(Change(name, old or "", new or ""))
    return tuple(result)


async def import_publiccode(
    session: AsyncSession,
    actor: Actor,
    source: str | bytes,
    *,
    slug: str | None = None,
    member_code: str | None = None,
    store: bool,
) -> ImportResult:
    """Validate the file, work out what changes and, when `store`, store it (audited by the
    operation that stores it). The caller began the transaction as a writer."""
    report = await asyncio.to_thread(validate, source)  # parsing is CPU work
    if not report.valid or report.document is None:
        raise report.refusal()
    document = report.document
    slug = (slug or _slug_from(document)).strip()
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX_LENGTH:
        raise ValidationFailed.single("slug", CatalogueRefusal.INVALID_SLUG, limit=SLUG_MAX_LENGTH)
    await serialise(session, f"application:{slug}")
    current = await repository.application_by_slug(session, slug)
    before = None
    if current is not None:
        categories = await repository.categories_of(session, [current.id])
        before = _values(current, categories.get(current.id, []))
    after = merged(document, before)
    directie = allows(actor, Permission.CATALOGUE_MANAGE)
    if not directie:  # the lead member maintains texts, not the rest
        if before is not None:
            after = replace(after, name=before.name, licence=before.licence)
        after = replace(after, categories=before.categories if before else "")
    found = changes(before, after)
    result = ImportResult(slug, current is None, found, report.warnings, stored=False)
    if not store or (current is not None and not found):
        return result
    if directie:
        await _as_directie(session, actor, slug, current, after)
    elif current is None:
        await propose(
            session,
            actor,
            member_code or "",
            slug,
            ProposalInput(
                name=after.name,
                description_nl=after.description_nl,
                description_en=after.description_en,
                repository_url=after.repository_url,
                licence=after.licence,
            ),
        )
    else:
        standards = await repository.standards_of(session, [current.id])
        await maintain(
            session,
            actor,
            slug,
            MaintenanceInput(
                description_nl=after.description_nl,
                description_en=after.description_en,
                repository_url=after.repository_url,
                standards=[c.standard for c in standards.get(current.id, [])],
            ),
        )
    return replace(result, stored=True)


async def _as_directie(
    session: AsyncSession, actor: Actor, slug: str, current: Application | None, after: _Values
) -> None:
    data = ApplicationInput(
        name=after.name,
        description_nl=after.description_nl,
        description_en=after.description_en,
        licence=after.licence,
        repository_url=after.repository_url,
    )
    if current is None:
        await create_application(session, actor, slug, data)
        await _categories(session, actor, slug, after)
        return
    ids = [i for i in (current.lead_member_id, current.owner_member_id) if i is not None]
    codes = {m.id: m.code for m in (await members.members_by_ids(session, ids)).values()}
    standards = await repository.standards_of(session, [current.id])
    kept = replace(
        data,
        lead_member=codes.get(current.lead_member_id) if current.lead_member_id else None,
        owner_member=codes.get(current.owner_member_id) if current.owner_member_id else None,
        platform=current.platform,
        standards=[c.standard for c in standards.get(current.id, [])],
        published=current.published,
    )
    await update_application(session, actor, slug, kept)
    await _categories(session, actor, slug, after)


async def _categories(session: AsyncSession, actor: Actor, slug: str, after: _Values) -> None:
    await set_categories(session, actor, slug, [c for c in after.categories.split(", ") if c])
