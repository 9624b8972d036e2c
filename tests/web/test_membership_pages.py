"""The member list and the membership history and contributions on a member's page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.db import transaction
from registry.fees.service import run_fees
from registry.members.merger import MergerInput, merge_municipalities
from tests.helpers.pages import dev_settings, log_in_as
from tests.web.fees_data import ACTOR, GR_2020, RATED_YEAR, WOERDEN_2020

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


@pytest.fixture
async def with_fee_run(cooperative_db: Sessions) -> None:
    async with transaction(cooperative_db) as session:
        assert (await run_fees(session, ACTOR, RATED_YEAR)).created


def row_of(html: str, text: str) -> str:
    """The table row (or list item) that contains `text`."""
    at = html.index(text)
    start = html.rindex("<tr", 0, at)
    return html[start : html.index("</tr>", at)]


def squeezed(html: str) -> str:
    """Template whitespace collapsed; the no-break spaces of amounts are kept."""
    return re.sub(r"[ \t\r\n]+", " ", html)


@pytest.mark.parametrize("person", ["dirk-directie", "anna-auditor"])
async def test_the_member_list_for_the_directie_and_auditors(
    client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    page = await client.get("/leden")
    assert page.status_code == 200
    html = page.text
    assert "5 leden gevonden" in html
    assert 'href="/leden" aria-current="page"' in squeezed(html)

    woerden = squeezed(row_of(html, "Gemeente Woerden"))
    for text in ('href="/leden/woerden"', "Gemeente", "GM0632", "Actief", "1 januari 2020"):
        assert text in woerden, text
    assert "52.299" in woerden
    gr = squeezed(row_of(html, "Werkorganisatie Boxtel"))
    assert "Gemeenschappelijke regeling" in gr
    assert "60.009" in gr  # Boxtel and Sint-Michielsgestel together
    assert "Beëindigd" in row_of(html, "Gemeente Eindhoven")
    provincie = row_of(html, "Provincie Utrecht")
    assert "Aangevraagd" in provincie
    assert "Nog niet toegelaten" in provincie
    assert "Onbekend" in provincie  # no municipalities, so no inhabitants


async def test_the_member_list_searches_and_reports_unusable_values(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    html = (await client.get("/leden?zoek=gr-boxtel")).text
    assert "1 lid gevonden" in html
    assert "Werkorganisatie Boxtel" in html
    assert "Gemeente Woerden" not in html
    assert (await client.get("/leden?zoek=onbekend")).text.count("Geen leden gevonden") == 1
    html = (await client.get("/leden?pagina=0")).text
    assert "Pagina: de waarde ‘0’ is ongeldig en is genegeerd." in html
    assert "5 leden gevonden" in html
    html = (await client.get("/leden?pagina=2")).text
    assert "Deze pagina is leeg." in html


async def test_the_member_list_is_not_for_members_or_visitors(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.get("/leden", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?volgende=%2Fleden"
    await log_in_as(client, "wendy-woerden")
    refused = await client.get("/leden")
    assert refused.status_code == 403
    assert "Gemeente Eindhoven" not in refused.text


@pytest.mark.usefixtures("with_fee_run")
async def test_a_member_sees_its_membership_and_contributions(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "wendy-woerden")
    page = await client.get("/leden/woerden")
    assert page.status_code == 200
    html = page.text
    membership = squeezed(html[html.index('id="lidmaatschap"') : html.index('id="contributie"')])
    for text in (
        "Aanvraag van 2 september 2019",
        "Actief",
        "Goedgekeurd – RvC-2019-10",
        "Toelating oprichtende leden",
        "Toegelaten per",
        "DIR-2019-12",
        "Toetredingsovereenkomst woerden",
    ):
        assert text in membership, text
    assert "Entreegeld</dt>" in membership
    contributions = html[html.index('id="contributie"') :]
    row = squeezed(row_of(contributions, f">{RATED_YEAR}<"))
    for text in (
        "52.299",
        "1 januari 2020",
        "1 januari van het jaar",
        "€\xa00,35",
        "ALV-2019-12",
        "366 van 366",
        WOERDEN_2020,
    ):
        assert text in row, text

    english = (await client.get("/leden/woerden?lang=en")).text
    assert "Contribution per year, from the latest run of each year" in english
    assert "€18,304.65" in english
    assert "1 January of the year" in english


@pytest.mark.usefixtures("with_fee_run")
async def test_notice_exit_charge_and_pro_rata_contribution(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "erik-eindhoven")
    html = squeezed((await client.get("/leden/eindhoven")).text)
    for text in (
        "Beëindigd",
        "Opgezegd op",
        "31 maart 2020",
        "Einddatum",
        "30 juni 2020",
        "Opzegging",
        # The requested EUR 100,000 is capped at one year's contribution: 234,394 × 0.35.
        "€\xa082.037,90 in rekening gebracht: gevraagd €\xa0100.000,00, "
        "ten hoogste één jaar contributie €\xa082.037,90.",
        "Eén jaar contributie: 234.394 inwoners (cijfer van 1 januari 2020) × €\xa00,35 "
        "= €\xa082.037,90.",
        "182 van 366",
        "€\xa040.794,80",  # 82,037.90 × 182 / 366 = 40,794.8027…
    ):
        assert text in html, text


@pytest.mark.usefixtures("with_fee_run")
async def test_a_partnership_lists_its_signatories_and_entry_fee(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "anna-auditor")
    html = (await client.get("/leden/enschede-apeldoorn")).text
    signatories = html[html.index("Ondertekend door alle partners") :]
    assert "Gemeente Enschede" in signatories
    assert "00000001001814393000" in signatories
    assert "Gemeente Apeldoorn" in signatories
    assert "€\xa02.500,00 – ALV-2020-06" in squeezed(html)
    assert "184 van 366" in html
    gr = (await client.get("/leden/gr-boxtel-sint-michielsgestel")).text
    assert GR_2020 in gr


async def test_a_merger_ends_the_membership_and_names_the_successor(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    async with transaction(cooperative_db) as session:
        await merge_municipalities(
            session,
            ACTOR,
            MergerInput(
                date(2021, 1, 1), "GM1999", "Woerden-Oudewater", ["GM0632"], "woerden-oudewater"
            ),
        )
    await log_in_as(client, "dirk-directie")
    html = squeezed((await client.get("/leden/woerden")).text)
    assert "Herindeling – voortgezet door" in html
    assert '<a class="utrecht-link utrecht-link--html-a" href="/leden/woerden-oudewater">' in html
    assert "31 december 2020" in html
    successor = (await client.get("/leden/woerden-oudewater")).text
    assert "rechtsopvolging bij herindeling van woerden" in successor
    # Counted by its predecessor until CBS publishes the new municipality, as the fee run does.
    assert "52.299 inwoners op 1 januari 2020" in successor
    assert "som van de voorgangers" in successor
    assert "Er is nog geen contributie voor dit lid berekend." in successor
