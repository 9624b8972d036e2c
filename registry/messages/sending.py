"""Sending the outbox over SMTP: claim what is due, send it, store each outcome.

Run by a periodic job on the queue (`registry/jobs/tasks.py` `send_mail`). A message is
claimed in a short transaction (its next attempt moved ahead, its attempts counted), sent
outside any transaction, and its outcome stored in another; a worker that dies in between
leaves a claim that runs out, after which the message is sent again. Two workers at the same
moment never claim the same message (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one
writer at a time)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.service import record
from registry.auth.roles import system_actor
from registry.db import begin_writing, transaction
from registry.kit.types import utcnow
from registry.messages.models import Message, MessageStatus
from registry.settings import Settings

logger = logging.getLogger(__name__)

SENDER = system_actor("mail")
CLAIM_MINUTES = 10
"""How long a claimed message is left alone before another worker may send it again."""
ANSWER_MAX = 1000

Resolve = Callable[[AsyncSession, str], Awaitable[bytes]]
"""Makes an attachment's bytes again from its `source` (e.g. `invoice-pdf:12`)."""


def retry_after(first_wait: float, attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt`: the first wait, doubled each time."""
    return timedelta(seconds=first_wait * 2 ** (attempt - 1))


def permanent(code: int | None) -> bool:
    """A 5xx answer (the address does not exist, the message is refused) is final."""
    return code is not None and 500 <= code < 600


@dataclass(frozen=True, slots=True)
class Outcome:
    sent: bool
    answer: str
    code: int | None = None


async def _claim(factory: async_sessionmaker[AsyncSession], now: datetime, limit: int) -> list[int]:
    async with transaction(factory) as session:
        query = (
            select(Message)
            .where(Message.status == MessageStatus.PENDING, Message.next_attempt_at <= now)
            .order_by(Message.next_attempt_at, Message.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = list(await session.scalars(query))
        for message in claimed:
            message.attempts += 1
            message.next_attempt_at = now + timedelta(minutes=CLAIM_MINUTES)
        await session.flush()
        return [m.id for m in claimed]


async def mime_message(
    session: AsyncSession, message: Message, settings: Settings, resolve: Resolve
) -> EmailMessage:
    """The message as it goes over the wire: text and HTML alternatives, then attachments."""
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = message.recipients
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=f"message-{message.id}")
    mail["Content-Language"] = message.language
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        content = attachment.content
        if content is None:
            assert attachment.source is not None
            content = await resolve(session, attachment.source)
        maintype, _, subtype = attachment.media_type.partition("/")
        mail.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mail


async def _smtp_send(mail: EmailMessage, settings: Settings) -> Outcome:
    assert settings.smtp_host is not None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        _, answer = await aiosmtplib.send(
            mail,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            username=settings.smtp_user,
            password=password,
            timeout=settings.smtp_timeout_seconds,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        first = exc.recipients[0]
        return Outcome(False, f"{first.code} {first.message}", first.code)
    except aiosmtplib.SMTPResponseException as exc:
        return Outcome(False, f"{exc.code} {exc.message}", exc.code)
    except (aiosmtplib.SMTPException, OSError) as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    return Outcome(True, answer)


async def _store(
    factory: async_sessionmaker[AsyncSession],
    message_id: int,
    outcome: Outcome,
    settings: Settings,
) -> MessageStatus:
    async with factory() as session, session.begin():
        await begin_writing(session)
        message = await session.get(Message, message_id)
        assert message is not None
        before = {"status": message.status.value, "attempts": message.attempts}
        now = utcnow()
        message.last_answer = outcome.answer[:ANSWER_MAX]
        if outcome.sent:
            message.status, message.sent_at, message.next_attempt_at = (
                MessageStatus.SENT,
                now,
                None,
            )
        elif permanent(outcome.code) or message.attempts >= settings.mail_attempts:
            message.status, message.next_attempt_at = MessageStatus.FAILED, None
        else:
            message.next_attempt_at = now + retry_after(
                settings.mail_retry_seconds, message.attempts
            )
        await session.flush()
        await record(
            session,
            SENDER,
            operation="send" if outcome.sent else "send_failed",
            entity_type="message",
            entity_id=str(message.id),
            before=before,
            after={
                "status": message.status.value,
                "attempts": message.attempts,
                "answer": message.last_answer,
            },
            member_id=message.member_id,
        )
        return message.status


async def send_due(
    factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    resolve: Resolve,
    *,
    now: datetime | None = None,
) -> dict[int, MessageStatus]:
    """Send every message that is due now (at most `mail_batch`); what became of each."""
    if settings.smtp_host is None:
        return {}
    results: dict[int, MessageStatus] = {}
    for message_id in await _claim(factory, now or utcnow(), settings.mail_batch):
        async with factory() as session:
            message = await session.get(Message, message_id)
            assert message is not None
            try:
                mail = await mime_message(session, message, settings, resolve)
            except Exception as exc:
                logger.exception("message %s could not be composed", message_id)
                outcome = Outcome(False, f"not composed: {type(exc).__name__}: {exc}")
            else:
                outcome = await _smtp_send(mail, settings)
        results[message_id] = await _store(factory, message_id, outcome, settings)
    return results
