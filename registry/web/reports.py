"""Report pages: the export form, an export's page with its progress, and its files.

The directie and auditors export any report here; a member's admins export their own
through the API, and see the page and files of the exports they started. A job's page and
files are only for the person who started it and the directie and auditors: anyone else
gets the same 404 as for a job that does not exist. Exports are stored, so whichever
service process answers shows them, also after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import File, Redirect, Response

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.journal.formats import FORMATS as JOURNAL_FORMATS
from registry.journal.service import export_journal
from registry.kit.clock import today
from registry.kit.errors import ErrorCollector, FieldError, Forbidden, ValidationFailed
from registry.kit.language import Language
from registry.members import repository as members
from registry.reports.errors import ReportsRefusal
from registry.reports.export import FORMATS
from registry.reports.jobs import ReportJob, ReportJobs, content_type
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentVisit, Visit
from registry.web.pages import attachment, render


@dataclass(frozen=True, slots=True)
class ExportForm:
    """The form as typed, shown again with the errors."""

    year: str
    member: str = ""
    as_of: str = ""
    formats: tuple[str, ...] = FORMATS
    decimal_comma: bool = False
    language: Language = "nl"

    @classmethod
    def of(cls, data: Any) -> ExportForm:
        return cls(
            year=str(data.get("jaar", "")).strip(),
            member=str(data.get("lid", "")).strip(),
            as_of=str(data.get("gebeurtenis", "")).strip(),
            formats=tuple(str(f) for f in data.getall("formaat", [])),
            decimal_comma=data.get("decimale_komma") == "1",
            language="en" if data.get("taal") == "en" else "nl",
        )


def _number(value: str, field: str, refusal: ReportsRefusal) -> int:
    if not value.isdigit():
        raise ValidationFailed.single(field, refusal)
    return int(value)


def _jobs(request: AnyRequest) -> ReportJobs:
    jobs: ReportJobs = request.app.state.report_jobs
    return jobs


async def _job(visit: Visit, job_id: str) -> ReportJob:
    job = await _jobs(visit.request).get(visit.db, job_id, visit.language)
    if job is None or not job.visible_to(visit.actor):
        raise NotFoundException("no such export")
    return job


async def _own_member(visit: Visit) -> str | None:
    """None for those who export every member's report; a member admin's own member code,
    which the form starts with (the report itself refuses other members)."""
    if allows(visit.actor, Permission.REPORTS_EXPORT):
        return None
    for member_id in sorted(visit.actor.member_ids):
        if allows(visit.actor, Permission.REPORTS_EXPORT, member_id):
            found = await members.members_by_ids(visit.db, [member_id])
            return found[member_id].code
    raise PermissionDeniedException("no access to reports")


@dataclass(frozen=True, slots=True)
class JournalForm:
    """The journal export as typed: year, format (csv or xaf), language of the file."""

    year: str
    format: str = "xaf"
    language: Language = "nl"

    @classmethod
    def of(cls, data: Any) -> JournalForm:
        return cls(
            year=str(data.get("jaar", "")).strip(),
            format=str(data.get("formaat", "")).strip(),
            language="en" if data.get("taal") == "en" else "nl",
        )


def _form_page(
    request: AnyRequest,
    form: ExportForm,
    errors: Sequence[FieldError] = (),
    status_code: int = 200,
    own: str | None = None,
    *,
    actor: Actor,
    journal: JournalForm | None = None,
    journal_errors: Sequence[FieldError] = (),
) -> Response[Any]:
    context: dict[str, Any] = {"form": form, "formats": FORMATS, "errors": errors}
    context["own_member"] = own
    # The journal export, for those who may have the books (directie, auditors).
    context["journal"] = (
        (journal or JournalForm(year=str(today().year - 1)))
        if allows(actor, Permission.JOURNAL_EXPORT)
        else None
    )
    context["journal_formats"] = JOURNAL_FORMATS
    context["journal_errors"] = journal_errors
    context["active_page"] = "reports"
    return render(request, "reports/index.html", context, status_code=status_code)


def _job_context(job: ReportJob) -> Mapping[str, Any]:
    return {"active_page": "reports", "job": job}


class ReportPagesController(Controller):
    path = "/rapporten"
    include_in_schema = False

    @get("/", name="reports", opt=audience(login=True))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        own = await _own_member(visit)
        return _form_page(
            visit.request,
            ExportForm(year=str(today().year), member=own or ""),
            own=own,
            actor=visit.actor,
        )

    @post("/", name="report-export", opt=audience(login=True))
    async def export(self, visit: CurrentVisit) -> Response[Any]:
        own = await _own_member(visit)
        form = ExportForm.of(await visit.request.form())
        try:
            if own is not None and not form.member:
                # A member admin chooses from the members the form offers, never "all".
                raise ValidationFailed.single("member", ReportsRefusal.CHOOSE_MEMBER)
            job = await _start(visit, form)
        except ValidationFailed as failed:
            return _form_page(
                visit.request, form, failed.errors, status_code=422, own=own, actor=visit.actor
            )
        except Forbidden as refused:
            raise PermissionDeniedException(refused.message) from None
        # Committed before it is queued: a worker never looks for an export not stored yet.
        await visit.db.commit()
        await _jobs(visit.request).enqueue(visit.request.app.state.session_factory, job)
        return Redirect(job.url, status_code=303)

    @post("/journaal", name="journal-export", opt=audience(Permission.JOURNAL_EXPORT))
    async def journal_export(self, visit: CurrentVisit) -> Response[Any]:
        """The journal of a year as a file (CSV or XAF), or the form again with the errors."""
        form = JournalForm.of(await visit.request.form())
        try:
            if not form.year.isdigit():
                raise ValidationFailed.single("year", ReportsRefusal.YEAR_NOT_A_NUMBER)
            exported = await export_journal(
                visit.db,
                visit.actor,
                int(form.year),
                form.format,
                visit.settings,
                today=today(),
                language=form.language,
            )
        except ValidationFailed as failed:
            own = await _own_member(visit)
            return _form_page(
                visit.request,
                ExportForm(year=str(today().year), member=own or ""),
                own=own,
                actor=visit.actor,
                journal=form,
                journal_errors=failed.errors,
                status_code=422,
            )
        return attachment(exported.content, exported.media_type, exported.filename)

    @get("/{job_id:str}", name="report-job", opt=audience(login=True))
    async def job(self, visit: CurrentVisit, job_id: FromPath[str]) -> Response[Any]:
        job = await _job(visit, job_id)
        return render(visit.request, "reports/job.html", _job_context(job))

    @get("/{job_id:str}/voortgang", name="report-job-progress", opt=audience(login=True))
    async def progress(self, visit: CurrentVisit, job_id: FromPath[str]) -> Response[Any]:
        """The part of the job's page that htmx fetches every second while the job waits or
        runs."""
        job = await _job(visit, job_id)
        return render(visit.request, "reports/_progress.html", _job_context(job))

    @get("/{job_id:str}/{filename:str}", name="report-file", opt=audience(login=True))
    async def file(
        self, visit: CurrentVisit, job_id: FromPath[str], filename: FromPath[str]
    ) -> File:
        path = (await _job(visit, job_id)).file(filename)
        if path is None:
            raise NotFoundException("no such file in this export")
        return File(
            path,
            filename=path.name,
            # Litestar adds "; charset=utf-8" to text types itself.
            media_type=content_type(path).split(";")[0],
            content_disposition_type="attachment",
        )


async def _start(visit: Visit, form: ExportForm) -> ReportJob:
    """The numbers as typed first, then what the report refuses (scope, formats)."""
    errors = ErrorCollector()
    year = errors.check(lambda: _number(form.year, "year", ReportsRefusal.YEAR_NOT_A_NUMBER))
    as_of = (
        errors.check(lambda: _number(form.as_of, "asOf", ReportsRefusal.EVENT_NOT_A_NUMBER))
        if form.as_of
        else None
    )
    errors.raise_if_any()
    assert year is not None
    return await _jobs(visit.request).start(
        visit.db,
        visit.actor,
        year=year,
        member_code=form.member or None,
        as_of=as_of,
        formats=form.formats,
        decimal_comma=form.decimal_comma,
        language=form.language,
    )
