"""Chasing an unpaid invoice: a friendly reminder, a second one and a formal notice with the
statutory commercial interest, each once, audited, mailed; stopped by a pause or a credit."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.credit_notes import credit
from registry.billing.interest import Rate, interest, shipped_rates
from registry.billing.invoicing import BillingDetailsInput, issue, run_invoices, set_billing_details
from registry.billing.models import CreditChoice, Invoice, Reminder, ReminderStage
from registry.billing.reminders import pause_reminders, resume_reminders, send_reminders
from registry.db import transaction
from registry.kit.errors import DomainError, ValidationFailed
from registry.messages.models import Message
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.mail import MailServer, attachments, mail_server, mail_settings, send_queued_mail

__all__ = ["billed", "cooperative", "mail_server", "pool_members"]


def member_admin(member_id: int) -> Actor:
    return Actor(
        ActorKind.USER, "Woerden admin", 99, grants=frozenset({Grant(Role.MEMBER_ADMIN, member_id)})
    )


def test_interest_is_exact_per_half_year_rate() -> None:
    # 1,000.00 from 1 Jan 2023 to 31 Dec 2023: 181 days at 10.5 %, 184 days at 12 %.
    owed = interest(100_000, date(2022, 12, 31), date(2023, 12, 31))
    assert [(p.percent, p.days) for p in owed.parts] == [
        (Decimal("10.50"), 181),
        (Decimal("12.00"), 184),
    ]
    exact = Decimal(1000) * (
        Decimal("0.105") * 181 / Decimal(365) + Decimal("0.12") * 184 / Decimal(365)
    )
    assert owed.cents == 11256
    assert abs(Decimal(owed.cents) / 100 - exact) < Decimal("0.005")
    # Not late yet, or nothing owed: no interest.
    assert interest(100_000, date(2023, 1, 31), date(2023, 1, 31)).cents == 0
    assert interest(0, date(2023, 1, 1), date(2023, 6, 1)).cents == 0
    # One day at 8 %: 1,000.00 × 0.08 / 365 = 0.219… → 0.22.
    assert interest(100_000, date(2021, 3, 1), date(2021, 3, 2)).cents == 22


def test_the_shipped_rates_cover_2020_to_2026_per_half_year() -> None:
    rates = shipped_rates()
    assert rates[0] == Rate(date(2020, 1, 1), Decimal("8.00"))
    assert [r.since for r in rates] == [
        date(year, month, 1) for year in range(2020, 2027) for month in (1, 7)
    ][: len(rates)]
    assert rates[-1].since >= date(2026, 1, 1)
    assert {r.since: r.percent for r in rates}[date(2024, 1, 1)] == Decimal("12.50")


async def _issued(session: AsyncSession) -> Invoice:
    await set_billing_details(
        session,
        ACTOR,
        "woerden",
        BillingDetailsInput(
            "Blekerijlaan 14",
            "3447 GR",
            "Woerden",
            "facturen@woerden.example",
            reminder_email="debiteuren@woerden.example",
        ),
    )
    (draft,) = await run_invoices(session, ACTOR, TODAY, ["woerden"])
    return await issue(session, ACTOR, draft.id, TODAY, SETTINGS)


async def _run(factory: async_sessionmaker[AsyncSession], day: date) -> list[Reminder]:
    async with transaction(factory) as session:
        return await send_reminders(session, SETTINGS, day)


async def test_each_stage_is_sent_once_on_its_day_and_mailed(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    invoice = await _issued(billed)
    await billed.commit()
    assert invoice.due_date is not None
    due = invoice.due_date
    assert await _run(session_factory, due + timedelta(days=13)) == []
    (friendly,) = await _run(session_factory, due + timedelta(days=14))
    assert friendly.stage is ReminderStage.FRIENDLY
    assert friendly.interest_cents is None
    assert friendly.outstanding_cents == invoice.due_cents
    assert await _run(session_factory, due + timedelta(days=14)) == []
    assert await _run(session_factory, due + timedelta(days=27)) == []
    (second,) = await _run(session_factory, due + timedelta(days=28))
    assert second.stage is ReminderStage.SECOND
    notice_day = due + timedelta(days=42)
    (notice,) = await _run(session_factory, notice_day)
    assert notice.stage is ReminderStage.NOTICE
    expected = interest(invoice.due_cents, due, notice_day)
    assert notice.interest_cents == expected.cents > 0
    assert await _run(session_factory, notice_day + timedelta(days=100)) == []

    async with session_factory() as session:
        stored = list(await session.scalars(select(Reminder).order_by(Reminder.id)))
        audited = list(
            await session.scalars(
                select(AuditEvent.entity_id).where(AuditEvent.entity_type == "reminder")
            )
        )
        mails = list(await session.scalars(select(Message).order_by(Message.id)))
    assert [r.stage for r in stored] == list(ReminderStage)
    assert sorted(audited) == sorted(str(r.id) for r in stored)
    assert [m.recipients for m in mails[1:]] == ["debiteuren@woerden.example"] * 3

    await send_queued_mail(session_factory, mail_settings(mail_server))
    subjects = [r.message["Subject"] for r in mail_server.received]
    assert any(s.startswith(f"Aanmaning: factuur {invoice.number}") for s in subjects)
    notice_mail = next(
        r.message for r in mail_server.received if "Aanmaning" in r.message["Subject"]
    )
    body = notice_mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "wettelijke handelsrente" in text
    euros = f"{expected.cents // 100},{expected.cents % 100:02d}"
    assert euros in text
    assert "niet aan de factuur toegevoegd" in text
    assert attachments(notice_mail)[f"factuur-{invoice.number}.pdf"][1].startswith(b"%PDF")
    # Never added to the invoice.
    async with session_factory() as session:
        again = await session.get(Invoice, invoice.id)
    assert again is not None
    assert again.due_cents == invoice.due_cents


async def test_a_paused_invoice_gets_no_reminder_until_resumed(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    invoice = await _issued(billed)
    with pytest.raises(ValidationFailed):
        await pause_reminders(billed, ACTOR, invoice.id, "  ")
    with pytest.raises(DomainError):
        await pause_reminders(billed, member_admin(invoice.member_id), invoice.id, "dispute")
    await pause_reminders(billed, ACTOR, invoice.id, "Betwist: aantal gebruikers klopt niet")
    await billed.commit()
    assert invoice.due_date is not None
    late = invoice.due_date + timedelta(days=50)
    assert await _run(session_factory, late) == []
    async with transaction(session_factory) as session:
        await resume_reminders(session, ACTOR, invoice.id)
    (first,) = await _run(session_factory, late)
    assert first.stage is ReminderStage.FRIENDLY
    async with session_factory() as session:
        operations = list(
            await session.scalars(
                select(AuditEvent.operation).where(AuditEvent.entity_type == "reminder_pause")
            )
        )
    assert operations == ["create", "delete"]


async def test_a_credited_invoice_is_not_chased(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    invoice = await _issued(billed)
    await credit(
        billed,
        ACTOR,
        invoice.id,
        TODAY,
        SETTINGS,
        reason="Dubbel",
        credit_choice=CreditChoice.CARRY,
    )
    await billed.commit()
    assert invoice.due_date is not None
    assert await _run(session_factory, invoice.due_date + timedelta(days=60)) == []


async def test_two_runs_at_the_same_moment_send_each_stage_once(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    invoice = await _issued(billed)
    await billed.commit()
    assert invoice.due_date is not None
    day = invoice.due_date + timedelta(days=14)
    start = asyncio.Event()

    async def run() -> int:
        await start.wait()
        async with transaction(session_factory) as session:
            sent = await send_reminders(session, SETTINGS, day)
            await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
            return len(sent)

    tasks = [asyncio.create_task(run()) for _ in range(2)]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == [0, 1]
    async with session_factory() as session:
        stored = list(await session.scalars(select(Reminder)))
        queued = list(await session.scalars(select(Message)))
    assert [r.stage for r in stored] == [ReminderStage.FRIENDLY]
    assert len(queued) == 2  # the invoice itself and one reminder
