"""Report exports as jobs of the durable job queue, each into a folder of its own.

A report of hundreds of members takes a while, so the pages and the API check the request
at once (field errors, authorisation), store the export as a row (`ReportExport`, status
"queued") and hand its id to the job queue (`registry.jobs`); a worker writes the files into
`reports_dir/{id}` and keeps the row up to date (running, members done, done with its files,
or failed). A failure is stored as a refusal code (`FAILURES`), its technical detail goes to
the log: a reader gets the refusal's text in their own language. Any service process shows
the export's page and files from the row and the folder, also after a restart. The
folder must therefore be one that every process and the worker see (the same machine, or a
shared volume).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
import shutil
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor, system_actor
from registry.db import transaction
from registry.kit.errors import ErrorCollector, Phrase
from registry.kit.language import Language
from registry.kit.types import utcnow
from registry.reports.errors import ReportsRefusal
from registry.reports.export import FORMATS, chosen_formats, export
from registry.reports.model import Finding, ReportScope
from registry.reports.models import ExportStatus, ReportExport
from registry.reports.service import checked_scope

logger = logging.getLogger(__name__)

JobStatus = ExportStatus
"""An export's state as the pages and the API show it."""

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".json": "application/json",
}

PROGRESS_EVERY_SECONDS = 0.5
"""How often a running export stores how many members it has done."""

Defer = Callable[[str], Awaitable[None]]
"""Hands an export's id to the job queue (see `registry.jobs`)."""

FAILURES = {r.code: r for r in (ReportsRefusal.EXPORT_FAILED, ReportsRefusal.EXPORT_NOT_QUEUED)}
"""Why an export failed, as stored (`ReportExport.error` holds the code)."""


def failure_of(stored: str | None) -> ReportsRefusal | None:
    """The refusal a failed attempt stored; None when none failed.

    A row of before the codes holds the technical text itself: it reads as EXPORT_FAILED,
    so no technical text reaches a person.
    """
    if stored is None:
        return None
    return FAILURES.get(stored, ReportsRefusal.EXPORT_FAILED)


@dataclass(frozen=True, slots=True)
class ReportJob:
    """An export as stored, for the pages and the API."""

    id: str
    scope: ReportScope
    """Fixed when the export was started: the report reflects the registry as it was then."""
    formats: tuple[str, ...]
    decimal_comma: bool
    language: Language
    """What people read in the files (labels, findings): "nl" or "en"."""
    started_by: int | None
    """The user who started the export; with the directie and auditors the only one to see it."""
    directory: Path
    status: ExportStatus
    done: int
    total: int | None
    """Members in the report; None while the report is being prepared."""
    attempts: int
    failure: ReportsRefusal | None
    """Why the export failed; while queued again, why the last attempt failed."""
    error: str | None
    """`failure`'s text in the reader's language (see `ReportJobs.get`)."""
    file_names: tuple[str, ...]
    inputs_sha256: str | None
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, row: ReportExport, directory: Path, reader: Language | None = None) -> ReportJob:
        """The stored export as `reader` reads it (by default in the export's own language)."""
        language: Language = "en" if row.language == "en" else "nl"
        failure = failure_of(row.error)
        return cls(
            id=row.id,
            scope=ReportScope(row.year, row.member_code, row.as_of_seq, row.as_of_hash),
            formats=tuple(row.formats.split(",")),
            decimal_comma=row.decimal_comma,
            language=language,
            started_by=row.started_by,
            directory=directory / row.id,
            status=row.status,
            done=row.members_done,
            total=row.members_total,
            attempts=row.attempts,
            failure=failure,
            error=None if failure is None else Phrase(failure).text(reader or language),
            file_names=tuple(row.files or ()),
            inputs_sha256=row.inputs_sha256,
            findings=tuple(Finding(**f) for f in row.findings or ()),  # type: ignore[arg-type]
        )

    @property
    def url(self) -> str:
        return f"/rapporten/{self.id}"

    @property
    def waiting(self) -> bool:
        """Queued or running: the page follows its progress."""
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    def visible_to(self, actor: Actor) -> bool:
        return (actor.user_id is not None and actor.user_id == self.started_by) or allows(
            actor, Permission.REPORTS_EXPORT
        )

    @property
    def files(self) -> list[Path]:
        """The written files, the manifest last; empty until the export is done."""
        if self.status is not ExportStatus.DONE:
            return []
        return [self.directory / name for name in self.file_names]

    @property
    def manifest_name(self) -> str | None:
        return self.file_names[-1] if self.file_names else None

    def file(self, name: str) -> Path | None:
        """A written file by its name: only names from the list, so no path leads elsewhere."""
        return next((path for path in self.files if path.name == name), None)


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")


async def _no_queue(export_id: str) -> None:
    raise RuntimeError("no job queue to hand report exports to")


