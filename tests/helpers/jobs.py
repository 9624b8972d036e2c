"""Waiting for report exports that a worker of the job queue writes."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import create_engine, create_session_factory
from registry.reports.jobs import ReportJob, ReportJobs

PATIENCE_SECONDS = 120
"""A guard against waiting for ever, not a speed requirement."""


async def stored_export(
    factory: async_sessionmaker[AsyncSession], job_id: str, directory: Any = None
) -> ReportJob | None:
    async with factory() as session:
        return await ReportJobs(directory or Path("reports")).get(session, job_id)


async def finished_export(
    factory: async_sessionmaker[AsyncSession], job_id: str, directory: Any = None
) -> ReportJob:
    """The export as stored once it is done or failed for good."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        job = await stored_export(factory, job_id, directory)
        assert job is not None, f"no export {job_id}"
        if not job.waiting:
            return job
        assert time.monotonic() < deadline, f"export {job_id} still {job.status} (gave up)"
        await asyncio.sleep(0.05)


async def finished_in_app(app: Any, job_id: str) -> ReportJob:
    """An export started on the app `app`, once its in-process worker has finished it.

    Read with an engine of its own: a test client may run the app on another event loop.
    """
    jobs: ReportJobs = app.state.report_jobs
    engine = create_engine(app.state.settings.database_url)
    try:
        return await finished_export(create_session_factory(engine), job_id, jobs.directory)
    finally:
        await engine.dispose()
