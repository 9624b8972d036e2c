"""Issuing an invoice or credit note queues an e-mail in the same transaction; the queue's
job sends it to a real SMTP server on loopback, PDF and UBL attached, and stores each outcome."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.billing.credit_notes import credit
from registry.billing.invoicing import BillingDetailsInput, issue, run_invoices, set_billing_details
from registry.billing.models import CreditChoice, Invoice
from registry.db import transaction
from registry.kit.errors import ValidationFailed
from registry.kit.types import utcnow
from registry.messages.models import Message, MessageStatus
from registry.settings import Settings
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.mail import (
    REFUSED,
    MailServer,
    attachments,
    mail_server,
    mail_settings,
    send_queued_mail,
)
from tests.helpers.ports import free_port

__all__ = ["billed", "cooperative", "mail_server", "pool_members"]

UBL_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


async def issue_woerden(session: AsyncSession, settings: Settings = SETTINGS) -> Invoice:
    (draft,) = await run_invoices(session, ACTOR, TODAY, ["woerden"])
    return await issue(session, ACTOR, draft.id, TODAY, settings)


async def messages(factory: async_sessionmaker[AsyncSession]) -> list[Message]:
    async with factory() as session:
        return list(await session.scalars(select(Message).order_by(Message.id)))


async def test_an_issued_invoice_is_mailed_with_its_pdf_and_ubl(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    invoice = await issue_woerden(billed)
    await billed.commit()
    (queued,) = await messages(session_factory)
    assert queued.status is MessageStatus.PENDING
    assert mail_server.received == []  # queued, not sent, by the issue

    settings = mail_settings(mail_server)
    assert await send_queued_mail(session_factory, settings) == {queued.id: MessageStatus.SENT}

    (received,) = mail_server.received
    assert received.recipients == ["facturen@woerden.example"]
    assert received.sender == settings.mail_from
    mail = received.message
    assert mail["Subject"] == f"Factuur {invoice.number} van {settings.cooperative_name}"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert f"factuur {invoice.number}" in text.get_content()
    assert "€" in text.get_content()
    assert "<strong>" in html.get_content()
    files = attachments(mail)
    assert set(files) == {f"factuur-{invoice.number}.pdf", f"factuur-{invoice.number}.xml"}
    media, pdf = files[f"factuur-{invoice.number}.pdf"]
    assert media == "application/pdf"
    assert pdf.startswith(b"%PDF")
    media, ubl = files[f"factuur-{invoice.number}.xml"]
    assert media == "application/xml"
    root = etree.fromstring(ubl)
    assert root.findtext("cbc:ID", namespaces=UBL_NS) == invoice.number

    (stored,) = await messages(session_factory)
    assert stored.status is MessageStatus.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.last_answer is not None
    assert "accepted" in stored.last_answer
    assert stored.related_type == "invoice"
    assert stored.related_id == str(invoice.id)
    async with session_factory() as session:
        operations = list(
            await session.scalars(
                select(AuditEvent.operation)
                .where(AuditEvent.entity_type == "message")
                .order_by(AuditEvent.seq)
            )
        )
    assert operations == ["queue", "send"]
    # Sent once: a next run of the job finds nothing due.
    assert await send_queued_mail(session_factory, settings) == {}
    assert len(mail_server.received) == 1


async def test_a_credit_note_is_mailed_in_the_members_language(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    await set_billing_details(
        billed,
        ACTOR,
        "woerden",
        BillingDetailsInput(
            "Blekerijlaan 14", "3447 GR", "Woerden", "facturen@woerden.example", language="en"
        ),
    )
    invoice = await issue_woerden(billed)
    note = await credit(
        billed,
        ACTOR,
        invoice.id,
        TODAY,
        SETTINGS,
        reason="Wrong count",
        credit_choice=CreditChoice.CARRY,
    )
    await billed.commit()
    await send_queued_mail(session_factory, mail_settings(mail_server))
    subjects = sorted(r.message["Subject"] for r in mail_server.received)
    assert subjects == sorted(
        [
            f"Invoice {invoice.number} from {SETTINGS.cooperative_name}",
            f"Credit note {note.number} from {SETTINGS.cooperative_name}",
        ]
    )
    credit_mail = next(r.message for r in mail_server.received if "Credit" in r.message["Subject"])
    files = attachments(credit_mail)
    assert files[f"creditnota-{note.number}.pdf"][1].startswith(b"%PDF")
    root = etree.fromstring(files[f"creditnota-{note.number}.xml"][1])
    assert root.findtext("cbc:ID", namespaces=UBL_NS) == note.number


async def test_a_member_without_an_invoice_address_gets_no_mail(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await set_billing_details(
        billed, ACTOR, "woerden", BillingDetailsInput("Blekerijlaan 14", "3447 GR", "Woerden")
    )
    await issue_woerden(billed)
    await billed.commit()
    assert await messages(session_factory) == []


async def test_addresses_are_checked(billed: AsyncSession) -> None:
    try:
        await set_billing_details(
            billed,
            ACTOR,
            "woerden",
            BillingDetailsInput(
                "Blekerijlaan 14",
                "3447 GR",
                "Woerden",
                "facturen@@woerden",
                reminder_email="debiteuren at woerden.nl",
                language="de",
            ),
        )
    except ValidationFailed as refused:
        fields = sorted(e.field for e in refused.errors)
    else:
        raise AssertionError("bad addresses were accepted")
    assert fields == ["email", "language", "reminderEmail"]


async def test_a_refused_recipient_fails_with_the_servers_answer(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    await set_billing_details(
        billed,
        ACTOR,
        "woerden",
        BillingDetailsInput("Blekerijlaan 14", "3447 GR", "Woerden", REFUSED),
    )
    await issue_woerden(billed)
    await billed.commit()
    (queued,) = await messages(session_factory)
    assert await send_queued_mail(session_factory, mail_settings(mail_server)) == {
        queued.id: MessageStatus.FAILED
    }
    (stored,) = await messages(session_factory)
    assert stored.attempts == 1
    assert stored.last_answer is not None
    assert stored.last_answer.startswith("550")
    assert "no such mailbox" in stored.last_answer
    assert mail_server.received == []


async def test_an_unreachable_server_is_tried_again_later_with_a_growing_wait(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    await issue_woerden(billed)
    await billed.commit()
    closed = SETTINGS.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": free_port(),  # nothing listens there
            "smtp_tls": "none",
            "mail_attempts": 3,
            "mail_retry_seconds": 60,
        }
    )
    start = utcnow()
    (queued,) = await messages(session_factory)
    assert await send_queued_mail(session_factory, closed, now=start) == {
        queued.id: MessageStatus.PENDING
    }
    (stored,) = await messages(session_factory)
    assert stored.attempts == 1
    assert stored.last_answer is not None
    assert stored.next_attempt_at is not None
    first_wait = stored.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < first_wait <= timedelta(seconds=60)
    # Not due yet: nothing is tried.
    assert await send_queued_mail(session_factory, closed, now=start + timedelta(seconds=30)) == {}
    # Due: tried again, then waits twice as long.
    later = stored.next_attempt_at + timedelta(seconds=1)
    assert await send_queued_mail(session_factory, closed, now=later) == {
        queued.id: MessageStatus.PENDING
    }
    (stored,) = await messages(session_factory)
    assert stored.attempts == 2
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at - utcnow() > timedelta(seconds=110)
    # The server is back for the last attempt.
    mail_server_settings = mail_settings(mail_server, mail_attempts=3)
    last = stored.next_attempt_at + timedelta(seconds=1)
    assert await send_queued_mail(session_factory, mail_server_settings, now=last) == {
        queued.id: MessageStatus.SENT
    }
    assert len(mail_server.received) == 1


async def test_without_an_smtp_server_messages_wait_in_the_outbox(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await issue_woerden(billed)
    await billed.commit()
    assert await send_queued_mail(session_factory, SETTINGS) == {}
    (stored,) = await messages(session_factory)
    assert stored.status is MessageStatus.PENDING
    assert stored.attempts == 0


async def test_one_invoice_issued_twice_at_the_same_moment_is_mailed_once(
    billed: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    mail_server: MailServer,
) -> None:
    (draft,) = await run_invoices(billed, ACTOR, TODAY, ["woerden"])
    await billed.commit()
    start = asyncio.Event()

    async def issue_once() -> str:
        await start.wait()
        try:
            async with transaction(session_factory) as session:
                issued = await issue(session, ACTOR, draft.id, TODAY, SETTINGS)
                await asyncio.sleep(0.05)  # hold the transaction open while the other one runs
                return str(issued.number)
        except ValidationFailed as refused:
            return refused.errors[0].code

    tasks = [asyncio.create_task(issue_once()) for _ in range(2)]
    start.set()
    outcomes = sorted(await asyncio.gather(*tasks))
    assert outcomes == ["2023-000001", "already_issued"]
    assert len(await messages(session_factory)) == 1

    # Two workers sending at the same moment send it once.
    settings = mail_settings(mail_server)
    results = await asyncio.gather(
        send_queued_mail(session_factory, settings), send_queued_mail(session_factory, settings)
    )
    assert sorted(len(r) for r in results) == [0, 1]
    assert len(mail_server.received) == 1


async def test_a_message_that_keeps_failing_is_given_up(
    billed: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await issue_woerden(billed)
    await billed.commit()
    closed = SETTINGS.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": free_port(),
            "smtp_tls": "none",
            "mail_attempts": 2,
            "mail_retry_seconds": 0,
        }
    )
    (queued,) = await messages(session_factory)
    assert await send_queued_mail(session_factory, closed) == {queued.id: MessageStatus.PENDING}
    assert await send_queued_mail(session_factory, closed) == {queued.id: MessageStatus.FAILED}
    (stored,) = await messages(session_factory)
    assert stored.attempts == 2
    assert stored.next_attempt_at is None
    assert stored.last_answer
    assert await send_queued_mail(session_factory, closed) == {}
