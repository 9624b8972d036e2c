"""Forms that write numbers, sent twice at the same moment (a double click, two tabs): two real
concurrent requests to the app served for real, on SQLite and PostgreSQL; one record is stored,
neither request fails with a server error."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.billing.models import LineCategory, VatRule
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.costs.models import CostEntry, CostPool
from registry.db import transaction
from registry.fees.models import ContributionRate
from registry.members.models import Decision, Member, Membership
from registry.usage.models import UsageTariff
from tests.helpers.pages import csrf_token_in, dev_settings
from tests.live import LiveServer
from tests.web import fees_data

Sessions = async_sessionmaker[AsyncSession]
SETTLED = {200, 303, 409, 422}
"""Answers a second submit may get: the first's result, a conflict, or a refusal; never 500."""


@pytest.fixture
async def directie(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The directie, logged in on the app served for real on this test's database."""
    await fees_data.fill(db_url)
    with LiveServer(dev_settings(db_url)) as server:
        # Writers wait for each other's lock; on a busy machine that may exceed httpx's 5 s.
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            page = await client.get("/inloggen")
            logged_in = await client.post(
                "/inloggen/ontwikkeling",
                data={"persoon": "dirk-directie", "_csrf_token": csrf_token_in(page.text)},
            )
            assert logged_in.status_code in {200, 303}
            yield client


async def twice(
    client: httpx.AsyncClient, page: str, action: str, data: dict[str, str]
) -> list[httpx.Response]:
    """The form on `page` posted twice at the same moment with the same values, hidden fields
    included, as a browser sends a form clicked twice."""
    html = (await client.get(page)).text
    form = {"_csrf_token": csrf_token_in(html), **data}
    action_at = html.index(f'action="{action}"')
    hidden = re.search(r'name="formulier" value="([^"]+)"', html[action_at : action_at + 400])
    if hidden:
        form["formulier"] = hidden.group(1)
    answers = await asyncio.gather(*(client.post(action, data=form) for _ in range(2)))
    for answer in answers:
        assert answer.status_code in SETTLED, answer.text
    return list(answers)


async def count(sessions: Sessions, model: type, *where: object) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def test_a_decision_and_a_rate_sent_twice_are_stored_once(
    directie: httpx.AsyncClient, session_factory: Sessions
) -> None:
    decision = {
        "orgaan": "alv",
        "datum": "2026-06-11",
        "kenmerk": "ALV-2026-06",
        "onderwerp": "Contributie 2027",
    }
    await twice(directie, "/besluiten", "/besluiten", decision)
    assert await count(session_factory, Decision, Decision.reference == "ALV-2026-06") == 1

    rate = {
        "jaar": "2027",
        "tarief": "0,38",
        "besluit": "ALV-2026-06",
        "pro_rata": "by_days",
        "peildatum": "latest_published",
    }
    await twice(directie, "/contributie/tarieven", "/contributie/tarieven", rate)
    assert await count(session_factory, ContributionRate, ContributionRate.year == 2027) == 1


async def test_a_usage_tariff_and_a_vat_rule_sent_twice_are_stored_once(
    directie: httpx.AsyncClient, session_factory: Sessions
) -> None:
    async with transaction(session_factory) as session:
        await create_application(
            session,
            fees_data.ACTOR,
            "zaken",
            ApplicationInput(name="Zaken"),
            ApplicationStatus.PRODUCTION,
        )
    tariff = {
        "applicatie": "zaken",
        "eenheid": "active_users",
        "prijs": "0,55",
        "vanaf": "2027-01",
        "besluit": "ALV-2020-12",
    }
    await twice(directie, "/tarieven", "/tarieven/gebruik", tariff)
    assert await count(session_factory, UsageTariff, UsageTariff.price == Decimal("0.55")) == 1

    vat = {"categorie": "usage_fee", "btw_code": "standard", "btw_tarief": "21", "vrijstelling": ""}
    await twice(directie, "/tarieven", "/tarieven/btw", vat)
    assert await count(session_factory, VatRule, VatRule.category == LineCategory.USAGE_FEE) == 1


async def test_an_admission_confirmed_twice_admits_once(
    directie: httpx.AsyncClient, session_factory: Sessions
) -> None:
    async with session_factory() as session:
        membership_id = await session.scalar(
            select(Membership.id)
            .join(Member, Member.id == Membership.member_id)
            .where(Member.code == "provincie-utrecht")
        )
    page = f"/toelatingen/{membership_id}"
    token = csrf_token_in((await directie.get("/besluiten")).text)
    await directie.post(
        "/besluiten",
        data={
            "_csrf_token": token,
            "orgaan": "rvc",
            "datum": "2020-11-02",
            "kenmerk": "RvC-2020-11",
            "onderwerp": "Goedkeuring aanvraag Provincie Utrecht",
        },
    )
    approved = await directie.post(
        f"{page}/goedkeuring",
        data={"_csrf_token": token, "besluit": "RvC-2020-11", "uitkomst": "approved"},
    )
    assert approved.status_code == 303, approved.text
    admitted_before = await count(session_factory, AuditEvent, AuditEvent.operation == "admit")
    await twice(
        directie,
        page,
        f"{page}/toelating",
        {
            "start": "2021-01-01",
            "overeenkomst": "OVK-PU-2020",
            "entreegeld": "2.500,00",
            "entreegeld_besluit": "ALV-2020-06",
            "bevestigd": "ja",
        },
    )
    admitted = await count(session_factory, AuditEvent, AuditEvent.operation == "admit")
    assert admitted == admitted_before + 1
    async with session_factory() as session:
        membership = await session.get(Membership, membership_id)
        assert membership is not None
        assert membership.entry_fee_cents == 250000


async def test_a_cost_entry_sent_twice_is_stored_once(
    directie: httpx.AsyncClient, session_factory: Sessions
) -> None:
    token = csrf_token_in((await directie.get("/kostenpotten/nieuw")).text)
    created = await directie.post(
        "/kostenpotten/nieuw",
        data={
            "_csrf_token": token,
            "code": "BV-2021",
            "naam": "Bedrijfsvoering 2021",
            "soort": "operating",
            "sleutel": "equal",
            "afschrijving": "5",
        },
    )
    assert created.status_code == 303, created.text
    admin = "/kostenpotten/BV-2021/beheer"
    await twice(
        directie,
        admin,
        f"{admin}/posten",
        {
            "bedrag": "12.345,67",
            "datum": "2021-03-01",
            "categorie": "own_staff",
            "omschrijving": "Projectleiding",
            "document": "F-2021-001",
        },
    )
    async with session_factory() as session:
        pool_id = await session.scalar(select(CostPool.id).where(CostPool.code == "BV-2021"))
    assert await count(session_factory, CostEntry, CostEntry.pool_id == pool_id) == 1


async def test_a_notice_confirmed_twice_is_recorded_once(
    directie: httpx.AsyncClient, session_factory: Sessions
) -> None:
    async with session_factory() as session:
        membership_id = await session.scalar(
            select(Membership.id)
            .join(Member, Member.id == Membership.member_id)
            .where(Member.code == "woerden")
        )
    page = f"/toelatingen/{membership_id}"
    notices_before = await count(session_factory, AuditEvent, AuditEvent.operation == "notice")
    await twice(
        directie,
        page,
        f"{page}/opzegging",
        {
            "opzegdatum": "2020-06-30",
            "einddatum": "2020-12-31",
            "uittreding": "25.000,00",
            "bevestigd": "ja",
        },
    )
    notices = await count(session_factory, AuditEvent, AuditEvent.operation == "notice")
    assert notices == notices_before + 1
    async with session_factory() as session:
        membership = await session.get(Membership, membership_id)
        assert membership is not None
        assert membership.exit_charge_cents == 1_830_465  # capped at one year's contribution
