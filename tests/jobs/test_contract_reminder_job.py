"""The queue's daily job reminds the directie of a contract's notice date: run by
`registry worker` on PostgreSQL, as in production; run again, it reminds no more."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from registry.auth.roles import system_actor
from registry.contracts.models import Contract, ContractReminder
from registry.contracts.service import ContractInput, create_contract, sign_contract
from registry.db import create_engine, create_session_factory, transaction
from registry.jobs import tasks
from registry.jobs.queue import JobQueue
from registry.jobs.worker import run_worker
from registry.messages.models import Message
from registry.settings import Settings
from tests.jobs.conftest import FreshDemo


async def _run(settings: Settings) -> None:
    queue = JobQueue(settings)
    await queue.open()
    try:
        await queue.app.configure_task(tasks.CONTRACT_REMINDERS).defer_async(timestamp=0)
    finally:
        await queue.close()
    await run_worker(settings, wait=False, signals=False)


async def test_the_worker_reminds_of_a_notice_date_once(
    fresh_demo: FreshDemo, tmp_path: Path
) -> None:
    url = await fresh_demo("postgresql")
    settings = Settings(
        database_url=url,
        reports_dir=tmp_path / "reports",
        job_polling_seconds=0.1,
        directie_email="directie@samendigitaal.example",
    )
    today = date.today()
    engine = create_engine(url)
    try:
        factory = create_session_factory(engine)
        async with transaction(factory) as session:
            actor = system_actor("test")
            await create_contract(
                session,
                actor,
                ContractInput(
                    "C-JOB-1",
                    "Hosting BV",
                    "Hosting",
                    "1000",
                    today - timedelta(days=100),
                    today + timedelta(days=300),
                    notice_date=today + timedelta(days=10),
                ),
            )
            await sign_contract(
                session, actor, "C-JOB-1", today, None, settings.contract_rvc_threshold
            )
        await _run(settings)
        await _run(settings)
        async with factory() as session:
            # The demo's own contract near its notice date is reminded of too; this one once.
            reminders = list(
                await session.scalars(
                    select(ContractReminder)
                    .join(Contract, Contract.id == ContractReminder.contract_id)
                    .where(Contract.reference == "C-JOB-1")
                )
            )
            messages = list(
                await session.scalars(
                    select(Message).where(
                        Message.related_type == "contract", Message.related_id == "C-JOB-1"
                    )
                )
            )
    finally:
        await engine.dispose()
    assert [r.notice_date for r in reminders] == [today + timedelta(days=10)]
    assert [m.recipients for m in messages] == ["directie@samendigitaal.example"]
    assert "C-JOB-1" in messages[0].subject
