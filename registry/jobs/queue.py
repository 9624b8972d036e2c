"""The job queue of one process: procrastinate's app with the registry's tasks, and its worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import procrastinate
from procrastinate.connector import BaseConnector
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.testing import InMemoryConnector
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from registry.billing.gateway import PaymentGateway
from registry.jobs import tasks
from registry.kit.types import utcnow
from registry.reports.jobs import ReportJobs
from registry.settings import Settings
from registry.webhooks import service as webhooks

logger = logging.getLogger(__name__)

QUEUE_SCHEMA = "procrastinate"
"""The PostgreSQL schema of the queue's tables and functions (migration 0011)."""

READY_TIMEOUT_SECONDS = 2.0
"""How long a readiness check waits for the queue to answer: less than `/readyz` allows a
check, so a queue that is down is reported as such and not as a check without an answer."""

CONNECTION_WAIT_SECONDS = 10.0
"""How long deferring or running a job waits for one of the queue's connections."""


def backoff_seconds(first_wait: float, attempt: int) -> float:
    """How long to wait before trying again after failed attempt number `attempt` (1, 2, …):
    the first wait, then twice as long each time."""
    return float(first_wait * 2 ** (attempt - 1))


@dataclass(frozen=True)
class Backoff(BaseRetryStrategy):
    """Try a failed job again after `first_wait`, 2 × that, 4 × …, `attempts` times in all."""

    attempts: int
    first_wait: float

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        # job.attempts counts the earlier attempts: 0 while the first one runs.
        tried = job.attempts + 1
        if tried >= self.attempts:
            return None
        wait = timedelta(seconds=backoff_seconds(self.first_wait, tried))
        return RetryDecision(retry_at=utcnow() + wait)


class ProcessConnector(InMemoryConnector):
    """procrastinate's in-memory queue for a long-running process: it does not keep a list of
    every query it answered (the test helper it comes from does)."""

    async def generic_execute(
        self, query: str, suffix: Literal["run", "one", "all"], **arguments: Any
    ) -> Any:
        return await getattr(self, f"{self.reverse_queries[query]}_{suffix}")(**arguments)


def psycopg_conninfo(database_url: str) -> str:
    """The SQLAlchemy URL (postgresql+asyncpg://…) as a libpq connection string for psycopg."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def in_memory(settings: Settings) -> bool:
    return make_url(settings.database_url).get_backend_name() != "postgresql"


def connector_for(settings: Settings) -> BaseConnector:
    if in_memory(settings):
        return ProcessConnector()
    return procrastinate.PsycopgConnector()


def pool_for(settings: Settings) -> AsyncConnectionPool:
    """The queue's own connections (psycopg 3; the registry's are asyncpg), in its schema."""
    return AsyncConnectionPool(
        conninfo=psycopg_conninfo(settings.database_url),
        kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
        min_size=1,
        max_size=settings.job_queue_connections,
        open=False,
        check=AsyncConnectionPool.check_connection,
        timeout=CONNECTION_WAIT_SECONDS,
    )


async def _no_defer(delivery_id: int) -> None:
    raise RuntimeError("no job queue to hand webhook deliveries to")


@dataclass(frozen=True)
class Resources:
    """What the tasks work with, handed to them by the worker."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    payment_gateway: PaymentGateway | None
    report_jobs: ReportJobs
    defer_webhook_delivery: Callable[[int], Awaitable[None]] = field(default=_no_defer)


