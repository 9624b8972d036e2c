"""The cost pool pages on the worked example: the directie previews and stores the allocation
and Tilburg's settlement, auditors read, a member sees its own shares explained."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.costs.models import AllocationRun
from registry.costs.runs import run_allocation, run_settlement
from registry.db import create_engine, create_session_factory, transaction
from tests.helpers.db import count_rows
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.costs_data import ACTOR, BROKEN_POOL, POOL, SETTLEMENT, SHARES


@pytest.fixture
async def client(costs_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(costs_url))) as test_client:
        yield test_client


async def _allocate_and_settle(url: str) -> None:
    """Store what the directie would store through the pages."""
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            on = date(2023, 6, 1)
            await run_allocation(session, ACTOR, POOL, on, on)
            await run_settlement(session, ACTOR, POOL, "tilburg", on)
    finally:
        await engine.dispose()


def _table(html: str, caption_id: str) -> dict[str, str]:
    """Name → amount of the rows of the table labelled by `caption_id`."""
    table = html.split(f'aria-labelledby="{caption_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<th[^>]*scope=\"row\">(.*?)</th>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return dict(rows)


def _digest(html: str, action: str) -> str:
    """The SHA-256 of the previewed inputs in the form that posts to `action`."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="invoer" value="([0-9a-f]{64})"', form)
    assert found, f"no previewed inputs in the form of {action}"
    return found.group(1)


async def _store(client: AsyncTestClient[Any], action: str, digest: str) -> Any:
    page = await client.get(f"/kostenpotten/{POOL}")
    return await client.post(
        action,
        data={"_csrf_token": csrf_token_in(page.text), "invoer": digest},
        follow_redirects=False,
    )


