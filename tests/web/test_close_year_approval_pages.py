"""Four-eyes approval of closing a financial year on the pages: the close on /boekjaren waits
for a second director, the queue on /goedkeuringen shows the year, the decision and what it
locks (in Dutch and English), and the second director's approval closes the year."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from registry.app import create_app
from registry.approvals.models import ApprovalRequest
from registry.approvals.rules import ApprovalKind, ApprovalStatus
from registry.db import create_engine, create_session_factory
from registry.years.service import closed_years
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.helpers.years import DECISION, YEAR, record_close_decision


async def _stored(url: str) -> tuple[frozenset[int], list[ApprovalRequest]]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            requests = list(await session.scalars(select(ApprovalRequest)))
            return await closed_years(session), requests
    finally:
        await engine.dispose()


async def _close(client: AsyncTestClient[Any]) -> Any:
    html = (await client.get("/boekjaren")).text
    return await client.post(
        "/boekjaren/afsluiten",
        data={"_csrf_token": csrf_token_in(html), "jaar": str(YEAR), "besluit": DECISION},
        follow_redirects=False,
    )


async def test_closing_a_year_waits_for_a_second_director(billing_url: str) -> None:
    await record_close_decision(billing_url)
    settings = dev_settings(billing_url, four_eyes=True)
    async with AsyncTestClient(app=create_app(settings)) as client:
        await log_in_as(client, "dirk-directie")
        answer = await _close(client)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/boekjaren"
        page = (await client.get("/boekjaren")).text
        assert (
            f"Voorgelegd: het afsluiten van boekjaar {YEAR} wacht op goedkeuring door een "
            "tweede bestuurder." in page
        )
        assert "afsluiten wacht op goedkeuring door een tweede bestuurder" in page
        # Submitted twice: still one request.
        await _close(client)
        queue = (await client.get("/goedkeuringen")).text
        assert f"Boekjaar afsluiten: {YEAR}" in queue
        assert "Intrekken" in queue
        assert "Goedkeuren en uitvoeren" not in queue
    closed, requests = await _stored(billing_url)
    assert YEAR not in closed
    assert len(requests) == 1
    (request,) = requests
    assert request.kind is ApprovalKind.CLOSE_YEAR
    async with AsyncTestClient(app=create_app(settings)) as other:
        await log_in_as(other, "dora-directie")
        queue = (await other.get("/goedkeuringen")).text
        assert f'id="verzoek-{request.id}-jaar">{YEAR}<' in queue
        assert f'id="verzoek-{request.id}-besluit">{DECISION}<' in queue
        assert f"Na goedkeuring is boekjaar {YEAR} afgesloten" in queue
        english = (await other.get("/goedkeuringen?lang=en")).text
        assert f"Close a financial year: {YEAR}" in english
        assert f"Once approved, financial year {YEAR} is closed" in english
        assert "Invoiced in the year" in english
        approved = await other.post(
            f"/goedkeuringen/{request.id}/goedkeuren",
            data={"_csrf_token": csrf_token_in(queue)},
            follow_redirects=False,
        )
        assert approved.status_code == 303
        assert approved.headers["location"] == "/boekjaren"
        years = (await other.get("/boekjaren?lang=nl")).text
        assert f"Boekjaar {YEAR} is afgesloten." in years
        assert "afsluiten wacht op goedkeuring" not in years
    closed, requests = await _stored(billing_url)
    assert YEAR in closed
    assert [r.status for r in requests] == [ApprovalStatus.APPROVED]


async def test_with_four_eyes_off_the_page_closes_the_year_at_once(billing_url: str) -> None:
    await record_close_decision(billing_url)
    settings = dev_settings(billing_url, four_eyes=False)
    async with AsyncTestClient(app=create_app(settings)) as client:
        await log_in_as(client, "dirk-directie")
        answer = await _close(client)
        assert answer.headers["location"] == "/boekjaren"
        page = (await client.get("/boekjaren")).text
        assert f"Boekjaar {YEAR} is afgesloten." in page
    closed, requests = await _stored(billing_url)
    assert YEAR in closed
    assert requests == []
