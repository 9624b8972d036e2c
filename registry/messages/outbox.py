"""The outbox: queue a message in the caller's transaction; read it back.

Services flush, never commit: a message is stored, or rolled back, together with the change
that causes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record_row
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.db import serialise
from registry.kit.errors import Conflict, NotFound, ValidationFailed
from registry.kit.types import utcnow
from registry.messages import labels  # noqa: F401  (a refusal shows the status by its label)
from registry.messages.errors import MessageRefusal
from registry.messages.models import Message, MessageAttachment, MessageStatus
from registry.messages.templates import Rendered, language_of, render

OUTBOX_PAGE = 200
"""Messages the outbox list shows at most (newest first)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    media_type: str
    content: bytes | None = None
    source: str | None = None


async def queue_message(
    session: AsyncSession,
    actor: Actor,
    recipients: Sequence[str],
    rendered: Rendered,
    language: str,
    attachments: Sequence[Attachment] = (),
    *,
    member_id: int | None = None,
    related: tuple[str, str] | None = None,
) -> Message:
    """Store a message to be sent by the queue's job, in the caller's transaction, audited."""
    if not recipients:
        raise ValidationFailed.single("recipients", MessageRefusal.NO_RECIPIENT)
    message = Message(
        recipients=", ".join(recipients),
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        language=language,
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        member_id=member_id,
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
        attachments=[
            MessageAttachment(
                position=n,
                filename=a.filename,
                media_type=a.media_type,
                content=a.content,
                source=a.source,
            )
            for n, a in enumerate(attachments, start=1)
        ],
    )
    await add_recorded(
        session,
        actor,
        message,
        entity_type="message",
        operation="queue",
        member_id=member_id,
        exclude=frozenset({"text_body", "html_body"}),
        attachments=[a.filename for a in attachments],
    )
    return message


async def queue_mail(
    session: AsyncSession,
    actor: Actor,
    recipient: str,
    template: str,
    language: str | None,
    attachments: Sequence[Attachment] = (),
    *,
    member_id: int | None = None,
    related: tuple[str, str] | None = None,
    **values: Any,
) -> Message:
    """Queue the mail `template` to one recipient in their language (as stored: "en", else
    Dutch), filled with `values`: the steps every mail of the registry takes."""
    chosen = language_of(language)
    return await queue_message(
        session,
        actor,
        [recipient],
        render(template, chosen, **values),
        chosen,
        attachments,
        member_id=member_id,
        related=related,
    )


def _require_directie(actor: Actor) -> None:
    require(actor, Permission.BILLING_MANAGE, MessageRefusal.DIRECTIE_READS_OUTBOX)


async def outbox(session: AsyncSession, actor: Actor) -> list[Message]:
    """The newest messages, for the directie."""
    _require_directie(actor)
    rows = await session.scalars(select(Message).order_by(Message.id.desc()).limit(OUTBOX_PAGE))
    return list(rows)


async def message(session: AsyncSession, actor: Actor, message_id: int) -> Message:
    _require_directie(actor)
    found = await session.get(Message, message_id)
    if found is None:
        raise NotFound(MessageRefusal.NO_MESSAGE, message=str(message_id))
    return found


async def related_messages(
    session: AsyncSession, related_type: str, related_id: str
) -> list[Message]:
    rows = await session.scalars(
        select(Message)
        .where(Message.related_type == related_type, Message.related_id == related_id)
        .order_by(Message.id)
    )
    return list(rows)


async def messages_with(
    session: AsyncSession, actor: Actor, status: MessageStatus | None = None, limit: int = 50
) -> list[Message]:
    """The newest messages (with this status), at most `limit` (capped at OUTBOX_PAGE)."""
    _require_directie(actor)
    query = select(Message).order_by(Message.id.desc()).limit(max(1, min(limit, OUTBOX_PAGE)))
    if status is not None:
        query = query.where(Message.status == status)
    return list(await session.scalars(query))


async def retry(session: AsyncSession, actor: Actor, message_id: int) -> Message:
    """Send a failed message again: pending from now, with every attempt of a new message.

    Only a failed message: a pending one is still being tried (perhaps right now) and a sent
    one was delivered, so retrying either could send it twice. The message is locked first,
    so two retries at the same moment put it back once."""
    _require_directie(actor)
    await serialise(session, f"message:{message_id}")
    found = await session.get(Message, message_id, populate_existing=True)
    if found is None:
        raise NotFound(MessageRefusal.NO_MESSAGE, message=str(message_id))
    if found.status is not MessageStatus.FAILED:
        raise Conflict(MessageRefusal.NOT_FAILED, message=str(message_id), status=found.status)
    before = {"status": found.status.value, "attempts": found.attempts}
    found.status, found.attempts, found.next_attempt_at = MessageStatus.PENDING, 0, utcnow()
    await session.flush()
    await record_row(
        session,
        actor,
        "retry",
        "message",
        found,
        before=before,
        member_id=found.member_id,
        exclude=frozenset({"text_body", "html_body"}),
    )
    return found
