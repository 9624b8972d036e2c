"""Four-eyes approval on the invoice pages: a confirmed issue waits on /goedkeuringen and the
draft stays a draft until the second director approves; with four-eyes off it is issued at
once and the invoice page says one director issued it."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from registry.app import create_app
from registry.approvals.models import ApprovalRequest
from registry.auth.roles import system_actor
from registry.billing.invoicing import run_invoices
from registry.billing.models import Invoice, InvoiceStatus
from registry.db import create_engine, create_session_factory, transaction
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.billing_data import UNTIL


async def _draft(url: str) -> int:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            (draft,) = await run_invoices(session, system_actor("test"), UNTIL, ["eindhoven"])
            return draft.id
    finally:
        await engine.dispose()


async def _stored(url: str) -> tuple[InvoiceStatus, list[ApprovalRequest]]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            invoice = await session.scalar(
                select(Invoice).where(Invoice.member_code == "eindhoven")
            )
            assert invoice is not None
            requests = list(await session.scalars(select(ApprovalRequest)))
            return invoice.status, requests
    finally:
        await engine.dispose()


async def _issue(client: AsyncTestClient[Any], draft: int) -> Any:
    await log_in_as(client, "dirk-directie")
    html = (await client.get("/facturen")).text
    return await client.post(
        f"/facturen/{draft}/uitgeven",
        data={"_csrf_token": csrf_token_in(html), "bevestigd": "ja"},
        follow_redirects=False,
    )


async def test_a_confirmed_issue_waits_for_a_second_director(billing_url: str) -> None:
    draft = await _draft(billing_url)
    settings = dev_settings(billing_url, four_eyes=True)
    async with AsyncTestClient(app=create_app(settings)) as client:
        answer = await _issue(client, draft)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/goedkeuringen"
        queue = await client.get("/goedkeuringen")
        assert "Voorgelegd: dit wacht op goedkeuring door een tweede bestuurder." in queue.text
        assert "Gemeente Eindhoven" in queue.text
        assert "Intrekken" in queue.text
        assert "Goedkeuren en uitvoeren" not in queue.text
        # Submitted twice: still one request.
        await _issue(client, draft)
        page = await client.get(f"/facturen/{draft}")
        assert "Wacht op goedkeuring door een tweede bestuurder: Factuur uitgeven" in page.text
    status, requests = await _stored(billing_url)
    assert status is InvoiceStatus.DRAFT
    assert len(requests) == 1
    async with AsyncTestClient(app=create_app(settings)) as other:
        await log_in_as(other, "dora-directie")
        queue = await other.get("/goedkeuringen")
        assert "Goedkeuren en uitvoeren" in queue.text
        approved = await other.post(
            f"/goedkeuringen/{requests[0].id}/goedkeuren",
            data={"_csrf_token": csrf_token_in(queue.text)},
            follow_redirects=False,
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == f"/facturen/{draft}"
    status, _ = await _stored(billing_url)
    assert status is InvoiceStatus.ISSUED


async def test_with_four_eyes_off_the_invoice_page_says_one_director_issued_it(
    billing_url: str,
) -> None:
    draft = await _draft(billing_url)
    async with AsyncTestClient(app=create_app(dev_settings(billing_url))) as client:
        answer = await _issue(client, draft)
        assert answer.headers["location"] == f"/facturen/{draft}"
        page = await client.get(f"/facturen/{draft}")
        assert "Uitgegeven zonder vier-ogencontrole (één bestuurder)" in page.text
    status, requests = await _stored(billing_url)
    assert status is InvoiceStatus.ISSUED
    assert requests == []
