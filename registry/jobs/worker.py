"""`registry worker`: a process that runs the queue's jobs, beside the service processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading

import registry.models  # noqa: F401  every table, for the foreign keys of the rows a job writes
from registry.billing.stripe_gateway import payment_gateway
from registry.db import create_engine, create_session_factory
from registry.jobs.queue import JobQueue, Resources
from registry.reports.jobs import ReportJobs
from registry.settings import Settings
from registry.webhooks.service import relay_after_commit


class NeedsPostgres(Exception):
    """On SQLite the jobs live in the service process; a worker of its own sees none."""


async def run_worker(
    settings: Settings,
    *,
    wait: bool = True,
    name: str = "worker",
    signals: bool = True,
    keep_jobs: bool = False,
) -> None:
    """Run jobs until stopped (SIGINT or SIGTERM: the running jobs finish first), or with
    `wait=False` until no job is left to run now. Finished jobs are deleted from the queue
    (their outcome is in the registry's own tables) unless `keep_jobs`."""
    queue = JobQueue(settings)
    if queue.in_memory:
        raise NeedsPostgres(
            "the job queue is in the service process on SQLite; "
            "`registry worker` needs REGISTRY_DATABASE_URL=postgresql+asyncpg://…"
        )
    engine = create_engine(settings.database_url, echo=settings.sql_echo)
    report_jobs = ReportJobs(settings.reports_dir, queue.defer_report_export)
    factory = create_session_factory(engine)
    relay_after_commit(factory, queue.defer_webhook_delivery)
    resources = Resources(
        settings,
        factory,
        payment_gateway(settings),
        report_jobs,
        queue.defer_webhook_delivery,
    )
    await queue.open()
    try:
        work = asyncio.create_task(queue.work(resources, wait=wait, name=name, keep_jobs=keep_jobs))
        if signals and threading.current_thread() is threading.main_thread():
            # Cancelling procrastinate's worker stops it gracefully: running jobs end first.
            loop = asyncio.get_running_loop()
            for stop in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(stop, work.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await work
    finally:
        await queue.close()
        await engine.dispose()
