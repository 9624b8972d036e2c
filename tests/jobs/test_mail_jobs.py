"""The queue's periodic jobs send the outbox over SMTP and the reminders that are due: run by
`registry worker` on PostgreSQL, as in production."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from registry.billing.models import Reminder
from registry.db import create_engine, create_session_factory
from registry.jobs import tasks
from registry.jobs.queue import JobQueue
from registry.jobs.worker import run_worker
from registry.messages.models import Message, MessageStatus
from registry.settings import Settings
from tests.helpers.mail import MailServer, mail_server
from tests.jobs.conftest import FreshDemo

__all__ = ["mail_server"]


async def _count(url: str, statement: object) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(statement) or 0)  # type: ignore[call-overload]
    finally:
        await engine.dispose()


async def test_the_worker_sends_reminders_and_the_outbox(
    fresh_demo: FreshDemo, mail_server: MailServer, tmp_path: Path
) -> None:
    url = await fresh_demo("postgresql")
    settings = Settings(
        database_url=url,
        reports_dir=tmp_path / "reports",
        job_polling_seconds=0.1,
        # The demo's open invoices of this year are days late, not weeks.
        reminder_friendly_days=1,
        reminder_second_days=2,
        reminder_notice_days=3,
        mail_batch=500,
        # One job at a time: a worker told not to wait stops only when nothing runs, so the
        # minute's periodic send_mail that may start beside the reminders is never cut off
        # by the shutdown (its claimed messages would wait for the next attempt).
        job_concurrency=1,
        **mail_server.settings(),
    )
    queue = JobQueue(settings)
    await queue.open()
    try:
        await queue.app.configure_task(tasks.REMINDERS).defer_async(timestamp=0)
    finally:
        await queue.close()
    await run_worker(settings, wait=False, signals=False)
    reminders = await _count(url, select(func.count()).select_from(Reminder))
    assert reminders > 0  # the demo's overdue invoices are chased
    queue = JobQueue(settings)
    await queue.open()
    try:
        await queue.app.configure_task(tasks.SEND_MAIL).defer_async(timestamp=0)
    finally:
        await queue.close()
    await run_worker(settings, wait=False, signals=False)
    pending = await _count(
        url,
        select(func.count()).select_from(Message).where(Message.status != MessageStatus.SENT),
    )
    sent = await _count(
        url,
        select(func.count()).select_from(Message).where(Message.status == MessageStatus.SENT),
    )
    assert pending == 0
    assert len(mail_server.received) == sent > 0
    subjects = [r.message["Subject"] for r in mail_server.received]
    assert any(
        "herinnering" in s.lower() or "aanmaning" in s.lower() or "reminder" in s.lower()
        for s in subjects
    )
