"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and sending the
queued messages to it, for the mail tests."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.billing.attachments import attachment_bytes
from registry.messages.models import MessageStatus
from registry.messages.sending import send_due
from registry.settings import Settings
from tests.helpers.billing import SETTINGS
from tests.helpers.ports import free_port

REFUSED = "refused@nowhere.example"
"""A recipient the server refuses for good (550)."""


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class MailServer:
    host: str
    port: int
    handler: Handler

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def settings(self) -> dict[str, Any]:
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_tls": "none"}


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield MailServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


def attachments(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    """File name → (media type, bytes) of every attachment."""
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        name = part.get_filename()
        assert name is not None
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[name] = (part.get_content_type(), payload)
    return found


def mail_settings(server: MailServer, **more: Any) -> Settings:
    """The billing test settings, sending through `server`."""
    return SETTINGS.model_copy(update={**server.settings(), **more})


async def send_queued_mail(
    factory: async_sessionmaker[AsyncSession], settings: Settings, **kwargs: Any
) -> dict[int, MessageStatus]:
    """Send the queued messages that are due, with their attachments; the outcome of each."""

    async def resolve(session: AsyncSession, source: str) -> bytes:
        return await attachment_bytes(session, settings, source)

    return await send_due(factory, settings, resolve, **kwargs)
