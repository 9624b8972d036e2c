"""Cost pool pages: the directie previews and stores runs, auditors read, members see their
own shares with how each was computed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.auth.roles import system_actor
from registry.costs.models import AllocationRun, CostCategory
from registry.costs.pools import EntryInput, add_entry
from registry.db import create_engine, create_session_factory, transaction
from tests.helpers.db import count_rows
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as test_client:
        yield test_client


async def _add_entry(url: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await add_entry(
                session,
                system_actor("test"),
                "oprichting",
                EntryInput("1000", date(2024, 3, 1), CostCategory.OTHER, "Accountant 2023"),
            )
    finally:
        await engine.dispose()


async def test_directie_previews_and_stores_an_allocation(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await _add_entry(demo_url)
    await log_in_as(client, "dirk-directie")
    page = await client.get("/kostenpotten/oprichting")
    assert page.status_code == 200
    assert "Verdeling opslaan" in page.text
    # EUR 1,000 split 50/25/25.
    for amount in ("€\xa0500,00", "€\xa0250,00"):
        assert amount in page.text
    runs = await count_rows(demo_url, AllocationRun)
    assert await count_rows(demo_url, AllocationRun) == runs  # the preview stores nothing
    token = csrf_token_in(page.text)
    digest = page.text.split('name="invoer" value="')[1].split('"')[0]
    stored = await client.post(
        "/kostenpotten/oprichting/verdelen",
        data={"_csrf_token": token, "invoer": digest},
        follow_redirects=False,
    )
    assert stored.status_code == 303
    assert await count_rows(demo_url, AllocationRun) == runs + 1
    again = await client.get("/kostenpotten/oprichting")
    assert "De verdeling is opgeslagen." in again.text
    assert "Alle kosten tot vandaag zijn verdeeld" in again.text
    stale = await client.post(
        "/kostenpotten/oprichting/verdelen",
        data={"_csrf_token": csrf_token_in(again.text), "invoer": digest},
        follow_redirects=False,
    )
    assert stale.status_code == 303  # submitted twice: nothing left, nothing stored
    assert await count_rows(demo_url, AllocationRun) == runs + 1
    assert "Niets opgeslagen" in (await client.get("/kostenpotten/oprichting")).text


async def test_auditor_reads_but_cannot_store(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    listing = await client.get("/kostenpotten")
    assert listing.status_code == 200
    assert "Bouw zaakafhandelcomponent" in listing.text
    page = await client.get("/kostenpotten/zaakafhandeling-bouw")
    assert "verrekening" in page.text
    assert "Verdeling opslaan" not in page.text
    refused = await client.post(
        "/kostenpotten/zaakafhandeling-bouw/verdelen",
        data={"_csrf_token": csrf_token_in(page.text), "invoer": "x"},
        follow_redirects=False,
    )
    assert refused.status_code == 403


async def test_member_sees_its_own_shares_explained(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")
    page = await client.get("/leden/woerden/kosten")
    assert page.status_code == 200
    assert "€\xa023.125,00" in page.text  # 25% of the founding costs of EUR 92,500
    assert "52299 van 346702" in page.text  # Woerden's inhabitants of the three founders'
    assert "verrekening" in page.text
    assert (await client.get("/leden/eindhoven/kosten")).status_code == 403
    assert (await client.get("/kostenpotten")).status_code == 403


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("", "De gegevens zijn veranderd sinds het voorbeeld; bekijk het voorbeeld opnieuw."),
        ("?lang=en", "the inputs changed since the preview; check it again"),
    ],
)
async def test_a_refused_allocation_says_why_in_the_summary_and_stores_nothing(
    client: AsyncTestClient[Any], demo_url: str, lang: str, message: str
) -> None:
    from lxml import html as lxml_html

    await _add_entry(demo_url)
    await log_in_as(client, "dirk-directie")
    page = await client.get("/kostenpotten/oprichting")
    runs = await count_rows(demo_url, AllocationRun)
    refused = await client.post(
        f"/kostenpotten/oprichting/verdelen{lang}",
        data={"_csrf_token": csrf_token_in(page.text), "invoer": "0" * 64},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    html = lxml_html.fromstring(refused.text)
    (summary,) = html.xpath('//div[@id="foutmeldingen"]')
    assert message in summary.text_content()
    assert not summary.xpath(".//a")  # the form has no field to link to, only the preview
    # The fresh preview is shown again, so the directie can store what it now sees.
    assert html.xpath('//input[@name="invoer"]/@value') != ["0" * 64]
    assert await count_rows(demo_url, AllocationRun) == runs
