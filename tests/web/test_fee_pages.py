"""Fee-run pages: rates and stored runs per year, the preview, storing a run, and refusals."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.db import transaction
from registry.fees.models import FeeRun
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.web import fees as fees_pages
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as
from tests.web.fees_data import (
    ACTOR,
    GR_2020,
    RATED_YEAR,
    UNPUBLISHED_YEAR,
    UNRATED_YEAR,
    WOERDEN_2020,
)

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


async def run_count(sessions: Sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(FeeRun)) or 0


def inputs_in(html: str) -> str:
    found = re.search(r'name="invoer" value="([0-9a-f]{64})"', html)
    assert found, "the page has no run form"
    return found.group(1)


def shown_inputs(html: str) -> str:
    """The SHA-256 of the inputs the preview shows (also when there is no run form)."""
    found = re.search(r'id="invoer-hash">([0-9a-f]{64})<', html)
    assert found, "the page shows no preview"
    return found.group(1)


async def store(client: AsyncTestClient[Any], year: int, inputs: str | None = None) -> Any:
    """Press 'Run opslaan' on the year's page (with the inputs it shows, unless given)."""
    page = (await client.get(f"/contributie/{year}")).text
    data = {"_csrf_token": csrf_token_in(page), "invoer": inputs or inputs_in(page)}
    return await client.post(f"/contributie/{year}", data=data, follow_redirects=False)


def section(html: str, start: str, end: str | None = None) -> str:
    tail = html[html.index(start) :]
    return tail[: tail.index(end)] if end else tail