class JobQueue:
    """procrastinate's app on this process's connector, with the registry's tasks."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = procrastinate.App(connector=connector_for(settings))
        self.in_memory = in_memory(settings)
        retry = Backoff(settings.job_attempts, settings.job_retry_seconds)
        self.app.task(name=tasks.REPORT_EXPORT, pass_context=True, retry=retry)(tasks.report_export)
        self.app.periodic(cron=settings.payment_retry_cron, periodic_id="payments")(
            self.app.task(name=tasks.PAYMENT_RETRIES, pass_context=True)(tasks.payment_retries)
        )
        self.app.periodic(cron=settings.mail_cron, periodic_id="mail")(
            self.app.task(name=tasks.SEND_MAIL, pass_context=True)(tasks.send_mail)
        )
        self.app.periodic(cron=settings.reminder_cron, periodic_id="reminders")(
            self.app.task(name=tasks.REMINDERS, pass_context=True)(tasks.reminders)
        )
        self.app.periodic(cron=settings.contract_reminder_cron, periodic_id="contract_reminders")(
            self.app.task(name=tasks.CONTRACT_REMINDERS, pass_context=True)(
                tasks.contract_reminders
            )
        )
        self.app.task(name=tasks.WEBHOOK_DELIVERY, pass_context=True, retry=retry)(
            tasks.webhook_delivery
        )
        outbox = self.app.task(name=tasks.WEBHOOK_OUTBOX, pass_context=True)(tasks.webhook_outbox)
        if not in_memory(settings):
            # On SQLite the one process queues its deliveries after each commit and at start.
            self.app.periodic(cron="* * * * *", periodic_id="webhooks")(outbox)
        self.app.periodic(cron="* * * * *", periodic_id="stalled")(
            self.app.task(name=tasks.STALLED_JOBS, pass_context=True)(tasks.stalled_jobs)
        )
        self._worker: asyncio.Task[None] | None = None
        self._pool: AsyncConnectionPool | None = None

    async def open(self) -> None:
        """Connect; on PostgreSQL without waiting for the database, so a service starts
        while it is briefly away (and its readiness check says so)."""
        if self.in_memory:
            await self.app.open_async()
            return
        self._pool = pool_for(self.settings)
        await self._pool.open(wait=False)
        await self.app.open_async(self._pool)

    async def close(self) -> None:
        await self.stop_worker()
        await self.app.close_async()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def defer_report_export(self, export_id: str) -> None:
        """Queue the export once: a second defer of the same export while the first one
        waits is refused by the queue (queueing lock), and one export never runs twice at
        the same time (lock)."""
        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
            await self.app.configure_task(
                tasks.REPORT_EXPORT,
                lock=f"report-export:{export_id}",
                queueing_lock=f"report-export:{export_id}",
            ).defer_async(export_id=export_id)

    async def defer_webhook_delivery(self, delivery_id: int) -> None:
        """Queue a webhook delivery once; it is never sent twice at the same time."""
        with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
            await self.app.configure_task(
                tasks.WEBHOOK_DELIVERY,
                lock=f"webhook-delivery:{delivery_id}",
                queueing_lock=f"webhook-delivery:{delivery_id}",
            ).defer_async(delivery_id=delivery_id)

    async def readiness(self, _engine: AsyncEngine) -> str | None:
        """The `/readyz` check: None when the queue answers."""
        return None if await self.ready() else "the job queue does not answer"

    async def ready(self) -> bool:
        """Whether the queue answers."""
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                return bool(await self.app.check_connection_async())
        except Exception:
            logger.exception("job queue unreachable")
            return False

    async def work(
        self,
        resources: Resources,
        *,
        wait: bool = True,
        name: str = "worker",
        keep_jobs: bool = False,
    ) -> None:
        """Run jobs until cancelled (`wait`), or until none is left to run now; cancelled,
        it lets the running jobs end first."""
        await self.app.run_worker_async(
            name=name,
            wait=wait,
            concurrency=self.settings.job_concurrency,
            install_signal_handlers=False,
            additional_context={tasks.RESOURCES: resources},
            fetch_job_polling_interval=self.settings.job_polling_seconds,
            delete_jobs="never" if keep_jobs else "successful",
            shutdown_graceful_timeout=10,
            listen_notify=not self.in_memory,
        )

    async def start_worker(self, resources: Resources) -> None:
        """A worker inside this process (the demo on SQLite, or when asked for); what the
        in-memory queue lost in a restart is queued again first."""
        if self.in_memory:
            for export_id in await resources.report_jobs.unfinished(resources.session_factory):
                await self.defer_report_export(export_id)
            for delivery_id in await webhooks.unfinished(resources.session_factory):
                await self.defer_webhook_delivery(delivery_id)
        self._worker = asyncio.create_task(self.work(resources, name="in-process"))

    async def stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
