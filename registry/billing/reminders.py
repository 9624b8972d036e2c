"""Chasing unpaid invoices: a friendly reminder, a second one, then a formal notice
(aanmaning), each sent once, recorded on the invoice, audited and queued in the outbox.

Run by a periodic job on the queue (`send_reminders`); stops by itself when the invoice is
paid or credited (it is no longer open), and when the directie paused it with a reason.
Services flush, never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor, system_actor
from registry.billing import repository
from registry.billing.delivery import invoice_attachment
from registry.billing.document import DocumentKind
from registry.billing.errors import BillingRefusal
from registry.billing.interest import interest
from registry.billing.models import (
    Invoice,
    InvoiceStatus,
    Reminder,
    ReminderPause,
    ReminderStage,
)
from registry.billing.operations import locked_invoice
from registry.billing.rules import outstanding
from registry.db import serialise
from registry.kit.errors import ValidationFailed
from registry.members.models import Member
from registry.messages.outbox import queue_mail
from registry.settings import Settings

REMINDERS = system_actor("reminders")
STAGES = (ReminderStage.FRIENDLY, ReminderStage.SECOND, ReminderStage.NOTICE)
OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)
REASON_MAX = 500


def thresholds(settings: Settings) -> dict[ReminderStage, int]:
    return {
        ReminderStage.FRIENDLY: settings.reminder_friendly_days,
        ReminderStage.SECOND: settings.reminder_second_days,
        ReminderStage.NOTICE: settings.reminder_notice_days,
    }


def next_stage(
    days_late: int, sent: set[ReminderStage], after: Mapping[ReminderStage, int]
) -> ReminderStage | None:
    """The first stage not sent yet, when its day has come; stages go in order, one a run."""
    for stage in STAGES:
        if stage in sent:
            continue
        return stage if days_late >= after[stage] else None
    return None


async def _open_invoice_ids(session: AsyncSession) -> list[int]:
    return list(
        await session.scalars(
            select(Invoice.id)
            .where(
                Invoice.kind == DocumentKind.INVOICE,
                Invoice.status.in_(OPEN),
                Invoice.due_date.is_not(None),
            )
            .order_by(Invoice.id)
        )
    )


async def _due_stage(
    session: AsyncSession, invoice: Invoice, after: Mapping[ReminderStage, int], today: date
) -> ReminderStage | None:
    """The stage this invoice is due for today: none when it is paid, credited, paused, not
    late enough, or every stage went out."""
    assert invoice.due_date is not None
    days_late = (today - invoice.due_date).days
    if invoice.status not in OPEN or days_late < min(after.values()):
        return None
    if await session.get(ReminderPause, invoice.id) is not None:
        return None
    done = set(
        await session.scalars(select(Reminder.stage).where(Reminder.invoice_id == invoice.id))
    )
    return next_stage(days_late, done, after)


async def send_reminders(session: AsyncSession, settings: Settings, today: date) -> list[Reminder]:
    """Send every reminder that is due today; each invoice is locked first, so two runs at
    the same moment send each stage once (the database backs it with a unique key)."""
    after = thresholds(settings)
    sent: list[Reminder] = []
    for invoice_id in await _open_invoice_ids(session):
        await serialise(session, f"reminders:{invoice_id}")
        invoice = await session.get(Invoice, invoice_id, populate_existing=True)
        assert invoice is not None
        stage = await _due_stage(session, invoice, after, today)
        if stage is not None:
            sent.append(await _send(session, settings, invoice, stage, today))
    return sent


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder that a run today would send (`registry reminders run --dry-run`)."""

    invoice_id: int
    number: str
    member_code: str
    stage: ReminderStage
    days_late: int
    outstanding_cents: int


async def due_reminders(
    session: AsyncSession, settings: Settings, today: date
) -> list[DueReminder]:
    """What `send_reminders` would send today, by the same rule; nothing is written."""
    after = thresholds(settings)
    due = []
    for invoice_id in await _open_invoice_ids(session):
        invoice = await session.get(Invoice, invoice_id)
        assert invoice is not None
        assert invoice.due_date is not None
        stage = await _due_stage(session, invoice, after, today)
        if stage is not None:
            due.append(
                DueReminder(
                    invoice.id,
                    invoice.number or "",
                    invoice.member_code,
                    stage,
                    (today - invoice.due_date).days,
                    outstanding(invoice.due_cents, invoice.settled_cents),
                )
            )
    return due


