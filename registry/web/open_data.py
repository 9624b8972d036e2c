"""The catalogue as open data: each application's publiccode.yml and the harvestable feed
(a JSON index with change dates, a zip of all files, a DCAT-AP-style JSON-LD description).

Every answer carries an ETag (a hash of what it shows) and Last-Modified (the latest change it
reflects, from the audit log); a harvester that sends If-None-Match or If-Modified-Since gets
304 Not Modified when nothing changed. If-None-Match wins over If-Modified-Since (RFC 9110).
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from registry.catalogue import repository
from registry.catalogue.stewardship import may_see
from registry.usage import open_data
from registry.web.access import audience
from registry.web.deps import CurrentVisit, DbSession, settings_of
from registry.web.pages import content_disposition

CACHE_CONTROL = "public, max-age=300"


def _not_modified(request: Request[Any, Any, Any], etag: str, changed: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return f'"{etag}"' in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since is None or changed is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return changed.replace(microsecond=0) <= moment


def _answer(
    request: Request[Any, Any, Any],
    body: bytes,
    media_type: str,
    etag: str,
    changed: datetime | None,
    filename: str | None = None,
) -> Response[bytes]:
    headers = {"ETag": f'"{etag}"', "Cache-Control": CACHE_CONTROL}
    if changed is not None:
        headers["Last-Modified"] = format_datetime(changed.astimezone(UTC), usegmt=True)
    if _not_modified(request, etag, changed):
        return Response(b"", status_code=304, headers=headers, media_type=media_type)
    if filename is not None:
        headers["Content-Disposition"] = content_disposition(filename)
    return Response(body, media_type=media_type, headers=headers)


def _etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


class OpenDataController(Controller):
    path = "/"

    @get(
        "/applicaties/{slug:str}/publiccode.yml",
        name="application-publiccode",
        opt=audience(),
    )
    async def publiccode(self, visit: CurrentVisit, slug: FromPath[str]) -> Response[bytes]:
        application = await repository.application_by_slug(visit.db, slug)
        if application is None or not may_see(visit.actor, application):
            raise NotFoundException(f"no application '{slug}'")
        file = await open_data.file_of(visit.db, visit.settings.public_url, application)
        body = file.text.encode("utf-8")
        return _answer(
            visit.request, body, "application/yaml; charset=utf-8", _etag(body), file.changed
        )

    @get("/open-data/publiccode.json", name="open-data-index", opt=audience())
    async def index(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[bytes]:
        base = settings_of(request).public_url
        feed = await open_data.feed(db_session, base)
        body = open_data.canonical_json(open_data.index_json(feed, base))
        return _answer(request, body, "application/json", feed.etag + "-i", feed.changed)

    @get("/open-data/publiccode.zip", name="open-data-zip", opt=audience())
    async def archive(
        self, request: Request[Any, Any, Any], db_session: DbSession
    ) -> Response[bytes]:
        feed = await open_data.feed(db_session, settings_of(request).public_url)
        if _not_modified(request, feed.etag + "-z", feed.changed):
            return _answer(request, b"", "application/zip", feed.etag + "-z", feed.changed)
        body = await asyncio.to_thread(open_data.zip_bytes, feed)  # compressing is CPU work
        return _answer(
            request, body, "application/zip", feed.etag + "-z", feed.changed, "publiccode.zip"
        )

    @get("/open-data/catalogus.jsonld", name="open-data-dcat", opt=audience())
    async def dcat(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[bytes]:
        settings = settings_of(request)
        feed = await open_data.feed(db_session, settings.public_url)
        data = open_data.dcat_catalogue(feed, settings.public_url, settings.cooperative_name)
        body = open_data.canonical_json(data)
        return _answer(request, body, "application/ld+json", _etag(body), feed.changed)
