"""The publiccode.yml page: paste a file or upload one and see its errors and warnings, each
with its key path, line and column; and the open data feed explained, with its addresses."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from registry.auth.policy import Permission
from registry.catalogue import publiccode
from registry.catalogue.errors import PubliccodeRefusal
from registry.catalogue.publiccode_import import import_publiccode
from registry.kit.errors import DomainError, FieldError, Phrase, ValidationFailed
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
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
        pasted, source, name = await _source(form)
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
        "max_bytes": publiccode.MAX_BYTES,
        "latest": publiccode.LATEST,
    }


async def _source(form: Any) -> tuple[str, str | bytes, str | None]:
    """(pasted text, what to read, the uploaded file's name): a chosen file goes first."""
    pasted = str(form.get("yaml") or "")
    upload = form.get("bestand")
    if isinstance(upload, UploadFile) and upload.filename:
        return pasted, await upload.read(publiccode.MAX_BYTES + 1), upload.filename
    return pasted, pasted, None


class PubliccodeImportController(Controller):
    """A publiccode.yml imported: first what changes, then storing it. The directie creates and
    updates applications; a member's admins propose one (their member leads it) or, for an
    application their member leads, update its descriptions and repository."""

    path = "/"

    @get(
        "/publiccode/importeren",
        name="publiccode-import",
        opt=audience(Permission.CATALOGUE_MANAGE),
    )
    async def form(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "publiccode/import.html", _import_context(None))

    @post(
        "/publiccode/importeren",
        name="publiccode-import-post",
        opt=audience(Permission.CATALOGUE_MANAGE),
        request_max_body_size=MAX_BODY,
    )
    async def check(self, visit: CurrentVisit) -> Response[Any]:
        return await _import_page(visit, None)

    @get(
        "/leden/{code:str}/publiccode",
        name="publiccode-import-member",
        opt=audience(Permission.CATALOGUE_PROPOSE, member_param="code"),
    )
    async def member_form(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        return render(request, "publiccode/import.html", _import_context(code))

    @post(
        "/leden/{code:str}/publiccode",
        name="publiccode-import-member-post",
        opt=audience(Permission.CATALOGUE_PROPOSE, member_param="code"),
        request_max_body_size=MAX_BODY,
    )
    async def member_check(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _import_page(visit, code)


def _import_context(member_code: str | None) -> dict[str, Any]:
    action = f"/leden/{member_code}/publiccode" if member_code else "/publiccode/importeren"
    return {
        "errors": (),
        "max_bytes": publiccode.MAX_BYTES,
        "action": action,
        "member_code": member_code,
    }


async def _import_page(visit: Visit, member_code: str | None) -> Response[Any]:
    form = await visit.request.form()
    pasted, source, name = await _source(form)
    slug = str(form.get("slug") or "").strip() or None
    store = form.get("stap") == "opslaan"
    context = {**_import_context(member_code), "slug": slug or ""}
    if isinstance(source, bytes):
        try:
            pasted = source.decode("utf-8")
        except UnicodeDecodeError:
            pasted = ""
    context["yaml"] = pasted
    if not source.strip():
        context["errors"] = (FieldError("", Phrase(PubliccodeRefusal.NOTHING_TO_CHECK)),)
        return render(visit.request, "publiccode/import.html", context, status_code=422)
    try:
        result = await import_publiccode(
            visit.db, visit.actor, source, slug=slug, member_code=member_code, store=store
        )
    except DomainError as error:
        await visit.db.rollback()
        errors = error.errors if isinstance(error, ValidationFailed) else ()
        context["errors"] = errors or (FieldError("", error.phrase),)
        return render(visit.request, "publiccode/import.html", context, status_code=422)
    if result.stored:
        proposed = member_code is not None and result.creating
        page = f"/applicaties/{result.slug}/beheer" if proposed else f"/applicaties/{result.slug}"
        return Redirect(page, status_code=303)
    context.update({"result": result, "file_name": name, "slug": result.slug})
    return render(visit.request, "publiccode/import.html", context)