class ReportJobs:
    """The report exports, stored in the database; their files under `directory`."""

    def __init__(self, directory: Path, defer: Defer = _no_queue) -> None:
        self.directory = directory
        self.defer = defer

    async def get(
        self, session: AsyncSession, job_id: str, language: Language | None = None
    ) -> ReportJob | None:
        """The export by its id, its failure in `language` (by default the export's own)."""
        if not job_id or len(job_id) > 40:
            return None
        row = await session.get(ReportExport, job_id, populate_existing=True)
        return None if row is None else ReportJob.of(row, self.directory, language)

    async def start(
        self,
        session: AsyncSession,
        actor: Actor,
        *,
        year: int,
        member_code: str | None = None,
        as_of: int | None = None,
        formats: Iterable[str] = FORMATS,
        decimal_comma: bool = False,
        language: Language = "nl",
    ) -> ReportJob:
        """Check the request (every field error at once), then store the export as queued.

        The caller commits, then calls `enqueue`: a worker never looks for a row that is not
        committed yet.
        """
        errors = ErrorCollector()
        chosen = errors.check(lambda: chosen_formats(formats))
        scope = await errors.check_awaitable(
            checked_scope(session, actor, year, member_code, as_of)
        )
        errors.raise_if_any()
        assert chosen is not None
        assert scope is not None
        row = ReportExport(
            id=secrets.token_urlsafe(16),
            status=ExportStatus.QUEUED,
            year=scope.year,
            member_code=scope.member_code,
            as_of_seq=scope.as_of_seq,
            as_of_hash=scope.as_of_hash,
            formats=",".join(chosen),
            decimal_comma=decimal_comma,
            language=language,
            started_by=actor.user_id,
            attempts=0,
            members_done=0,
        )
        session.add(row)
        await session.flush()
        return ReportJob.of(row, self.directory)

    async def enqueue(self, factory: async_sessionmaker[AsyncSession], job: ReportJob) -> None:
        """Hand a committed export to the job queue; if the queue cannot be reached, the
        export fails at once (EXPORT_NOT_QUEUED, the cause in the log), instead of waiting
        for ever."""
        try:
            await self.defer(job.id)
        except Exception:
            logger.exception("report export %s could not be queued", job.id)
            async with transaction(factory) as session:
                row = await session.get(ReportExport, job.id)
                if row is not None:
                    row.status = ExportStatus.FAILED
                    row.error = ReportsRefusal.EXPORT_NOT_QUEUED.code
                    row.updated_at = utcnow()

    async def unfinished(self, factory: async_sessionmaker[AsyncSession]) -> list[str]:
        """Exports queued or running: after a restart of a service whose queue lives in its
        memory (SQLite), these are handed to the queue again."""
        async with factory() as session:
            found = await session.scalars(
                select(ReportExport.id)
                .where(ReportExport.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING]))
                .order_by(ReportExport.created_at)
            )
            return list(found)


async def _claim(factory: async_sessionmaker[AsyncSession], export_id: str) -> ReportExport | None:
    """Mark the export running, once: None when it is gone, done or failed already."""
    async with transaction(factory) as session:
        row = await session.get(ReportExport, export_id, with_for_update=True)
        if row is None or row.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return None
        row.status = ExportStatus.RUNNING
        row.attempts += 1
        row.members_done, row.members_total = 0, None
        row.updated_at = utcnow()
        return row


async def _update(
    factory: async_sessionmaker[AsyncSession], export_id: str, **values: object
) -> None:
    async with transaction(factory) as session:
        row = await session.get(ReportExport, export_id, with_for_update=True)
        if row is None:
            return
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = utcnow()


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def run_export(
    factory: async_sessionmaker[AsyncSession],
    directory: Path,
    export_id: str,
    *,
    final: bool,
) -> None:
    """Write one export (the job queue's task): its files into `directory/{id}`, its state
    in its row. A failure is logged with its cause, stored as EXPORT_FAILED and raised
    again, so the queue tries again later; after the `final` attempt the export stays
    failed."""
    row = await _claim(factory, export_id)
    if row is None:
        return
    job = ReportJob.of(row, directory)
    counted: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        counted.append((done, total))

    async def store_progress() -> None:
        stored: tuple[int, int] | None = None
        while True:
            await asyncio.sleep(PROGRESS_EVERY_SECONDS)
            if counted and counted[-1] != stored:
                stored = counted[-1]
                await _update(factory, export_id, members_done=stored[0], members_total=stored[1])

    reporter = asyncio.create_task(store_progress())
    try:
        # What an earlier attempt left behind is written again from the start.
        await asyncio.to_thread(shutil.rmtree, job.directory, True)
        async with factory() as session:
            result = await export(
                session,
                # Who may have this report was checked when the export was started.
                system_actor("report-export"),
                job.directory,
                year=job.scope.year,
                member_code=job.scope.member_code,
                as_of=job.scope.as_of_seq,
                formats=job.formats,
                decimal_comma=job.decimal_comma,
                language=job.language,
                progress=progress,
            )
    except Exception:
        await _stop(reporter)
        logger.exception("report export %s failed (attempt %s)", export_id, row.attempts)
        await _update(
            factory,
            export_id,
            status=ExportStatus.FAILED if final else ExportStatus.QUEUED,
            error=ReportsRefusal.EXPORT_FAILED.code,
        )
        raise
    await _stop(reporter)
    members = result.prepared.header.members
    await _update(
        factory,
        export_id,
        status=ExportStatus.DONE,
        error=None,
        members_done=members,
        members_total=members,
        files=[path.name for path in [*result.files, result.manifest]],
        inputs_sha256=result.prepared.header.inputs_sha256,
        findings=[dataclasses.asdict(f) for f in result.prepared.findings],
    )
