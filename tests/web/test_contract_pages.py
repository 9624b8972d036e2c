"""The contracts and budget pages: the directie writes, auditors read and download the
quarterly report, a member's people see neither; a refused form keeps what was typed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.contracts.models import Contract
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

CONTRACT = {
    "kenmerk": "C-P-1",
    "leverancier": "Hosting BV",
    "onderwerp": "Hosting",
    "bedrag": "1.000,00",
    "begin": "2026-01-01",
    "einde": "2026-12-31",
    "opzegdatum": "",
    "opzegtermijn": "",
    "applicatie": "",
    "kostenpot": "",
}


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], page: str, action: str, data: dict[str, str]) -> Any:
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def test_a_refused_contract_keeps_what_was_typed_and_a_stored_one_is_listed(
    client: AsyncTestClient[Any], cooperative_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "dirk-directie")
    refused = await post(client, "/contracten", "/contracten", {**CONTRACT, "einde": "2025-01-01"})
    assert refused.status_code == 422
    assert 'id="contract-einde-fout"' in refused.text
    assert 'value="Hosting BV"' in refused.text
    refused = await post(client, "/contracten", "/contracten", {**CONTRACT, "opzegtermijn": "x"})
    assert refused.status_code == 422
    assert 'id="contract-opzegtermijn-fout"' in refused.text
    stored = await post(client, "/contracten", "/contracten", CONTRACT)
    assert stored.status_code == 303
    again = await post(client, "/contracten", "/contracten", CONTRACT)  # a double submit
    assert again.status_code == 303
    page = (await client.get("/contracten")).text
    assert "Contract C-P-1 is opgeslagen." in page
    assert re.search(r"€\xa01\.000,00|€&nbsp;1\.000,00", page)
    async with cooperative_db() as session:
        assert len(list(await session.scalars(select(Contract)))) == 1


async def test_auditors_read_and_download_but_do_not_write(
    client: AsyncTestClient[Any], cooperative_db: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "anna-auditor")
    page = await client.get("/contracten")
    assert page.status_code == 200
    assert "Contract vastleggen" not in page.text
    refused = await post(client, "/contracten", "/contracten", CONTRACT)
    assert refused.status_code == 403
    budget = await client.get("/begroting?jaar=2027")
    assert budget.status_code == 200
    assert "Begroting opstellen" not in budget.text
    assert (
        await post(client, "/begroting", "/begroting/opstellen", {"jaar": "2027"})
    ).status_code == 403
    download = await post(
        client,
        "/begroting",
        "/begroting/kwartaalrapportage",
        {"jaar": "2027", "rapportjaar": "2026", "kwartaal": "1", "formaat": "xlsx"},
    )
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith(
        'attachment; filename="kwartaalrapportage-2026-Q1-'
    )
    assert download.content[:2] == b"PK"
    wrong = await post(
        client,
        "/begroting",
        "/begroting/kwartaalrapportage",
        {
            "jaar": "2027",
            "rapportjaar": "2026",
            "kwartaal": "1",
            "formaat": "pdf",
            "auditgebeurtenis": "x",
        },
    )
    assert wrong.status_code == 422
    assert 'id="rapport-gebeurtenis-fout"' in wrong.text
    async with cooperative_db() as session:
        exports = list(
            await session.scalars(
                select(AuditEvent.actor_label).where(AuditEvent.entity_type == "quarterly_report")
            )
        )
    assert len(exports) == 1


async def test_a_member_s_people_see_neither_page(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")
    for path in ("/contracten", "/begroting", "/directie"):
        assert (await client.get(path)).status_code == 403, path
