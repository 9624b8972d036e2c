"""The lead member's admins write the business case draft of their application on a page; the
directie decides on it; others read it or are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from html import unescape
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.auth.roles import system_actor
from registry.catalogue.models import BusinessCase, BusinessCaseDecision
from registry.catalogue.service import decide_business_case
from registry.db import create_engine, create_session_factory, transaction
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

PAGE = "/applicaties/subsidieportaal/businesscase"  # Woerden is the trekker
DRAFT = {
    "titel": "Subsidieportaal 2.0",
    "ontwikkeling": "120.000,00",
    "eigen_inzet": "15.000,00",
    "hosting": "4.800,00",
    "gebruiksvergoedingen": "2.400,00",
    "risicos": "Te weinig deelnemers in het eerste jaar.",
}


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], data: dict[str, Any]) -> Any:
    html = (await client.get(PAGE)).text
    return await client.post(
        PAGE, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def cases(demo_url: str) -> list[BusinessCase]:
    engine = create_engine(demo_url)
    try:
        async with create_session_factory(engine)() as session:
            found = await session.scalars(
                select(BusinessCase).where(BusinessCase.title == DRAFT["titel"])
            )
            return list(found)
    finally:
        await engine.dispose()


async def test_the_trekker_writes_and_revises_a_draft(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await log_in_as(client, "wim-woerden")
    manage = (await client.get("/applicaties/subsidieportaal/beheer")).text
    assert f'href="{PAGE}"' in manage

    refused = await post(client, {**DRAFT, "ontwikkeling": "1.2.3", "deelnemers": "atlantis"})
    assert refused.status_code == 422
    assert 'id="case-ontwikkeling-fout"' in refused.text
    assert 'value="Subsidieportaal 2.0"' in refused.text
    assert await cases(demo_url) == []

    saved = await post(client, {**DRAFT, "deelnemers": ["woerden", "eindhoven"]})
    assert saved.status_code == 303, re.findall(r"-fout\">(.*?)</p>", saved.text)
    page = re.sub(r"[ \t\r\n]+", " ", unescape((await client.get(PAGE)).text))
    assert "De businesscase 'Subsidieportaal 2.0' is opgeslagen." in page
    assert "Concept: de directie heeft nog niet besloten." in page
    assert "€\xa0120.000,00" in page
    assert "Gemeente Woerden" in page
    assert "Gemeente Eindhoven" in page

    revised = await post(client, {**DRAFT, "ontwikkeling": "110.000,00", "deelnemers": "woerden"})
    assert revised.status_code == 303
    (case,) = await cases(demo_url)
    assert case.development_cents == 11_000_000
    assert case.expected_usage_fees_cents == 240_000
    assert case.decision is None

    engine = create_engine(demo_url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            events = list(
                await session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.entity_type == "business_case")
                    .where(AuditEvent.entity_id == str(case.id))
                    .order_by(AuditEvent.seq)
                )
            )
            assert [(e.operation, e.actor_label) for e in events] == [
                ("create", "Wim Woerden"),
                ("update", "Wim Woerden"),
            ]
            await decide_business_case(
                session,
                system_actor("test"),
                "subsidieportaal",
                DRAFT["titel"],
                BusinessCaseDecision.POSITIVE,
                "directie",
                date(2026, 3, 1),
            )
    finally:
        await engine.dispose()
    decided = await post(client, {**DRAFT, "ontwikkeling": "1,00"})
    assert decided.status_code == 422
    assert "Over deze businesscase is al besloten." in unescape(decided.text)
    (case,) = await cases(demo_url)
    assert case.development_cents == 11_000_000


@pytest.mark.parametrize(
    ("person", "path", "reads"),
    [
        ("wim-woerden", "/applicaties/zaakafhandeling/businesscase", False),  # Eindhoven leads
        ("wendy-woerden", PAGE, False),  # staff, not an admin of the trekker
        ("anna-auditor", PAGE, True),  # reads, writes nothing
    ],
)
async def test_others_cannot_write_a_draft(
    client: AsyncTestClient[Any], person: str, path: str, reads: bool
) -> None:
    await log_in_as(client, person)
    shown = await client.get(path)
    assert shown.status_code == (200 if reads else 403)
    if reads:
        assert 'action="/applicaties/subsidieportaal/businesscase"' not in shown.text
    token = csrf_token_in((await client.get("/inloggen")).text)
    refused = await client.post(path, data={"_csrf_token": token, **DRAFT})
    assert refused.status_code == 403
