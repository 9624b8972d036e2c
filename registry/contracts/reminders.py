"""The reminder before a contract's notice date (opzegdatum): a periodic job on the queue
puts a message to the directie in the outbox, once per contract and notice date.

Services flush, never commit."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.roles import system_actor
from registry.contracts import repository
from registry.contracts.models import Contract, ContractReminder, ContractStatus
from registry.contracts.rules import notice_near
from registry.db import serialise
from registry.messages.outbox import queue_mail
from registry.settings import Settings

CONTRACT_REMINDERS = system_actor("contract-reminders")


async def send_contract_reminders(
    session: AsyncSession, settings: Settings, today: date
) -> list[ContractReminder]:
    """Remind the directie of every signed contract whose notice date is near and that was
    not reminded of for that date yet. Each contract is locked first, so two runs at the same
    moment remind once (the database backs it with a unique key)."""
    days = settings.contract_notice_days
    candidates = list(
        await session.scalars(
            select(Contract.id)
            .where(
                Contract.status == ContractStatus.SIGNED,
                Contract.notice_date.is_not(None),
                Contract.notice_date >= today,
                Contract.notice_date <= today + timedelta(days),
            )
            .order_by(Contract.id)
        )
    )
    sent: list[ContractReminder] = []
    for contract_id in candidates:
        await serialise(session, f"contract_reminder:{contract_id}")
        contract = await session.get(Contract, contract_id, populate_existing=True)
        assert contract is not None
        if contract.status is not ContractStatus.SIGNED or not notice_near(
            contract.notice_date, today, days
        ):
            continue
        assert contract.notice_date is not None
        if await repository.reminder_of(session, contract.id, contract.notice_date) is not None:
            continue
        sent.append(await _send(session, settings, contract, today))
    return sent


async def _send(
    session: AsyncSession, settings: Settings, contract: Contract, today: date
) -> ContractReminder:
    assert contract.notice_date is not None
    reminder = ContractReminder(
        contract_id=contract.id, notice_date=contract.notice_date, sent_on=today
    )
    if settings.directie_email:
        message = await queue_mail(
            session,
            CONTRACT_REMINDERS,
            settings.directie_email,
            "contract_notice",
            settings.directie_language,
            related=("contract", contract.reference),
            reference=contract.reference,
            supplier=contract.supplier,
            subject=contract.subject,
            notice_date=contract.notice_date,
            end_date=contract.end_date,
            amount_cents=contract.amount_cents,
            days_left=(contract.notice_date - today).days,
            cooperative=settings.cooperative_name,
            url=settings.link("/contracten"),
        )
        reminder.message_id = message.id
    session.add(reminder)
    await session.flush()
    await record_row(session, CONTRACT_REMINDERS, "create", "contract_reminder", reminder)
    return reminder