async def _send(
    session: AsyncSession, settings: Settings, invoice: Invoice, stage: ReminderStage, today: date
) -> Reminder:
    assert invoice.due_date is not None
    assert invoice.number is not None
    owed = outstanding(invoice.due_cents, invoice.settled_cents)
    shows_interest = stage.value in settings.reminder_interest_stages
    owed_interest = interest(owed, invoice.due_date, today) if shows_interest else None
    reminder = Reminder(
        invoice_id=invoice.id,
        stage=stage,
        sent_on=today,
        outstanding_cents=owed,
        interest_cents=owed_interest.cents if owed_interest else None,
    )
    member = await session.get(Member, invoice.member_id)
    account = await repository.account_of(session, invoice.member_id)
    address = account.reminder_email or account.email if account else None
    if member is not None and account is not None and address is not None:
        message = await queue_mail(
            session,
            REMINDERS,
            address,
            "reminder",
            account.language,
            [invoice_attachment(invoice)],
            member_id=invoice.member_id,
            related=("invoice", str(invoice.id)),
            stage=stage.value,
            number=invoice.number,
            member=member.name,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            days_late=(today - invoice.due_date).days,
            outstanding_cents=owed,
            interest=owed_interest,
            today=today,
            cooperative=settings.cooperative_name,
            iban=settings.cooperative_iban,
            url=settings.link(f"/facturen/{invoice.id}"),
        )
        reminder.message_id = message.id
    await add_recorded(
        session, REMINDERS, reminder, entity_type="reminder", member_id=invoice.member_id
    )
    return reminder


@dataclass(frozen=True, slots=True)
class ReminderState:
    """What the invoice page shows: the reminders sent, and the pause if there is one."""

    reminders: Sequence[Reminder]
    pause: ReminderPause | None


async def reminder_state(session: AsyncSession, invoice_id: int) -> ReminderState:
    """For a reader who may already read the invoice."""
    return (await reminder_states(session, [invoice_id]))[invoice_id]


async def reminder_states(
    session: AsyncSession, invoice_ids: Sequence[int]
) -> dict[int, ReminderState]:
    """Each invoice's reminders and pause, in two queries however many invoices."""
    ids = list(invoice_ids)
    sent: dict[int, list[Reminder]] = {i: [] for i in ids}
    for reminder in await session.scalars(
        select(Reminder).where(Reminder.invoice_id.in_(ids)).order_by(Reminder.id)
    ):
        sent[reminder.invoice_id].append(reminder)
    pauses = {
        p.invoice_id: p
        for p in await session.scalars(
            select(ReminderPause).where(ReminderPause.invoice_id.in_(ids))
        )
    }
    return {i: ReminderState(sent[i], pauses.get(i)) for i in ids}


async def pause_reminders(
    session: AsyncSession, actor: Actor, invoice_id: int, reason: str
) -> ReminderPause:
    """Stop the reminders of one invoice, saying why; paused again keeps the first pause."""
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_PAUSES_REMINDERS)
    invoice = await locked_invoice(session, invoice_id)
    text = reason.strip()
    if not text:
        raise ValidationFailed.single("reason", BillingRefusal.PAUSE_REASON_REQUIRED)
    if len(text) > REASON_MAX:
        raise ValidationFailed.single(
            "reason", BillingRefusal.PAUSE_REASON_TOO_LONG, limit=REASON_MAX
        )
    existing = await session.get(ReminderPause, invoice_id)
    if existing is not None:
        return existing
    pause = ReminderPause(invoice_id=invoice.id, reason=text, paused_by=actor.label)
    await add_recorded(
        session,
        actor,
        pause,
        entity_type="reminder_pause",
        entity_id=str(invoice.id),
        member_id=invoice.member_id,
    )
    return pause


async def resume_reminders(session: AsyncSession, actor: Actor, invoice_id: int) -> None:
    require(actor, Permission.BILLING_MANAGE, BillingRefusal.DIRECTIE_PAUSES_REMINDERS)
    invoice = await locked_invoice(session, invoice_id)
    pause = await session.get(ReminderPause, invoice_id)
    if pause is None:
        return
    before = {"reason": pause.reason, "paused_by": pause.paused_by}
    await session.delete(pause)
    await session.flush()
    await record(
        session,
        actor,
        operation="delete",
        entity_type="reminder_pause",
        entity_id=str(invoice.id),
        before=before,
        after=None,
        member_id=invoice.member_id,
    )
