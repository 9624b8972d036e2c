"""A failed report export stores a refusal, never its technical cause: readers get the
refusal's text in their language, the cause goes to the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction
from registry.reports.errors import ReportsRefusal
from registry.reports.jobs import ReportJobs, run_export
from registry.reports.models import ExportStatus, ReportExport

EXPORT_ID = "failing-export"


async def _queued(factory: async_sessionmaker[AsyncSession], error: str | None = None) -> None:
    async with transaction(factory) as session:
        session.add(
            ReportExport(
                id=EXPORT_ID,
                status=ExportStatus.QUEUED,
                year=2023,
                as_of_seq=0,
                as_of_hash="0" * 64,
                formats="json",
                language="nl",
                attempts=0,
                members_done=0,
                error=error,
            )
        )


async def _stored(factory: async_sessionmaker[AsyncSession]) -> ReportExport:
    async with factory() as session:
        row = await session.get(ReportExport, EXPORT_ID)
        assert row is not None
        return row


async def test_a_failed_attempt_stores_the_refusal_and_logs_the_cause(
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocked = tmp_path / "blocked-folder"
    blocked.write_text("a file where the reports folder should be")
    await _queued(session_factory)
    with (
        caplog.at_level(logging.ERROR, logger="registry.reports.jobs"),
        pytest.raises(OSError, match="blocked-folder"),
    ):
        await run_export(session_factory, blocked, EXPORT_ID, final=False)
    assert "blocked-folder" in caplog.text  # the cause, for the administrator
    row = await _stored(session_factory)
    assert (row.status, row.attempts) == (ExportStatus.QUEUED, 1)
    assert row.error == "export_failed"

    jobs = ReportJobs(blocked)
    async with session_factory() as session:
        dutch = await jobs.get(session, EXPORT_ID, "nl")
        english = await jobs.get(session, EXPORT_ID, "en")
        own = await jobs.get(session, EXPORT_ID)
    assert dutch is not None
    assert english is not None
    assert own is not None
    assert dutch.failure is english.failure is ReportsRefusal.EXPORT_FAILED
    assert dutch.error == ReportsRefusal.EXPORT_FAILED.value.nl
    assert english.error == ReportsRefusal.EXPORT_FAILED.value.en
    assert own.error == dutch.error  # by default in the export's own language
    for text in (dutch.error, english.error):
        assert "blocked-folder" not in text

    with pytest.raises(OSError, match="blocked-folder"):
        await run_export(session_factory, blocked, EXPORT_ID, final=True)
    row = await _stored(session_factory)
    assert (row.status, row.attempts, row.error) == (ExportStatus.FAILED, 2, "export_failed")


async def test_an_export_the_queue_cannot_take_fails_at_once_with_the_refusal(
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def unreachable(export_id: str) -> None:
        raise ConnectionRefusedError("queue at 127.0.0.1:1 refused the connection")

    await _queued(session_factory)
    jobs = ReportJobs(tmp_path, unreachable)
    async with session_factory() as session:
        job = await jobs.get(session, EXPORT_ID)
    assert job is not None
    assert job.error is None
    with caplog.at_level(logging.ERROR, logger="registry.reports.jobs"):
        await jobs.enqueue(session_factory, job)
    assert "127.0.0.1:1 refused" in caplog.text
    row = await _stored(session_factory)
    assert (row.status, row.error) == (ExportStatus.FAILED, "export_not_queued")
    async with session_factory() as session:
        english = await jobs.get(session, EXPORT_ID, "en")
    assert english is not None
    assert english.failure is ReportsRefusal.EXPORT_NOT_QUEUED
    assert english.error is not None
    assert english.error.startswith("the export could not be handed to the job queue")
    assert "127.0.0.1" not in english.error


async def test_a_cause_stored_before_the_codes_is_not_shown(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _queued(session_factory, error="[Errno 20] Not a directory: '/srv/reports/x'")
    async with session_factory() as session:
        job = await ReportJobs(tmp_path).get(session, EXPORT_ID, "en")
    assert job is not None
    assert job.failure is ReportsRefusal.EXPORT_FAILED
    assert job.error == ReportsRefusal.EXPORT_FAILED.value.en
