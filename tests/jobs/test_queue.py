"""The durable job queue: jobs survive a restart, competing workers run each job once, a
failing job is tried again after a growing wait and its final failure is stored and shown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from procrastinate.jobs import Job
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from registry.auth.roles import system_actor
from registry.cli import app as cli
from registry.db import create_engine, create_session_factory, transaction
from registry.jobs.queue import Backoff, JobQueue, Resources, backoff_seconds
from registry.jobs.worker import NeedsPostgres, run_worker
from registry.reports.errors import ReportsRefusal
from registry.reports.jobs import ReportJobs
from registry.reports.models import ExportStatus
from registry.settings import Settings, get_settings
from tests.helpers.jobs import finished_export, stored_export
from tests.jobs.conftest import FreshDemo

YEAR = 2026


def _settings(url: str, tmp_path: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "reports_dir": tmp_path / "reports",
        "job_retry_seconds": 0,
        "job_polling_seconds": 0.1,
    }
    return Settings(**{**values, **changes})


@pytest.fixture
async def factory_of() -> AsyncIterator[Any]:
    engines = []

    def make(url: str) -> async_sessionmaker[AsyncSession]:
        engine = create_engine(url)
        engines.append(engine)
        return create_session_factory(engine)

    yield make
    for engine in engines:
        await engine.dispose()


async def _queued_export(settings: Settings, factory: async_sessionmaker[AsyncSession]) -> str:
    """Start an export on a queue of its own and close that queue before any worker ran."""
    queue = JobQueue(settings)
    await queue.open()
    try:
        jobs = ReportJobs(settings.reports_dir, queue.defer_report_export)
        async with transaction(factory) as session:
            job = await jobs.start(session, system_actor("test"), year=YEAR, formats=["json"])
        await jobs.enqueue(factory, job)
    finally:
        await queue.close()
    return job.id


async def _in_process_until_done(
    settings: Settings, factory: async_sessionmaker[AsyncSession], export_id: str
) -> None:
    """A service start on SQLite: its in-process worker, until the export has ended."""
    queue = JobQueue(settings)
    await queue.open()
    try:
        jobs = ReportJobs(settings.reports_dir, queue.defer_report_export)
        await queue.start_worker(Resources(settings, factory, None, jobs))
        await finished_export(factory, export_id, settings.reports_dir)
    finally:
        await queue.close()


async def test_an_export_queued_before_a_restart_runs_once_after_it(
    backend: str, fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo(backend)
    settings = _settings(url, tmp_path)
    factory = factory_of(url)
    export_id = await _queued_export(settings, factory)
    queued = await stored_export(factory, export_id)
    assert queued is not None
    assert queued.status is ExportStatus.QUEUED
    assert queued.attempts == 0

    # Started again: a worker process (PostgreSQL) or the service's own worker (SQLite).
    for _ in range(2):
        if backend == "postgresql":
            await run_worker(settings, wait=False, signals=False)
        else:
            await _in_process_until_done(settings, factory, export_id)
    done = await stored_export(factory, export_id, settings.reports_dir)
    assert done is not None
    assert done.status is ExportStatus.DONE, done.error
    assert done.attempts == 1  # ran once, not again at the second start
    assert [path.name for path in done.files] == list(done.file_names)
    assert all(path.is_file() for path in done.files)


async def test_competing_workers_run_each_job_once(
    fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo("postgresql")
    settings = _settings(url, tmp_path, job_concurrency=2)
    factory = factory_of(url)
    ids = [await _queued_export(settings, factory) for _ in range(6)]

    await asyncio.gather(
        *(
            run_worker(settings, wait=False, name=f"w{n}", signals=False, keep_jobs=True)
            for n in (1, 2)
        )
    )

    for export_id in ids:
        job = await stored_export(factory, export_id, settings.reports_dir)
        assert job is not None
        assert job.status is ExportStatus.DONE, job.error
        assert job.attempts == 1
    async with factory() as session:
        started = (
            await session.execute(
                text(
                    "SELECT j.args->>'export_id', count(*) FROM procrastinate.procrastinate_jobs j "
                    "JOIN procrastinate.procrastinate_events e ON e.job_id = j.id "
                    "WHERE e.type = 'started' AND j.task_name = 'report_export' GROUP BY 1"
                )
            )
        ).all()
    assert sorted(started) == sorted((export_id, 1) for export_id in ids)


def _job(attempts: int) -> Job:
    return Job(
        id=1,
        queue="default",
        lock=None,
        queueing_lock=None,
        task_name="report_export",
        attempts=attempts,
    )


def test_the_wait_before_the_next_attempt_doubles() -> None:
    assert [backoff_seconds(30, attempt) for attempt in (1, 2, 3)] == [30, 60, 120]
    strategy = Backoff(attempts=3, first_wait=30)
    error = RuntimeError("down")
    before = datetime.now(UTC)
    first = strategy.get_retry_decision(exception=error, job=_job(0))
    second = strategy.get_retry_decision(exception=error, job=_job(1))
    assert first is not None
    assert second is not None
    assert first.retry_at is not None
    assert second.retry_at is not None
    assert before + timedelta(seconds=30) <= first.retry_at < before + timedelta(seconds=60)
    assert before + timedelta(seconds=60) <= second.retry_at < before + timedelta(seconds=120)
    assert strategy.get_retry_decision(exception=error, job=_job(2)) is None  # third was last


async def test_a_failed_attempt_waits_in_the_queue_for_its_retry(
    fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path
) -> None:
    url = await fresh_demo("postgresql")
    # A file where the reports folder should be: every attempt fails until someone fixes it.
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    settings = _settings(url, tmp_path, reports_dir=blocked, job_retry_seconds=600)
    factory = factory_of(url)
    export_id = await _queued_export(settings, factory)
    failed_at = datetime.now(UTC)

    await run_worker(settings, wait=False, signals=False)

    job = await stored_export(factory, export_id)
    assert job is not None
    assert job.status is ExportStatus.QUEUED  # to be tried again
    assert job.attempts == 1
    assert job.failure is ReportsRefusal.EXPORT_FAILED  # the cause is in the log only
    assert job.error is not None
    async with factory() as session:
        status, scheduled = (
            await session.execute(
                text(
                    "SELECT status, scheduled_at FROM procrastinate.procrastinate_jobs "
                    "WHERE args->>'export_id' = :id"
                ),
                {"id": export_id},
            )
        ).one()
    assert status == "todo"
    assert scheduled >= failed_at + timedelta(seconds=600)


async def test_a_separate_worker_needs_postgresql(tmp_path: Path) -> None:
    settings = _settings(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    with pytest.raises(NeedsPostgres):
        await run_worker(settings, wait=False, signals=False)


async def test_the_queue_reports_whether_it_is_reachable(
    fresh_demo: FreshDemo, tmp_path: Path
) -> None:
    url = await fresh_demo("postgresql")
    reachable = JobQueue(_settings(url, tmp_path))
    await reachable.open()
    try:
        assert await reachable.ready()
    finally:
        await reachable.close()
    # A service whose database is away still starts; its readiness check says so.
    gone = url.rsplit("/", 1)[0] + "/no_such_database"
    unreachable = JobQueue(_settings(gone, tmp_path))
    await unreachable.open()
    try:
        assert not await unreachable.ready()
    finally:
        await unreachable.close()


async def test_the_in_process_queue_is_always_ready(tmp_path: Path) -> None:
    queue = JobQueue(_settings(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", tmp_path))
    await queue.open()
    try:
        assert await queue.ready()
    finally:
        await queue.close()


async def test_the_worker_command_runs_the_queued_jobs_until_none_is_left(
    fresh_demo: FreshDemo, factory_of: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await fresh_demo("postgresql")
    settings = _settings(url, tmp_path)
    factory = factory_of(url)
    export_id = await _queued_export(settings, factory)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    monkeypatch.setenv("REGISTRY_REPORTS_DIR", str(settings.reports_dir))
    get_settings.cache_clear()
    try:
        result = await asyncio.to_thread(CliRunner().invoke, cli, ["worker", "--until-empty"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    job = await stored_export(factory, export_id, settings.reports_dir)
    assert job is not None
    assert job.status is ExportStatus.DONE, job.error
    assert all(path.is_file() for path in job.files)
