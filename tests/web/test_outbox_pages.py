"""The outbox page: the directie reads every queued message with its attachments (how
`make run` shows mail without an SMTP server); who receives what is kept on the member's
invoice page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.billing.models import BillingAccount, DeliveryChannel, Invoice
from registry.db import create_engine, create_session_factory
from registry.members.models import Member
from registry.messages.models import Message
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.billing_data import WOERDEN_INVOICE_ID

UBL_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


@pytest.fixture
async def client(billing_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(billing_url))) as test_client:
        yield test_client


@pytest.fixture
async def billing_db(billing_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(billing_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def test_the_directie_reads_the_invoice_mail_and_its_attachments(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    async with billing_db() as session:
        (message,) = list(await session.scalars(select(Message)))
        invoice = await session.get(Invoice, WOERDEN_INVOICE_ID)
        assert invoice is not None
        invoice_number = str(invoice.number)
    assert message.related_id == str(WOERDEN_INVOICE_ID)
    await log_in_as(client, "dirk-directie")
    listing = await client.get("/berichten")
    assert listing.status_code == 200
    assert f"Factuur {invoice_number}" in listing.text
    assert "facturen@woerden.example" in listing.text
    assert "Wacht op verzending" in listing.text
    assert 'id="geen-mailserver"' in listing.text  # make run: no SMTP server, mail waits here
    page = await client.get(f"/berichten/{message.id}")
    assert page.status_code == 200
    assert f"factuur-{invoice_number}.pdf" in page.text
    assert f"factuur {invoice_number}" in page.text
    pdf = await client.get(f"/berichten/{message.id}/bijlagen/1")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="factuur-{invoice_number}.pdf"' in pdf.headers["content-disposition"]
    ubl = await client.get(f"/berichten/{message.id}/bijlagen/2")
    root = etree.fromstring(ubl.content)
    assert root.findtext("cbc:ID", namespaces=UBL_NS) == invoice_number
    assert (await client.get(f"/berichten/{message.id}/bijlagen/3")).status_code == 404


async def test_a_members_admin_does_not_read_the_outbox(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    assert (await client.get("/berichten")).status_code == 403
    assert (await client.get("/berichten/1")).status_code == 403
    assert (await client.get("/berichten/1/bijlagen/1")).status_code == 403


async def test_the_members_admin_chooses_who_receives_what(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "wim-woerden")
    page = "/leden/woerden/facturen"
    fields = {
        "street": "Blekerijlaan 14",
        "postal_code": "3447 GR",
        "city": "Woerden",
        "email": "facturen@woerden.example",
        "purchase_order_reference": "",
        "language": "en",
        "delivery_channel": "email",
    }
    html = (await client.get(page)).text
    assert 'name="reminder_email"' in html
    bad = await client.post(
        f"{page}/gegevens",
        data={"_csrf_token": csrf_token_in(html), **fields, "reminder_email": "debiteuren@@x"},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert re.search(r'id="gegevens-reminder_email-fout"', bad.text)
    good = await client.post(
        f"{page}/gegevens",
        data={
            "_csrf_token": csrf_token_in(html),
            **fields,
            "reminder_email": "Debiteuren@Woerden.example",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    async with billing_db() as session:
        member_id = await session.scalar(select(Member.id).where(Member.code == "woerden"))
        account = await session.get(BillingAccount, member_id)
    assert account is not None
    assert account.reminder_email == "Debiteuren@woerden.example"
    assert account.language == "en"
    assert account.delivery_channel is DeliveryChannel.EMAIL
    after = (await client.get(page)).text
    assert 'value="Debiteuren@woerden.example"' in after
    assert '<option value="en" selected>' in after