async def test_the_directie_sees_the_years_and_the_navigation(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get("/contributie")
    assert page.status_code == 200
    html = page.text
    assert 'href="/contributie" aria-current="page"' in " ".join(html.split())
    assert 'href="/leden"' in html
    for text in (
        f'href="/contributie/{RATED_YEAR}"',
        "€\xa00,35",
        "ALV-2019-12",
        f'href="/contributie/{UNPUBLISHED_YEAR}"',
        "€\xa00,36",
        "Nog geen run",
    ):
        assert text in html, text
    assert f'href="/contributie/{UNRATED_YEAR}"' not in html


async def test_the_preview_shows_the_amounts_and_stores_nothing(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(f"/contributie/{RATED_YEAR}")
    assert page.status_code == 200
    html = page.text
    assert "Er is nog geen run van 2020 opgeslagen." in html
    preview = section(html, 'id="voorvertoning"')
    for text in (
        "Zo wordt de eerste run van 2020 opgeslagen",
        "Gemeente Woerden",
        "52.299",
        WOERDEN_2020,
        "Werkorganisatie Boxtel en Sint-Michielsgestel",
        "Boxtel 30.801 + Sint-Michielsgestel 29.208",
        GR_2020,
        "1 januari van het jaar",
        "366 van 366",
        # Enschede and Apeldoorn joined on 1 July, Eindhoven left on 30 June.
        "184 van 366",
        "182 van 366",
        "CBS StatLine 70072ned",
        "Run opslaan",
    ):
        assert text in preview, text
    assert "Provincie Utrecht" not in preview  # applied, not admitted
    assert shown_inputs(preview) == inputs_in(preview)
    assert await run_count(cooperative_db) == 0


async def test_storing_a_run_and_storing_it_again(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    response = await store(client, RATED_YEAR)
    assert response.status_code == 303
    assert response.headers["location"] == f"/contributie/{RATED_YEAR}"
    assert await run_count(cooperative_db) == 1

    html = (await client.get(f"/contributie/{RATED_YEAR}")).text
    assert "Run 1 van 2020 is opgeslagen." in html
    runs = section(html, 'id="runs"', 'id="laatste-run"')
    assert "Dirk Directie" in runs
    stored = section(html, 'id="laatste-run"', 'id="voorvertoning"')
    assert WOERDEN_2020 in stored
    assert (
        "Ongewijzigd: de invoer is gelijk aan die van run 1. Opnieuw draaien slaat niets op."
        in (html)
    )
    assert "Run opslaan" not in html
    # The message is shown once.
    assert "is opgeslagen." not in (await client.get(f"/contributie/{RATED_YEAR}")).text

    # Pressing the button again (a second tab, the back button) stores nothing.
    page = (await client.get(f"/contributie/{RATED_YEAR}")).text
    again = await client.post(
        f"/contributie/{RATED_YEAR}",
        data={"_csrf_token": csrf_token_in(page), "invoer": shown_inputs(page)},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert await run_count(cooperative_db) == 1
    html = (await client.get(f"/contributie/{RATED_YEAR}")).text
    assert "Niets opgeslagen: de invoer is gelijk aan die van run 1." in html


async def test_a_corrected_figure_shows_the_difference_and_needs_a_fresh_preview(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    assert (await store(client, RATED_YEAR)).status_code == 303
    seen = shown_inputs((await client.get(f"/contributie/{RATED_YEAR}")).text)
    async with transaction(cooperative_db) as session:
        corrected = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52309\n")
        await import_population(session, ACTOR, corrected)

    html = (await client.get(f"/contributie/{RATED_YEAR}")).text
    preview = section(html, 'id="voorvertoning"')
    assert "ten opzichte van run 1" in preview
    woerden = section(preview, "Gemeente Woerden", "</tr>")
    assert "€\xa018.308,15" in woerden  # 52,309 × 0.35
    assert WOERDEN_2020 in woerden  # in run 1
    assert "€\xa03,50" in woerden  # the difference
    gr = section(preview, "Werkorganisatie Boxtel", "</tr>")
    assert "€\xa00,00" in gr

    # The preview seen before the correction is not what would be stored now.
    stale = await store(client, RATED_YEAR, inputs=seen)
    assert stale.status_code == 409
    assert "De invoer is veranderd sinds de voorvertoning die u zag." in stale.text
    assert await run_count(cooperative_db) == 1

    assert (await store(client, RATED_YEAR)).status_code == 303
    assert await run_count(cooperative_db) == 2
    assert "Run 2 van 2020 is opgeslagen." in (await client.get(f"/contributie/{RATED_YEAR}")).text


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _summary(html: str) -> str:
    found = re.search(r'id="foutmeldingen".*?</ul>', html, re.S)
    assert found, "the page has no error summary"
    return found.group(0)


def _field_error(html: str, error_id: str) -> str:
    found = re.search(rf'id="{error_id}">(.*?)</p>', html, re.S)
    assert found, f"no error {error_id} on the page"
    return _text(found.group(1))


@pytest.mark.parametrize(
    ("year", "section", "label", "dutch", "english", "code"),
    [
        pytest.param(
            UNRATED_YEAR,
            "tarief",
            "Tarief",
            "Voor 2022 is geen contributietarief vastgelegd",
            "no contribution rate is recorded for 2022",
            "no_rate",
            id="no rate",
        ),
        pytest.param(
            UNPUBLISHED_YEAR,
            "berekening",
            "Bevolkingscijfers",
            "1 januari 2021",
            "1 January 2021",
            "population_missing",
            id="population missing",
        ),
    ],
)
async def test_a_run_that_cannot_be_computed_says_why_and_stores_nothing(
    client: AsyncTestClient[Any],
    cooperative_db: Sessions,
    year: int,
    section: str,
    label: str,
    dutch: str,
    english: str,
    code: str,
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(f"/contributie/{year}")
    assert page.status_code == 200
    html = page.text
    summary = _summary(html)
    assert "De run kan niet worden berekend, dus ook niet worden opgeslagen" in summary
    # The summary links to the section the refusal is about, where it is repeated.
    link = re.search(rf'href="#{section}">([^<]*)</a>', summary)
    assert link, summary
    assert link.group(1).startswith(f"{label}: ")
    assert dutch in link.group(1)
    assert f'id="{section}" tabindex="-1"' in html
    assert dutch in _field_error(html, f"{section}-fout")
    assert code not in _text(html)  # never the code, never English
    assert english not in html
    assert "Run opslaan" not in page.text

    refused = await client.post(
        f"/contributie/{year}",
        data={"_csrf_token": csrf_token_in(page.text), "invoer": "0" * 64},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert dutch in _summary(refused.text)
    assert dutch in _field_error(refused.text, f"{section}-fout")
    assert "Run opslaan" not in refused.text
    assert await run_count(cooperative_db) == 0

    in_english = await client.get(f"/contributie/{year}?lang=en")
    summary = _summary(in_english.text)
    assert "The run cannot be computed, so it cannot be stored either" in summary
    assert english in summary
    assert english in _field_error(in_english.text, f"{section}-fout")
    assert dutch not in in_english.text


async def test_an_auditor_reads_but_cannot_run(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "anna-auditor")
    assert (await client.get("/contributie")).status_code == 200
    page = await client.get(f"/contributie/{RATED_YEAR}")
    assert page.status_code == 200
    assert "€\xa00,35" in page.text
    assert "ALV-2019-12" in page.text
    assert "Voorvertoning" not in page.text
    assert "Run opslaan" not in page.text
    refused = await client.post(
        f"/contributie/{RATED_YEAR}",
        data={"_csrf_token": csrf_token_in(page.text), "invoer": "0" * 64},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "Geen toegang" in refused.text
    assert await run_count(cooperative_db) == 0


async def test_members_and_visitors_have_no_access(client: AsyncTestClient[Any]) -> None:
    for path in ("/contributie", f"/contributie/{RATED_YEAR}"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen?volgende=")
    await log_in_as(client, "wendy-woerden")
    for path in ("/contributie", f"/contributie/{RATED_YEAR}"):
        assert (await client.get(path)).status_code == 403
    page = await client.get("/leden/woerden")
    assert 'href="/contributie"' not in page.text
    assert 'href="/leden"' not in page.text


async def test_unknown_years_are_not_found(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    for path in ("/contributie/1800", "/contributie/99999999999999999999", "/contributie/x"):
        assert (await client.get(path)).status_code == 404, path


async def test_the_fee_pages_in_english(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    html = (await client.get(f"/contributie/{RATED_YEAR}?lang=en")).text
    for text in (
        "Contributions 2020",
        "Rate per inhabitant",
        "€0.35",
        "€18,304.65",
        "1 January of the year",
        "366 of 366",
        "Store run",
    ):
        assert text in html, text
    html = (await client.get(f"/contributie/{UNRATED_YEAR}")).text
    assert "No contribution rate has been recorded for this year." in html


async def test_a_run_stored_at_the_same_moment_is_reported_not_a_crash(
    client: AsyncTestClient[Any], cooperative_db: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def lose_the_race(*_args: object) -> None:
        # What PostgreSQL answers when another request stored run 1 of the year first.
        raise IntegrityError("INSERT INTO fee_run", None, Exception("unique (year, sequence)"))

    await log_in_as(client, "dirk-directie")
    monkeypatch.setattr(fees_pages, "run_fees", lose_the_race)
    response = await store(client, RATED_YEAR)
    assert response.status_code == 409
    assert "Op hetzelfde moment is een andere run van dit jaar opgeslagen." in response.text
    assert "Run opslaan" in response.text  # the preview is shown again
    assert await run_count(cooperative_db) == 0
