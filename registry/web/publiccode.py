"""The publiccode.yml page: paste a file or upload one and see its errors and warnings, each
with its key path, line and column; and the open data feed explained, with its addresses."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template

from registry.catalogue import publiccode
from registry.catalogue.errors import PubliccodeRefusal
from registry.kit.errors import Phrase
from registry.web.access import audience
from registry.web.pages import render

MAX_BODY = 2 * publiccode.MAX_BYTES + 64 * 1024
"""A pasted and an uploaded file of the largest size, with the form around them."""


class PubliccodePagesController(Controller):
    path = "/publiccode"

    @get("/controleren", name="publiccode-validate", opt=audience())
    async def form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "publiccode/validate.html", _context())

    @post(
        "/controleren",
        name="publiccode-validate-post",
        opt=audience(),
        request_max_body_size=MAX_BODY,
    )
    async def check(self, request: Request[Any, Any, Any]) -> Template:
        form = await request.form()
        pasted = str(form.get("yaml") or "")
        upload = form.get("bestand")
        source: str | bytes = pasted
        name = None
        if isinstance(upload, UploadFile) and upload.filename:
            source = await upload.read(publiccode.MAX_BYTES + 1)
            name = upload.filename
        if not source.strip():
            return render(
                request,
                "publiccode/validate.html",
                _context(missing=Phrase(PubliccodeRefusal.NOTHING_TO_CHECK)),
            )
        report = await asyncio.to_thread(publiccode.validate, source)  # parsing is CPU work
        return render(
            request,
            "publiccode/validate.html",
            _context(report=report, pasted=pasted if name is None else "", name=name),
        )


def _context(
    *,
    report: publiccode.Report | None = None,
    pasted: str = "",
    name: str | None = None,
    missing: Phrase | None = None,
) -> dict[str, Any]:
    return {
        "report": report,
        "pasted": pasted,
        "file_name": name,
        "missing": missing,
        "max_kb": publiccode.MAX_BYTES // 1024,
        "latest": publiccode.LATEST,
    }
