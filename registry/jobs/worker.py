"""`registry worker`: a process that runs the queue's jobs, beside the service processes."""

from __future__ import annotations

from registry.billing.stripe_gateway import payment_gateway
from registry.db import create_engine, create_session_factory
from registry.jobs.queue import JobQueue, Resources
from registry.reports.jobs import ReportJobs
from registry.settings import Settings


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
    resources = Resources(
        settings, create_session_factory(engine), payment_gateway(settings), report_jobs
    )
    await queue.open()
    try:
        await queue.work(resources, wait=wait, name=name, signals=signals, keep_jobs=keep_jobs)
    finally:
        await queue.close()
        await engine.dispose()
