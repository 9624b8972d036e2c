"""The published catalogue as open data: the publiccode.yml of each published application (with
`usedBy` from the members using it in production), a JSON index with change dates and content
hashes, a zip of all files, and a DCAT-AP-style JSON-LD description of the catalogue.

It lives with usage because a file names the application's users. Change dates come from the
audit log, which every change writes in the same transaction: an application changes when it,
one of its releases or one of its adoptions does; the feed as a whole when anything does.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.catalogue import repository
from registry.catalogue.models import Application
from registry.catalogue.publiccode_export import ExportedApplication, as_publiccode, to_yaml
from registry.members import repository as members
from registry.usage.models import Adoption
from registry.usage.users import NO_USERS, users_of_applications

ZIP_TIME = (2000, 1, 1, 0, 0, 0)
"""Every zip entry carries this time, so the same files give the same zip bytes."""


@dataclass(frozen=True, slots=True)
class PubliccodeFile:
    slug: str
    name: str
    document: dict[str, Any]
    changed: datetime

    @property
    def text(self) -> str:
        return to_yaml(self.document)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Feed:
    files: tuple[PubliccodeFile, ...]
    changed: datetime | None
    """The latest change of anything the feed shows; None for an empty registry."""

    @property
    def etag(self) -> str:
        digest = hashlib.sha256()
        for file in self.files:
            digest.update(f"{file.slug}\0{file.sha256}\0".encode())
        return digest.hexdigest()[:32]


def page_url(base_url: str, slug: str) -> str:
    return f"{base_url.rstrip('/')}/applicaties/{slug}"


async def _change_dates(session: AsyncSession, apps: Sequence[Application]) -> dict[int, datetime]:
    by_slug = {a.slug: a.id for a in apps}
    result = {a.id: a.updated_at for a in apps}

    def later(app_id: int, when: datetime) -> None:
        if when > result[app_id]:
            result[app_id] = when

    rows = await session.execute(
        select(AuditEvent.entity_type, AuditEvent.entity_id, func.max(AuditEvent.occurred_at))
        .where(AuditEvent.entity_type.in_(("application", "release", "adoption")))
        .group_by(AuditEvent.entity_type, AuditEvent.entity_id)
    )
    adoption_events: dict[int, datetime] = {}
    for kind, entity_id, when in rows:
        if kind == "adoption":
            if entity_id.isdigit():
                adoption_events[int(entity_id)] = when
            continue
        slug = entity_id.split("@", 1)[0]
        if slug in by_slug:
            later(by_slug[slug], when)
    if adoption_events:
        adoptions = await session.execute(
            select(Adoption.id, Adoption.application_id).where(
                Adoption.id.in_(list(adoption_events)),
                Adoption.application_id.in_(list(result)),
            )
        )
        for adoption_id, application_id in adoptions:
            later(application_id, adoption_events[adoption_id])
    return result


async def exported(
    session: AsyncSession, base_url: str, only: Sequence[Application] | None = None
) -> list[tuple[Application, ExportedApplication]]:
    """The published applications (or `only` these) as plain values for the export."""
    apps = (
        list(only)
        if only is not None
        else await repository.all_applications(
            session, repository.ApplicationFilter(published_only=True)
        )
    )
    ids = [a.id for a in apps]
    releases = await repository.releases_of(session, ids)
    standards = await repository.standards_of(session, ids)
    categories = await repository.categories_of(session, ids)
    users = await users_of_applications(session, ids)
    people = await members.members_by_ids(
        session,
        sorted({i for a in apps for i in (a.lead_member_id, a.owner_member_id) if i is not None}),
    )
    result = []
    for app in apps:
        latest = next(iter(releases.get(app.id, [])), None)
        lead = people.get(app.lead_member_id) if app.lead_member_id is not None else None
        owner = people.get(app.owner_member_id) if app.owner_member_id is not None else None
        result.append(
            (
                app,
                ExportedApplication(
                    slug=app.slug,
                    name=app.name,
                    description_nl=app.description_nl,
                    description_en=app.description_en,
                    problem=app.problem,
                    status=app.status,
                    licence=app.licence,
                    platform=app.platform,
                    repository_url=app.repository_url,
                    page_url=page_url(base_url, app.slug),
                    lead_member=lead.name if lead else None,
                    owner_member=owner.name if owner else None,
                    used_by=[m.name for m in users.get(app.id, NO_USERS).members],
                    standards=[c.standard for c in standards.get(app.id, [])],
                    latest_version=latest.version if latest else None,
                    latest_release=latest.released_on if latest else None,
                    categories=categories.get(app.id, []),
                ),
            )
        )
    return result


async def file_of(session: AsyncSession, base_url: str, application: Application) -> PubliccodeFile:
    """The publiccode.yml of one application (the caller checks that it may be seen)."""
    ((_, values),) = await exported(session, base_url, [application])
    changed = await _change_dates(session, [application])
    return PubliccodeFile(
        application.slug, application.name, as_publiccode(values), changed[application.id]
    )


async def feed(session: AsyncSession, base_url: str) -> Feed:
    """Every published application's publiccode.yml with its change date."""
    pairs = await exported(session, base_url)
    changed = await _change_dates(session, [a for a, _ in pairs])
    files = tuple(
        PubliccodeFile(app.slug, app.name, as_publiccode(values), changed[app.id])
        for app, values in sorted(pairs, key=lambda p: p[0].slug)
    )
    latest_event = await session.scalar(select(func.max(AuditEvent.occurred_at)))
    moments = [f.changed for f in files] + ([latest_event] if latest_event else [])
    return Feed(files, max(moments) if moments else None)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def index_json(feed: Feed, base_url: str) -> dict[str, Any]:
    """The JSON index: one entry per application with its file, change date and hash."""
    base = base_url.rstrip("/")
    return {
        "changed": _iso(feed.changed) if feed.changed else None,
        "zip": f"{base}/open-data/publiccode.zip",
        "applications": [
            {
                "slug": f.slug,
                "name": f.name,
                "publiccode": f"{base}/applicaties/{f.slug}/publiccode.yml",
                "page": page_url(base, f.slug),
                "changed": _iso(f.changed),
                "sha256": f.sha256,
            }
            for f in feed.files
        ],
    }


