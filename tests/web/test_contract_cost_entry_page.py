"""The pool's entry form names the contract a cost comes from; an unknown contract is refused
next to the field, with what was typed kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.contracts.models import Contract
from registry.contracts.service import ContractInput, create_contract
from registry.costs.models import CostEntry
from tests.helpers.cooperative import ACTOR
from tests.helpers.pages import dev_settings, log_in_as, one_line, post
from tests.helpers.pools import create_pool_by_form


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


async def test_an_entry_points_to_its_contract(
    client: AsyncTestClient[Any], cooperative_db: async_sessionmaker[AsyncSession]
) -> None:
    async with cooperative_db() as session, session.begin():
        await create_contract(
            session,
            ACTOR,
            ContractInput(
                "C-BV-1", "Hosting BV", "Hosting", "1200", date(2020, 1, 1), date(2020, 12, 31)
            ),
        )
    await log_in_as(client, "dirk-directie")
    await create_pool_by_form(client)
    admin = "/kostenpotten/BV-2020/beheer"
    entry = {
        "bedrag": "100",
        "datum": "2020-06-01",
        "categorie": "hosting",
        "omschrijving": "Hosting juni",
    }
    refused = await post(client, admin, f"{admin}/posten", {**entry, "contract": "C-404"})
    assert refused.status_code == 422
    html = one_line(refused.text)
    assert 'id="post-contract-fout"' in html
    assert "Er is geen contract &#39;C-404&#39; in het contractenregister." in html
    assert 'value="C-404"' in html
    stored = await post(client, admin, f"{admin}/posten", {**entry, "contract": "C-BV-1"})
    assert stored.status_code == 303
    async with cooperative_db() as session:
        contract_id = await session.scalar(select(Contract.id))
        assert await session.scalar(select(CostEntry.contract_id)) == contract_id
