"""Admissions on pages: the RvC's approval, admitting with a confirmation, notice with the capped
exit charge shown before it is stored, and who may not."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.members.models import Member, Membership
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


def one_line(html: str) -> str:
    """Whitespace collapsed (non-breaking spaces in amounts are kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html)


async def membership_of(sessions: Sessions, code: str) -> Membership:
    async with sessions() as session:
        found = await session.scalar(
            select(Membership)
            .join(Member, Member.id == Membership.member_id)
            .where(Member.code == code)
            .order_by(Membership.id.desc())
        )
        assert found is not None
        return found


async def post(client: AsyncTestClient[Any], page: str, action: str, data: dict[str, str]) -> Any:
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def audit_count(sessions: Sessions, operation: str) -> int:
    async with sessions() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.operation == operation, AuditEvent.entity_type == "membership")
            )
            or 0
        )


async def record_rvc_decision(client: AsyncTestClient[Any]) -> None:
    response = await post(
        client,
        "/besluiten",
        "/besluiten",
        {
            "orgaan": "rvc",
            "datum": "2020-11-02",
            "kenmerk": "RvC-2020-11",
            "onderwerp": "Goedkeuring aanvraag Provincie Utrecht",
        },
    )
    assert response.status_code == 303


async def test_waiting_applications_are_listed_and_the_rvc_approval_is_recorded(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    index = await client.get("/toelatingen")
    assert index.status_code == 200
    waiting = one_line(index.text).split("Aanvragen die wachten op de RvC")[2]
    waiting = waiting.split("Goedgekeurd, nog toe te laten")[0]
    assert "Provincie Utrecht" in waiting
    assert "Gemeente Woerden" not in waiting
    membership = await membership_of(cooperative_db, "provincie-utrecht")
    page = f"/toelatingen/{membership.id}"

    # A decision from before the application is refused next to the field, the choice kept.
    refused = await post(
        client, page, f"{page}/goedkeuring", {"besluit": "RvC-2019-10", "uitkomst": "approved"}
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'id="goedkeuring-besluit-fout"' in html
    assert 'href="#goedkeuring-besluit"' in html
    assert '<option value="RvC-2019-10" selected>' in html

    await record_rvc_decision(client)
    response = await post(
        client, page, f"{page}/goedkeuring", {"besluit": "RvC-2020-11", "uitkomst": "approved"}
    )
    assert response.status_code == 303
    shown = (await client.get(page)).text
    assert "De goedkeuring door de RvC is vastgelegd." in shown
    assert "Goedgekeurd door de RvC" in shown
    assert (await membership_of(cooperative_db, "provincie-utrecht")).approval_decision_id


async def test_admitting_asks_for_confirmation_and_stores_once(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await record_rvc_decision(client)
    membership = await membership_of(cooperative_db, "provincie-utrecht")
    page = f"/toelatingen/{membership.id}"
    await post(client, page, f"{page}/goedkeuring", {"besluit": "RvC-2020-11"})
    values = {
        "start": "2021-01-01",
        "overeenkomst": "OVK-PU-2020",
        "besluit": "",
        "entreegeld": "2.500,00",
        "entreegeld_besluit": "ALV-2020-06",
    }
    summary = await post(client, page, f"{page}/toelating", values)
    assert summary.status_code == 200
    html = one_line(summary.text)
    assert "Provincie Utrecht wordt toegelaten" in html
    assert "1 januari 2021" in html
    assert "€\xa02.500,00" in html
    assert "Er is nog niets opgeslagen." in html
    assert (await membership_of(cooperative_db, "provincie-utrecht")).start_date is None
    assert await audit_count(cooperative_db, "admit") == 4  # the demo's own admissions

    confirm = {**values, "bevestigd": "ja", "_csrf_token": csrf_token_in(summary.text)}
    first = await client.post(f"{page}/toelating", data=confirm, follow_redirects=False)
    assert first.status_code == 303
    again = await client.post(f"{page}/toelating", data=confirm, follow_redirects=False)
    assert again.status_code == 303  # a double submit answers with the first result
    stored = await membership_of(cooperative_db, "provincie-utrecht")
    assert stored.start_date == date(2021, 1, 1)
    assert stored.entry_fee_cents == 250000
    assert await audit_count(cooperative_db, "admit") == 5
    shown = (await client.get(page)).text
    assert "Het lid is toegelaten." in shown
    assert "OVK-PU-2020" in shown


async def test_an_admission_refused_shows_the_error_next_to_the_field_and_keeps_values(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await record_rvc_decision(client)
    membership = await membership_of(cooperative_db, "provincie-utrecht")
    page = f"/toelatingen/{membership.id}"
    await post(client, page, f"{page}/goedkeuring", {"besluit": "RvC-2020-11"})
    refused = await post(
        client,
        page,
        f"{page}/toelating",
        {"start": "2020-10-15", "overeenkomst": "OVK-PU", "entreegeld": "2.500,00"},
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'id="toelating-start-fout"' in html
    assert 'value="OVK-PU"' in html
    assert 'value="2.500,00"' in html
    assert (await membership_of(cooperative_db, "provincie-utrecht")).start_date is None


async def test_an_ambiguous_entry_fee_is_refused_with_its_reason_next_to_the_field(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await record_rvc_decision(client)
    membership = await membership_of(cooperative_db, "provincie-utrecht")
    page = f"/toelatingen/{membership.id}"
    await post(client, page, f"{page}/goedkeuring", {"besluit": "RvC-2020-11"})
    refused = await post(
        client,
        page,
        f"{page}/toelating",
        {"start": "2021-01-01", "overeenkomst": "OVK-PU", "entreegeld": "2.500"},
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert "is niet eenduidig: schrijf 2500 (zonder punt)" in html
    assert 'value="2.500"' in html
    assert (await membership_of(cooperative_db, "provincie-utrecht")).start_date is None


async def test_notice_shows_the_capped_exit_charge_before_it_is_stored(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    membership = await membership_of(cooperative_db, "woerden")
    page = f"/toelatingen/{membership.id}"
    values = {"opzegdatum": "2020-06-30", "einddatum": "2020-12-31", "uittreding": "25.000,00"}
    summary = await post(client, page, f"{page}/opzegging", values)
    assert summary.status_code == 200
    html = one_line(summary.text)
    # The cap is one year's contribution: 52,299 inhabitants x EUR 0.35.
    assert re.search(r'id="maximum">52\.299 inwoners .* = €\xa018\.304,65<', html)
    assert "€\xa018.304,65 (begrensd op het maximum)" in html
    assert (await membership_of(cooperative_db, "woerden")).end_date is None

    confirm = {**values, "bevestigd": "ja", "_csrf_token": csrf_token_in(summary.text)}
    assert (
        await client.post(f"{page}/opzegging", data=confirm, follow_redirects=False)
    ).status_code == 303
    stored = await membership_of(cooperative_db, "woerden")
    assert stored.end_date == date(2020, 12, 31)
    assert stored.exit_charge_cents == 1830465
    assert stored.exit_charge_requested_cents == 2500000


async def test_a_notice_before_the_start_is_refused_in_dutch(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    membership = await membership_of(cooperative_db, "woerden")
    page = f"/toelatingen/{membership.id}"
    refused = await post(
        client,
        page,
        f"{page}/opzegging",
        {"opzegdatum": "2019-06-30", "einddatum": "2020-12-31", "uittreding": "10,00"},
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'id="opzegging-datum-fout"' in html
    assert 'value="10,00"' in html
    assert 'lang="nl"' in html


@pytest.mark.parametrize("person", ["anna-auditor", "wendy-woerden"])
async def test_only_the_directie_handles_admissions(
    client: AsyncTestClient[Any], cooperative_db: Sessions, person: str
) -> None:
    membership = await membership_of(cooperative_db, "woerden")
    await log_in_as(client, person)
    assert (await client.get("/toelatingen")).status_code == 403
    assert (await client.get(f"/toelatingen/{membership.id}")).status_code == 403
    html = (await client.get("/inloggen")).text
    refused = await client.post(
        f"/toelatingen/{membership.id}/opzegging",
        data={
            "_csrf_token": csrf_token_in(html),
            "opzegdatum": "2020-06-30",
            "einddatum": "2020-12-31",
            "bevestigd": "ja",
        },
    )
    assert refused.status_code == 403
    assert (await membership_of(cooperative_db, "woerden")).end_date is None
