"""The finance desk's commands, run as a user would against the test database: the journal
export, the outbox (list, retry) and the reminders (run, dry run)."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import pyxaf
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Reminder, ReminderStage
from registry.db import transaction
from registry.kit.errors import Conflict
from registry.kit.labels import label
from registry.messages.models import Message, MessageStatus
from registry.messages.outbox import retry
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.cli import invoke
from tests.helpers.mail import MailServer, mail_server, send_queued_mail
from tests.helpers.ports import free_port

__all__ = ["billed", "cooperative", "mail_server", "pool_members"]


@pytest.fixture
async def issued(billed: AsyncSession, cli_db: str) -> AsyncSession:
    """The billed cooperative with every draft issued on 1 July 2023 (due 31 July), stored."""
    for draft in await run_invoices(billed, ACTOR, TODAY):
        await issue(billed, ACTOR, draft.id, TODAY, SETTINGS)
    await billed.commit()
    return billed


async def _events(factory: async_sessionmaker[AsyncSession], entity_type: str) -> list[str]:
    async with factory() as session:
        rows = await session.scalars(
            select(AuditEvent.operation)
            .where(AuditEvent.entity_type == entity_type)
            .order_by(AuditEvent.seq)
        )
        return list(rows)


async def test_journal_export_writes_a_valid_xaf_and_a_balanced_csv(
    issued: AsyncSession, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    xaf = tmp_path / "2023.xaf"
    done = await invoke("journal", "export", "2023", "--format", "xaf", "-o", str(xaf))
    assert done.exit_code == 0, done.output
    assert "3 transactions" in done.output
    assert pyxaf.validate(xaf, xsd=True).ok

    table = tmp_path / "2023.csv"
    done = await invoke("journal", "export", "2023", "--format", "csv", "-o", str(table))
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(table.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Datum", "Dagboek", "Boekstuknummer", "Rekening"]
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows[1:]:
        sums[row[2]][0] += int(row[6].replace(",", "") or 0)
        sums[row[2]][1] += int(row[7].replace(",", "") or 0)
    assert len(sums) == 3
    assert all(debit == credit > 0 for debit, credit in sums.values())
    assert await _events(session_factory, "journal") == ["export", "export"]

    wrong = await invoke("journal", "export", "2023", "--format", "pdf", "-o", str(table))
    assert wrong.exit_code == 2


async def _fail_every_message(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    """Send the outbox to a port where nobody listens, one attempt each: all fail."""
    closed = SETTINGS.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": free_port(),
            "smtp_tls": "none",
            "mail_attempts": 1,
        }
    )
    outcome = await send_queued_mail(factory, closed)
    assert set(outcome.values()) == {MessageStatus.FAILED}
    return sorted(outcome)


async def test_a_failed_message_is_listed_and_sent_again_after_a_retry(
    issued: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    failed = await _fail_every_message(session_factory)
    first = failed[0]

    listed = await invoke("messages", "list", "--status", "failed")
    assert listed.exit_code == 0, listed.output
    assert f"{len(failed)} message(s)." in listed.output
    assert "ConnectionRefusedError" in listed.output or "Connect" in listed.output
    assert (await invoke("messages", "list", "--status", "sent")).output.endswith("0 message(s).\n")

    retried = await invoke("messages", "retry", str(first))
    assert retried.exit_code == 0, retried.output
    async with session_factory() as session:
        message = await session.get(Message, first)
        assert message is not None
        assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    assert "retry" in await _events(session_factory, "message")

    # Only that one goes out at the worker's next run, now to a server that takes it.
    settings = SETTINGS.model_copy(update=mail_server.settings())
    assert await send_queued_mail(session_factory, settings) == {first: MessageStatus.SENT}
    assert len(mail_server.received) == 1

    again = await invoke("messages", "retry", str(first))
    assert again.exit_code == 1
    assert "message_not_failed" in again.output
    unknown = await invoke("messages", "retry", "999999")
    assert unknown.exit_code == 1
    assert "not_found" in unknown.output


async def _reminders(factory: async_sessionmaker[AsyncSession]) -> list[tuple[int, str]]:
    async with factory() as session:
        rows = await session.execute(
            select(Reminder.invoice_id, Reminder.stage).order_by(Reminder.invoice_id)
        )
        return [(invoice_id, stage.value) for invoice_id, stage in rows.all()]


async def _messages(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return (await session.scalar(select(func.count()).select_from(Message))) or 0


async def test_reminders_run_lists_in_a_dry_run_and_sends_each_stage_once(
    issued: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    invoices = len(await run_invoices(issued, ACTOR, TODAY)) or 3  # nothing left to draft
    await issued.rollback()
    queued = await _messages(session_factory)

    early = await invoke("reminders", "run", "--dry-run", "--on", "2023-08-13")
    assert early.exit_code == 0, early.output
    assert "0 reminder(s) would be sent" in early.output

    dry = await invoke("reminders", "run", "--dry-run", "--on", "2023-08-14")
    assert dry.exit_code == 0, dry.output
    assert f"{invoices} reminder(s) would be sent; nothing was sent" in dry.output
    assert dry.output.count(label(ReminderStage.FRIENDLY, "en")) == invoices
    assert await _reminders(session_factory) == []
    assert await _messages(session_factory) == queued

    run = await invoke("reminders", "run", "--on", "2023-08-14")
    assert run.exit_code == 0, run.output
    assert f"{invoices} reminder(s) sent to the outbox." in run.output
    sent = await _reminders(session_factory)
    assert [stage for _, stage in sent] == [ReminderStage.FRIENDLY.value] * invoices
    assert await _messages(session_factory) == queued + invoices

    twice = await invoke("reminders", "run", "--on", "2023-08-14")
    assert "0 reminder(s) sent" in twice.output
    later = await invoke("reminders", "run", "--dry-run", "--on", date(2023, 8, 28).isoformat())
    assert later.output.count(label(ReminderStage.SECOND, "en")) == invoices


async def test_two_retries_at_the_same_moment_put_a_failed_message_back_once(
    issued: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first = (await _fail_every_message(session_factory))[0]
    start = asyncio.Event()

    async def retry_once() -> str:
        await start.wait()
        try:
            async with transaction(session_factory) as session:
                await retry(session, ACTOR, first)
                await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
        except Conflict as refused:
            return refused.code
        return "retried"

    tasks = [asyncio.create_task(retry_once()) for _ in range(2)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == ["message_not_failed", "retried"]
    assert (await _events(session_factory, "message")).count("retry") == 1