def zip_bytes(feed: Feed) -> bytes:
    """All files as `<slug>/publiccode.yml` in one zip, the same bytes for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in feed.files:
            info = zipfile.ZipInfo(f"{f.slug}/publiccode.yml", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.text.encode("utf-8"))
    return buffer.getvalue()


def dcat_catalogue(feed: Feed, base_url: str, publisher: str) -> dict[str, Any]:
    """A DCAT-AP-style JSON-LD description: the catalogue, one dataset per application, each
    with its publiccode.yml as distribution."""
    base = base_url.rstrip("/")
    datasets = []
    for f in feed.files:
        data = f.document
        description = data["description"]
        datasets.append(
            {
                "@id": page_url(base, f.slug),
                "@type": "dcat:Dataset",
                "dct:identifier": f.slug,
                "dct:title": [{"@value": f.name, "@language": "nl"}],
                "dct:description": [
                    {"@value": text["shortDescription"], "@language": language}
                    for language, text in description.items()
                ],
                "dct:modified": {"@value": _iso(f.changed), "@type": "xsd:dateTime"},
                "dct:license": data["legal"]["license"],
                "dcat:landingPage": {"@id": page_url(base, f.slug)},
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": {"@id": f"{base}/applicaties/{f.slug}/publiccode.yml"},
                        "dcat:mediaType": "application/yaml",
                        "dct:format": "publiccode.yml",
                        "spdx:checksum": {
                            "@type": "spdx:Checksum",
                            "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                            "spdx:checksumValue": f.sha256,
                        },
                    }
                ],
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": f"{base}/open-data/catalogus.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": [
            {"@value": "Catalogus van gezamenlijke applicaties", "@language": "nl"},
            {"@value": "Catalogue of jointly owned applications", "@language": "en"},
        ],
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:modified": (
            {"@value": _iso(feed.changed), "@type": "xsd:dateTime"} if feed.changed else None
        ),
        "foaf:homepage": {"@id": f"{base}/"},
        "dcat:dataset": datasets,
    }


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
