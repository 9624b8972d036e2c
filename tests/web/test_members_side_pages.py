"""The members' side on the pages: propose, review, maintain, the community, the calculator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.catalogue.models import ApplicationInterest, CommunityMember
from tests.helpers.db import count_rows
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as test_client:
        yield test_client


async def _post(
    client: AsyncTestClient[Any], form_page: str, path: str, data: dict[str, str]
) -> Any:
    page = await client.get(form_page)
    return await client.post(
        path, data={**data, "_csrf_token": csrf_token_in(page.text)}, follow_redirects=False
    )


async def _log_out(client: AsyncTestClient[Any]) -> None:
    client.cookies.clear()


async def test_propose_review_publish_with_history(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    form = await client.get("/leden/woerden/voorstellen")
    assert form.status_code == 200
    refused = await _post(
        client,
        "/leden/woerden/voorstellen",
        "/leden/woerden/voorstellen",
        {"name": "Afvalkalender", "slug": "Afval Kalender", "licence": "geen-licentie"},
    )
    assert refused.status_code == 422
    assert 'href="#voorstel-slug"' in refused.text
    assert 'href="#voorstel-licentie"' in refused.text
    assert 'value="Afvalkalender"' in refused.text  # kept
    proposed = await _post(
        client,
        "/leden/woerden/voorstellen",
        "/leden/woerden/voorstellen",
        {
            "name": "Afvalkalender",
            "slug": "afvalkalender",
            "problem": "Inwoners bellen over ophaaldagen.",
            "licence": "EUPL-1.2",
            "standards": "WCAG 2.1 AA\nCommon Ground",
        },
    )
    assert proposed.status_code == 303
    assert proposed.headers["location"] == "/applicaties/afvalkalender/beheer"
    page = await client.get("/applicaties/afvalkalender/beheer")
    assert "Uw voorstel is ingediend" in page.text
    assert "Voorgesteld, wacht op de directie" in page.text
    assert "beoordelen" not in page.text.split('id="geschiedenis"')[1].split("</table>")[1]
    listed = await client.get("/voorstellen")
    assert "Afvalkalender" in listed.text
    # Another member's user sees the idea; the public does not.
    await _log_out(client)
    assert (await client.get("/applicaties/afvalkalender")).status_code == 404
    await log_in_as(client, "erik-eindhoven")
    assert (await client.get("/applicaties/afvalkalender")).status_code == 200
    forbidden = await client.get("/leden/woerden/voorstellen")
    assert forbidden.status_code == 403

    await _log_out(client)
    await log_in_as(client, "dirk-directie")
    manage = "/applicaties/afvalkalender/beheer"
    review = "/applicaties/afvalkalender/beoordelen"
    no_note = await _post(client, manage, review, {"decision": "reject", "note": ""})
    assert no_note.status_code == 422
    assert 'href="#beoordeling-toelichting"' in no_note.text
    asked = await _post(
        client, manage, review, {"decision": "request_changes", "note": "Meer uitleg."}
    )
    assert asked.status_code == 303
    published = await _post(client, manage, review, {"decision": "publish", "note": ""})
    assert published.status_code == 303
    page = await client.get(manage)
    history = page.text.split('id="geschiedenis"')[1].split("</table>")[0]
    assert history.index("Voorgesteld") < history.index("Wijzigingen gevraagd door de directie")
    assert "Gepubliceerd door de directie" in history
    assert "dirk-directie" in history or "Dirk Directie" in history
    await _log_out(client)
    assert (await client.get("/applicaties/afvalkalender")).status_code == 200


async def test_community_and_calculator(client: AsyncTestClient[Any], demo_url: str) -> None:
    await log_in_as(client, "wim-woerden")
    community = "/applicaties/rapportage/gemeenschap"
    interest = await _post(client, community, f"{community}/belangstelling", {"member": "woerden"})
    assert interest.status_code == 303
    assert await count_rows(demo_url, ApplicationInterest) == 1
    future = await _post(
        client,
        community,
        f"{community}/deelnemen",
        {"member": "woerden", "stage": "development", "joined_on": "2999-01-01"},
    )
    assert future.status_code == 422
    assert 'href="#gemeenschap-datum"' in future.text
    assert "De datum van deelname ligt in de toekomst." in future.text
    unreadable = await _post(
        client,
        community,
        f"{community}/deelnemen",
        {"member": "woerden", "stage": "development", "joined_on": "5 januari"},
    )
    assert unreadable.status_code == 422
    assert "Geef de datum van deelname als JJJJ-MM-DD." in unreadable.text
    assert "De datum van deelname ligt in de toekomst." not in unreadable.text
    before = await count_rows(demo_url, CommunityMember)
    joined = await _post(
        client,
        community,
        f"{community}/deelnemen",
        {"member": "woerden", "stage": "development", "joined_on": "2026-01-05"},
    )
    assert joined.status_code == 303
    assert await count_rows(demo_url, CommunityMember) == before + 1
    page = await client.get(community)
    row = page.text.split('id="deelnemers-tabel"')[1]
    assert "Gemeente Woerden" in row
    assert "Ontwikkeling" in row
    assert "53.976" in row  # Woerden's inhabitants (CBS, 1 January 2025)
    left = await _post(client, community, f"{community}/verlaten", {"member": "woerden"})
    assert left.status_code == 303
    assert await count_rows(demo_url, CommunityMember) == before

    estimate = await client.get(
        "/leden/woerden/kostenberekening?applicatie=zaakafhandeling&gebruik_cases_handled=100"
    )
    assert estimate.status_code == 200
    assert "€\xa0144,00" in estimate.text  # 100 cases × € 0,12 × 12 months
    other = await client.get("/leden/tilburg/kostenberekening")
    assert other.status_code == 403


async def test_an_unreadable_release_date_is_refused_naming_the_release_date(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    manage = "/applicaties/subsidieportaal/beheer"
    refused = await _post(
        client,
        manage,
        "/applicaties/subsidieportaal/versies",
        {"version": "9.9.9", "released_on": "ooit", "notes": ""},
    )
    assert refused.status_code == 422
    assert "Geef de datum waarop de versie uitkwam als JJJJ-MM-DD." in refused.text
    assert "De datum van deelname ligt in de toekomst." not in refused.text
    assert 'href="#versie-datum"' in refused.text
    assert "9.9.9" not in (await client.get("/applicaties/subsidieportaal")).text
