"""The invoice page shows the reminders sent; the directie pauses and resumes them there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.billing.models import Invoice
from registry.billing.reminders import send_reminders
from registry.db import create_engine, create_session_factory, transaction
from registry.settings import Settings
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.billing_data import WOERDEN_INVOICE_ID

INVOICE = f"/facturen/{WOERDEN_INVOICE_ID}"


@pytest.fixture
async def client(billing_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(billing_url))) as test_client:
        yield test_client


@pytest.fixture
async def billing_db(billing_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(billing_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def test_a_members_admin_sees_the_reminders_sent(
    client: AsyncTestClient[Any], billing_db: async_sessionmaker[AsyncSession]
) -> None:
    async with billing_db() as session:
        invoice = await session.get(Invoice, WOERDEN_INVOICE_ID)
    assert invoice is not None
    assert invoice.due_date is not None
    for days in (14, 28, 42):
        async with transaction(billing_db) as session:
            await send_reminders(session, Settings(), invoice.due_date + timedelta(days=days))
    await log_in_as(client, "wim-woerden")
    page = (await client.get(INVOICE)).text
    assert "Vriendelijke herinnering" in page
    assert "Tweede herinnering" in page
    assert "Aanmaning" in page
    assert "herinneringen/pauzeren" not in page
    html = (await client.get(INVOICE)).text
    refused = await client.post(
        f"{INVOICE}/herinneringen/pauzeren",
        data={"_csrf_token": csrf_token_in(html), "reason": "nee"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


async def test_the_directie_pauses_with_a_reason_and_resumes(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    html = (await client.get(INVOICE)).text
    assert "Er zijn nog geen herinneringen verstuurd." in html
    empty = await client.post(
        f"{INVOICE}/herinneringen/pauzeren",
        data={"_csrf_token": csrf_token_in(html), "reason": " "},
        follow_redirects=False,
    )
    assert empty.status_code == 422
    assert 'id="pauze-reden-fout"' in empty.text
    paused = await client.post(
        f"{INVOICE}/herinneringen/pauzeren",
        data={"_csrf_token": csrf_token_in(html), "reason": "Betwist door de gemeente"},
        follow_redirects=False,
    )
    assert paused.status_code == 303
    page = (await client.get(INVOICE)).text
    assert "De herinneringen zijn gepauzeerd: Betwist door de gemeente" in page
    resumed = await client.post(
        f"{INVOICE}/herinneringen/hervatten",
        data={"_csrf_token": csrf_token_in(page)},
        follow_redirects=False,
    )
    assert resumed.status_code == 303
    assert "gepauzeerd:" not in (await client.get(INVOICE)).text
