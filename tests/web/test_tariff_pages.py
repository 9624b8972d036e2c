"""Usage tariffs and VAT rules on the directie's page, on the demo cooperative."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.app import create_app
from registry.billing.models import LineCategory, VatRule
from registry.catalogue.models import Application
from registry.db import create_engine, create_session_factory
from registry.usage.models import UsageTariff
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


@pytest.fixture
async def session(demo_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(demo_url)
    async with create_session_factory(engine)() as session:
        yield session
    await engine.dispose()


def one_line(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html)


async def post(client: AsyncTestClient[Any], action: str, data: dict[str, str]) -> Any:
    html = (await client.get("/tarieven")).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


async def test_the_directie_sets_a_usage_tariff(
    client: AsyncTestClient[Any], session: AsyncSession
) -> None:
    application = await session.scalar(select(Application).order_by(Application.slug))
    assert application is not None
    await log_in_as(client, "dirk-directie")
    page = (await client.get("/tarieven")).text
    reference = re.findall(
        r'<option value="([^"]+)">[^<]+</option>', page.split("tarief-besluit")[-1]
    )[0]
    response = await post(
        client,
        "/tarieven/gebruik",
        {
            "applicatie": application.slug,
            "eenheid": "documents",
            "prijs": "0,125",
            "vanaf": "2031-01",
            "besluit": reference,
        },
    )
    assert response.status_code == 303, one_line(response.text)[-3000:]
    html = one_line((await client.get("/tarieven")).text)
    assert "Het gebruikstarief is vastgelegd." in html
    assert "2031-01" in html
    await session.rollback()
    tariff = await session.scalar(select(UsageTariff).where(UsageTariff.price == Decimal("0.125")))
    assert tariff is not None


async def test_a_refused_tariff_is_shown_next_to_its_field(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post(
        client,
        "/tarieven/gebruik",
        {"eenheid": "documents", "prijs": "gratis", "vanaf": "januari", "besluit": ""},
    )
    assert response.status_code == 422
    html = one_line(response.text)
    assert 'id="tarief-prijs-fout"' in html
    assert 'id="tarief-vanaf-fout"' in html
    assert 'value="gratis"' in html
    assert 'href="#tarief-prijs"' in html


async def test_the_directie_sets_a_vat_rule_and_an_exemption_needs_its_reason(
    client: AsyncTestClient[Any], session: AsyncSession
) -> None:
    await log_in_as(client, "dirk-directie")
    refused = await post(
        client, "/tarieven/btw", {"categorie": "contribution", "btw_code": "E", "btw_tarief": "0"}
    )
    assert refused.status_code == 422
    assert 'id="btw-vrijstelling-fout"' in refused.text
    assert '<option value="E" selected>' in one_line(refused.text)
    done = await post(
        client,
        "/tarieven/btw",
        {
            "categorie": "contribution",
            "btw_code": "E",
            "btw_tarief": "0",
            "vrijstelling": "Vrijgesteld van btw, art. 11 Wet OB",
        },
    )
    assert done.status_code == 303
    assert "De btw-regel is vastgelegd." in (await client.get("/tarieven")).text
    rule = await session.get(VatRule, LineCategory.CONTRIBUTION)
    assert rule is not None
    assert rule.exemption_reason == "Vrijgesteld van btw, art. 11 Wet OB"


@pytest.mark.parametrize("person", ["anna-auditor", "wim-woerden"])
async def test_others_may_not_set_tariffs(client: AsyncTestClient[Any], person: str) -> None:
    await log_in_as(client, person)
    assert (await client.get("/tarieven")).status_code == 403
    html = (await client.get("/inloggen")).text
    refused = await client.post(
        "/tarieven/btw",
        data={
            "_csrf_token": csrf_token_in(html),
            "categorie": "contribution",
            "btw_code": "S",
            "btw_tarief": "21",
        },
    )
    assert refused.status_code == 403
