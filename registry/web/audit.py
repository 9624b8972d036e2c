"""Audit log downloads for auditors: the same bytes as `registry audit export`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import Stream

from registry.audit.export import ExportFormat, export_lines
from registry.audit.service import stream_events
from registry.auth.policy import Permission
from registry.web.access import audience
from registry.web.audit_log import read_filters
from registry.web.pages import content_disposition

MEDIA_TYPES = {ExportFormat.JSONL: "application/jsonl", ExportFormat.CSV: "text/csv"}


class AuditController(Controller):
    path = "/audit"
    include_in_schema = False

    @get("/export/{extension:str}", name="audit-export", opt=audience(Permission.AUDIT_READ))
    async def export(
        self, request: Request[Any, Any, Any], state: State, extension: FromPath[str]
    ) -> Stream:
        """The whole log, or the events matching the audit log page's filters."""
        try:
            export_format = ExportFormat(extension)
        except ValueError:
            raise NotFoundException(f"no export format '{extension}'") from None
        async with state.session_factory() as session:
            query = await read_filters(request, session)
        if query.errors:
            raise HTTPException(status_code=400, detail="; ".join(e.message for e in query.errors))

        async def body() -> AsyncIterator[bytes]:
            # Its own session: the response streams after the handler has returned.
            async with state.session_factory() as session:
                async for chunk in export_lines(
                    stream_events(session, query.audit_filter), export_format
                ):
                    yield chunk.encode()

        return Stream(
            body(),
            media_type=f"{MEDIA_TYPES[export_format]}; charset=utf-8",
            headers={"Content-Disposition": content_disposition(f"auditlog.{extension}")},
        )
