"""The directie's cost-pool forms: create a pool, entries, participants, closing a period."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from html import unescape
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.costs.models import CostEntry, CostPool, PoolParticipant
from tests.helpers.cooperative import ACTOR
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as, one_line, post
from tests.helpers.pools import POOL, create_pool_by_form

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


async def test_the_directie_creates_a_pool_with_an_entry_and_a_participant(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await create_pool_by_form(client)
    admin = "/kostenpotten/BV-2020/beheer"
    assert "De kostenpot is aangemaakt." in (await client.get(admin)).text
    entry = await post(
        client,
        admin,
        f"{admin}/posten",
        {
            "bedrag": "12.345,67",
            "datum": "2020-03-01",
            "categorie": "own_staff",
            "omschrijving": "Projectleiding",
            "document": "F-2020-001",
        },
    )
    assert entry.status_code == 303
    joined = await post(
        client, admin, f"{admin}/deelnemers", {"lid": "woerden", "vanaf": "2020-01-01"}
    )
    assert joined.status_code == 303
    html = one_line((await client.get(admin)).text)
    assert "Inzet eigen medewerkers van leden" in html
    assert "€\xa012.345,67" in html
    assert "Gemeente Woerden: vanaf 1 januari 2020" in html
    async with cooperative_db() as session:
        pool = await session.scalar(select(CostPool).where(CostPool.code == "BV-2020"))
        assert pool is not None
        assert pool.reference_date == date(2020, 1, 1)
        stored = await session.scalar(select(CostEntry).where(CostEntry.pool_id == pool.id))
        assert stored is not None
        assert stored.amount_cents == 1234567
        assert stored.document_reference == "F-2020-001"
        assert stored.entered_by == "Dirk Directie"
        assert await session.scalar(
            select(PoolParticipant).where(PoolParticipant.pool_id == pool.id)
        )
        events = list(
            await session.scalars(
                select(AuditEvent.actor_label).where(AuditEvent.entity_type == "cost_entry")
            )
        )
        assert events == ["Dirk Directie"]


async def test_a_refused_pool_keeps_the_values_and_names_the_field(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    refused = await post(
        client, "/kostenpotten/nieuw", "/kostenpotten/nieuw", {**POOL, "peildatum": ""}
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'href="#pot-peildatum"' in html
    assert 'id="pot-peildatum-fout"' in html
    assert 'value="Bedrijfsvoering 2020"' in html
    assert 'lang="nl"' in html


async def test_an_entry_in_a_closed_period_is_refused_next_to_its_date(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await create_pool_by_form(client)
    admin = "/kostenpotten/BV-2020/beheer"
    closed = await post(client, admin, f"{admin}/afsluiten", {"tot_en_met": "2020-06-30"})
    assert closed.status_code == 303
    assert "Afgesloten tot en met 30 juni 2020" in (await client.get(admin)).text
    refused = await post(
        client,
        admin,
        f"{admin}/posten",
        {"bedrag": "100", "datum": "2020-06-01", "categorie": "hosting", "omschrijving": "Server"},
    )
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'id="post-datum-fout"' in html
    assert 'value="Server"' in html
    assert '<option value="hosting" selected>' in html
    async with cooperative_db() as session:
        assert await session.scalar(select(CostEntry)) is None


async def test_a_participation_ends(client: AsyncTestClient[Any], cooperative_db: Sessions) -> None:
    await log_in_as(client, "dirk-directie")
    await create_pool_by_form(client)
    admin = "/kostenpotten/BV-2020/beheer"
    await post(client, admin, f"{admin}/deelnemers", {"lid": "woerden", "vanaf": "2020-01-01"})
    refused = await post(
        client, admin, f"{admin}/deelnemers/einde", {"lid": "woerden", "tot": "2019-12-01"}
    )
    assert refused.status_code == 422
    assert 'id="einde-tot-fout"' in refused.text
    ended = await post(
        client, admin, f"{admin}/deelnemers/einde", {"lid": "woerden", "tot": "2020-12-31"}
    )
    assert ended.status_code == 303
    async with cooperative_db() as session:
        participant = await session.scalar(select(PoolParticipant))
        assert participant is not None
        assert participant.left_on == date(2020, 12, 31)


@pytest.mark.parametrize("person", ["anna-auditor", "wendy-woerden"])
async def test_only_the_directie_manages_pools(client: AsyncTestClient[Any], person: str) -> None:
    await log_in_as(client, person)
    assert (await client.get("/kostenpotten/nieuw")).status_code == 403
    html = (await client.get("/inloggen")).text
    refused = await client.post(
        "/kostenpotten/nieuw", data={"_csrf_token": csrf_token_in(html), **POOL}
    )
    assert refused.status_code == 403


async def test_the_directie_changes_the_key_and_refusals_stand_next_to_the_field(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    await create_pool_by_form(client)
    admin = "/kostenpotten/BV-2020/beheer"
    await post(client, admin, f"{admin}/deelnemers", {"lid": "woerden", "vanaf": "2020-01-01"})

    unchanged = await post(
        client, admin, f"{admin}/sleutel", {"sleutel": "inhabitants", "peildatum": "2020-01-01"}
    )
    assert unchanged.status_code == 422
    assert 'id="sleutel-sleutel-fout"' in unchanged.text
    assert "Bedrijfsvoering 2020 wordt al zo verdeeld" in unescape(unchanged.text)
    outsider = await post(
        client, admin, f"{admin}/sleutel", {"sleutel": "single_payer", "betaler": "eindhoven"}
    )
    assert outsider.status_code == 422
    assert 'id="sleutel-betaler-fout"' in outsider.text
    assert "neemt niet deel aan de kostenpool" in unescape(outsider.text)
    assert '<option value="single_payer" selected>' in outsider.text  # kept
    english = await client.post(
        f"{admin}/sleutel?lang=en",
        data={
            "_csrf_token": csrf_token_in(outsider.text),
            "sleutel": "inhabitants",
            "peildatum": "",
        },
    )
    assert english.status_code == 422
    assert "the inhabitants key needs a reference date" in english.text
    await client.get(f"{admin}?lang=nl")  # back to Dutch

    changed = await post(
        client, admin, f"{admin}/sleutel", {"sleutel": "single_payer", "betaler": "woerden"}
    )
    assert changed.status_code == 303
    shown = one_line((await client.get(admin)).text)
    assert "De verdeelsleutel is gewijzigd" in shown
    assert "Nu: één betaler." in shown
    async with cooperative_db() as session:
        pool = await session.scalar(select(CostPool).where(CostPool.code == "BV-2020"))
        assert pool is not None
        assert pool.key.value == "single_payer"
        assert pool.reference_date is None
        event = await session.scalar(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "cost_pool", AuditEvent.operation == "update")
            .order_by(AuditEvent.seq.desc())
        )
        assert event is not None
        assert event.actor_label == "Dirk Directie"
        assert '"key":"inhabitants"' in (event.before or "")
        assert '"key":"single_payer"' in (event.after or "")


@pytest.mark.parametrize("person", ["anna-auditor", "wim-woerden"])
async def test_only_the_directie_changes_a_key(client: AsyncTestClient[Any], person: str) -> None:
    await log_in_as(client, person)
    html = (await client.get("/inloggen")).text
    refused = await client.post(
        "/kostenpotten/zaakafhandeling-bouw/beheer/sleutel",
        data={"_csrf_token": csrf_token_in(html), "sleutel": "equal"},
    )
    assert refused.status_code == 403


async def test_a_pool_shared_by_usage_is_created_and_its_months_kept_when_refused(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    """The key by usage needs a metric and the months it counts: the form asks for them."""
    async with cooperative_db() as session, session.begin():
        await create_application(
            session, ACTOR, "zaken", ApplicationInput(name="Zaken"), ApplicationStatus.PRODUCTION
        )
    await log_in_as(client, "dirk-directie")
    by_usage = {
        **POOL,
        "code": "BEHEER-ZAKEN",
        "soort": "maintenance",
        "applicatie": "zaken",
        "sleutel": "usage",
        "peildatum": "",
        "gebruik_van": "2025-01",
        "gebruik_tot": "2025-12",
    }
    form = "/kostenpotten/nieuw"
    assert 'type="month"' in (await client.get(form)).text
    refused = await post(client, form, form, {**by_usage, "metriek": ""})
    assert refused.status_code == 422
    html = one_line(unescape(refused.text))
    assert 'href="#pot-metriek"' in html  # the summary links to the field
    assert 'value="2025-01"' in html
    assert 'value="2025-12"' in html
    created = await post(client, form, form, {**by_usage, "metriek": "transactions"})
    assert created.status_code == 303, created.text
    async with cooperative_db() as session:
        pool = await session.scalar(select(CostPool).where(CostPool.code == "BEHEER-ZAKEN"))
        assert pool is not None
        assert (pool.key.value, pool.usage_metric, pool.usage_from, pool.usage_to) == (
            "usage",
            "transactions",
            date(2025, 1, 1),
            date(2025, 12, 1),
        )
    admin = one_line((await client.get("/kostenpotten/BEHEER-ZAKEN/beheer")).text)
    assert re.search(r'<option value="transactions"\s+selected', admin)
