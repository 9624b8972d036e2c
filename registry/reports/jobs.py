"""Report exports running in the background of the web service, each in a folder of its own.

A report of hundreds of members takes a while, so the pages and the API check the request
at once (field errors, authorisation), answer with the job, and show its progress. Jobs are
kept in the memory of the process only: after a restart they are gone, while their files
stay on disk in the reports folder, each export with its manifest.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import secrets
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.kit.errors import ErrorCollector
from registry.kit.language import Language
from registry.reports.export import FORMATS, Export, chosen_formats, export
from registry.reports.model import ReportScope
from registry.reports.service import checked_scope

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".json": "application/json",
}


class JobStatus(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(eq=False)
class ReportJob:
    id: str
    scope: ReportScope
    """Fixed when the job starts: the report reflects the registry as it was then."""
    formats: tuple[str, ...]
    decimal_comma: bool
    language: Language
    """What people read in the files (labels, findings): "nl" or "en"."""
    started_by: int | None
    """The user who started the export; with the directie and auditors the only one to see it."""
    directory: Path
    status: JobStatus = JobStatus.RUNNING
    done: int = 0
    total: int | None = None
    """Members in the report; None while the report is being prepared."""
    error: str | None = None
    result: Export | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    ended: Future[None] = field(default_factory=Future, repr=False)
    """Set when the export ends in any way; a thread-safe future, awaitable from any loop."""

    @property
    def url(self) -> str:
        return f"/rapporten/{self.id}"

    def visible_to(self, actor: Actor) -> bool:
        return (actor.user_id is not None and actor.user_id == self.started_by) or allows(
            actor, Permission.REPORTS_EXPORT
        )

    @property
    def files(self) -> list[Path]:
        """The written files, the manifest last; empty until the export is done."""
        if self.result is None:
            return []
        return [*self.result.files, self.result.manifest]

    def file(self, name: str) -> Path | None:
        """A written file by its name: only names from the list, so no path leads elsewhere."""
        return next((path for path in self.files if path.name == name), None)

    async def finished(self) -> None:
        """Wait until the export is done, failed or stopped; from any event loop, as a test
        client may run the service on a loop (and thread) of its own."""
        await asyncio.wrap_future(self.ended)


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")


class ReportJobs:
    """The export jobs of this process, by their unguessable id."""

    def __init__(self, directory: Path, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.directory = directory
        self.session_factory = session_factory
        self._jobs: dict[str, ReportJob] = {}

    def get(self, job_id: str) -> ReportJob | None:
        return self._jobs.get(job_id)

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
        """Check the request (every field error at once), then export in the background."""
        errors = ErrorCollector()
        chosen = errors.check(lambda: chosen_formats(formats))
        scope = await errors.check_awaitable(
            checked_scope(session, actor, year, member_code, as_of)
        )
        errors.raise_if_any()
        assert chosen is not None
        assert scope is not None
        job_id = secrets.token_urlsafe(16)
        job = ReportJob(
            id=job_id,
            scope=scope,
            formats=tuple(chosen),
            decimal_comma=decimal_comma,
            language=language,
            started_by=actor.user_id,
            directory=self.directory / job_id,
        )
        self._jobs[job_id] = job
        job.task = asyncio.create_task(self._run(job, actor), name=f"report-export-{job_id}")
        return job

    async def _run(self, job: ReportJob, actor: Actor) -> None:
        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        scope = job.scope
        try:
            async with self.session_factory() as session:
                job.result = await export(
                    session,
                    actor,
                    job.directory,
                    year=scope.year,
                    member_code=scope.member_code,
                    as_of=scope.as_of_seq,
                    formats=job.formats,
                    decimal_comma=job.decimal_comma,
                    language=job.language,
                    progress=progress,
                )
        except Exception as error:  # shown on the job's page; the service goes on
            logger.exception("report export %s failed", job.id)
            job.status, job.error = JobStatus.FAILED, str(error) or type(error).__name__
        else:
            job.total = job.result.prepared.header.members
            job.status = JobStatus.DONE
        finally:
            job.ended.set_result(None)

    async def close(self) -> None:
        """Stop the exports still running when the service stops; their folders stay."""
        running = [job.task for job in self._jobs.values() if job.task and not job.task.done()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)