@pytest.mark.parametrize("person", ["dirk-directie", "anna-auditor"])
async def test_directie_and_auditors_read_the_pools(
    client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    listing = await client.get("/kostenpotten")
    assert listing.status_code == 200
    assert "Bouw zaakafhandelcomponent" in listing.text
    assert "Oprichtingskosten" in listing.text
    assert "€\xa025.000,00" in listing.text
    assert 'href="/kostenpotten"' in listing.text  # in the header's menu
    page = await client.get(f"/kostenpotten/{POOL}")
    assert page.status_code == 200
    assert "F-2021-001" in page.text
    assert "Gemeente Tilburg" in page.text
    assert "Er is nog niets verdeeld." in page.text
    assert (await client.get("/kostenpotten/onbekend")).status_code == 404


async def test_others_are_refused(client: AsyncTestClient[Any]) -> None:
    for path in ("/kostenpotten", f"/kostenpotten/{POOL}"):
        anonymous = await client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/inloggen?volgende=")
    await log_in_as(client, "wendy-woerden")
    for path in ("/kostenpotten", f"/kostenpotten/{POOL}"):
        assert (await client.get(path)).status_code == 403
    assert 'href="/kostenpotten"' not in (await client.get("/leden/woerden")).text


async def test_the_preview_stores_nothing_and_the_form_stores_the_run_once(
    client: AsyncTestClient[Any], costs_url: str
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(f"/kostenpotten/{POOL}")
    assert _table(page.text, "voorbeeld-verdeling") == {**SHARES, "Totaal": "€\xa025.000,00"}
    assert "Verdeling opslaan" in page.text
    assert "Verrekening opslaan" not in page.text  # nothing allocated yet to settle
    await client.get(f"/kostenpotten/{POOL}")
    assert await count_rows(costs_url, AllocationRun) == 0

    action = f"/kostenpotten/{POOL}/verdelen"
    digest = _digest(page.text, action)
    stored = await _store(client, action, digest)
    assert stored.status_code == 303
    assert stored.headers["location"] == f"/kostenpotten/{POOL}"
    assert await count_rows(costs_url, AllocationRun) == 1
    shown = await client.get(f"/kostenpotten/{POOL}")
    assert "De verdeling is opgeslagen." in shown.text
    assert "Alle kosten tot vandaag zijn verdeeld" in shown.text
    assert "verdeling op" in shown.text
    assert digest in shown.text  # the stored run's SHA-256 is the one previewed
    assert "De verdeling is opgeslagen." not in (await client.get(f"/kostenpotten/{POOL}")).text

    again = await _store(client, action, digest)  # a second submit: nothing left to store
    assert again.status_code == 303
    assert await count_rows(costs_url, AllocationRun) == 1
    assert "Niets opgeslagen" in (await client.get(f"/kostenpotten/{POOL}")).text


async def test_the_late_joiner_is_settled_by_the_same_key(
    client: AsyncTestClient[Any], costs_url: str
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(f"/kostenpotten/{POOL}")
    allocate = f"/kostenpotten/{POOL}/verdelen"
    assert (await _store(client, allocate, _digest(page.text, allocate))).status_code == 303

    page = await client.get(f"/kostenpotten/{POOL}")
    assert "Voorbeeld van de verrekening voor Gemeente Tilburg" in page.text
    assert _table(page.text, "verrekening-tilburg") == {**SETTLEMENT, "Totaal": "€\xa00,00"}
    assert await count_rows(costs_url, AllocationRun) == 1
    settle = f"/kostenpotten/{POOL}/verrekenen/tilburg"
    stored = await _store(client, settle, _digest(page.text, settle))
    assert stored.status_code == 303
    assert await count_rows(costs_url, AllocationRun) == 2

    shown = await client.get(f"/kostenpotten/{POOL}")
    assert "De verrekening is opgeslagen." in shown.text
    assert "verrekening op" in shown.text
    assert "Verrekening opslaan" not in shown.text
    assert "Verdeling opslaan" not in shown.text


async def test_an_auditor_cannot_store(client: AsyncTestClient[Any], costs_url: str) -> None:
    await log_in_as(client, "anna-auditor")
    page = await client.get(f"/kostenpotten/{POOL}")
    assert "Verdeling opslaan" not in page.text
    assert "voorbeeld-verdeling" not in page.text
    for action in (f"/kostenpotten/{POOL}/verdelen", f"/kostenpotten/{POOL}/verrekenen/tilburg"):
        refused = await client.post(
            action,
            data={"_csrf_token": csrf_token_in(page.text), "invoer": "0" * 64},
            follow_redirects=False,
        )
        assert refused.status_code == 403
    assert await count_rows(costs_url, AllocationRun) == 0


async def test_percentages_not_adding_up_to_100_are_shown_and_nothing_is_stored(
    client: AsyncTestClient[Any], costs_url: str
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(f"/kostenpotten/{BROKEN_POOL}")
    assert page.status_code == 200
    assert "De percentages tellen op tot 95, niet tot 100." in page.text
    assert "percentages_not_100" not in page.text, "no internal code reaches the page"
    assert "Verdeling opslaan" not in page.text
    refused = await client.post(
        f"/kostenpotten/{BROKEN_POOL}/verdelen",
        data={"_csrf_token": csrf_token_in(page.text), "invoer": "0" * 64},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "De percentages tellen op tot 95, niet tot 100." in refused.text
    assert "percentages_not_100" not in refused.text
    assert await count_rows(costs_url, AllocationRun) == 0


async def test_a_member_sees_its_own_shares_explained(
    client: AsyncTestClient[Any], costs_url: str
) -> None:
    await _allocate_and_settle(costs_url)
    await log_in_as(client, "wendy-woerden")
    member = await client.get("/leden/woerden")
    assert 'href="/leden/woerden/kosten"' in member.text
    page = await client.get("/leden/woerden/kosten")
    assert page.status_code == 200
    assert "€\xa03.771,18" in page.text  # Woerden's share of the EUR 25,000
    assert "52299 van 346702" in page.text  # of the three builders' inhabitants
    assert "€\xa0-1.463,16" in page.text  # credited when Tilburg joined
    assert "verrekening" in page.text
    assert "16.901,69" not in page.text  # Eindhoven's share is Eindhoven's
    assert (await client.get("/leden/eindhoven/kosten")).status_code == 403
