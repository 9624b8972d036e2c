"""The decisions page (record, search) and the contribution rates page of the directie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.audit.models import AuditEvent
from registry.fees.models import ContributionRate
from registry.members.models import Decision
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def client(cooperative_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(cooperative_db_url))) as client:
        yield client


async def post_form(client: AsyncTestClient[Any], path: str, data: dict[str, str]) -> Any:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(
        path, data={"_csrf_token": csrf_token_in(page.text), **data}, follow_redirects=False
    )


def one_line(html: str) -> str:
    return " ".join(html.split())


DECISION = {
    "orgaan": "alv",
    "datum": "2025-06-12",
    "kenmerk": "ALV-2025-06",
    "onderwerp": "Contributie 2026: EUR 0,37 per inwoner",
    "tekst": "",
    "document": "https://example.org/besluiten/alv-2025-06.pdf",
}


async def test_the_directie_records_a_decision_and_the_audit_log_names_them(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post_form(client, "/besluiten", DECISION)
    assert response.status_code == 303
    assert response.headers["location"] == "/besluiten"
    page = await client.get("/besluiten")
    assert "Besluit ALV-2025-06 is vastgelegd." in page.text
    assert "Contributie 2026: EUR 0,37 per inwoner" in page.text
    assert 'href="/besluiten" aria-current="page"' in one_line(page.text)
    # The notice is shown once.
    assert "is vastgelegd" not in (await client.get("/besluiten")).text
    async with cooperative_db() as session:
        decision = await session.scalar(select(Decision).where(Decision.reference == "ALV-2025-06"))
        assert decision is not None
        assert decision.body.value == "alv"
        assert decision.document_url == DECISION["document"]
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_type == "decision", AuditEvent.entity_id == "ALV-2025-06"
            )
        )
        assert event is not None
        assert "Dirk Directie" in event.actor_label


async def test_a_refused_decision_is_shown_next_to_its_field_with_the_values_kept(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post_form(
        client, "/besluiten", {**DECISION, "kenmerk": "ALV-2019-12", "document": "ftp://x"}
    )
    assert response.status_code == 422
    html = one_line(response.text)
    assert 'href="#besluit-kenmerk"' in html  # the summary links to the field
    assert 'id="besluit-kenmerk-fout"' in html
    assert "Het besluit &#39;ALV-2019-12&#39; is al vastgelegd." in html
    assert 'id="besluit-document-fout"' in html
    assert 'value="Contributie 2026: EUR 0,37 per inwoner"' in html
    assert 'value="2025-06-12"' in html
    assert 'aria-invalid="true"' in html
    async with cooperative_db() as session:
        assert (
            await session.scalar(select(Decision).where(Decision.subject == DECISION["onderwerp"]))
            is None
        )


async def test_an_unreadable_date_is_refused_in_dutch(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post_form(client, "/besluiten", {**DECISION, "datum": "12-06"})
    assert response.status_code == 422
    html = one_line(response.text)
    assert "Dit is geen datum" in html
    assert 'id="besluit-datum-fout"' in html
    assert 'value="ALV-2025-06"' in html


async def test_decisions_are_searched_by_body_period_and_reference(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "anna-auditor")
    alv = (await client.get("/besluiten?orgaan=alv")).text
    assert "ALV-2019-12" in alv
    assert "ALV-2020-06" in alv
    assert "RvC-2019-10" not in alv
    assert "DIR-2019-12" not in alv
    assert "3 besluiten gevonden" in alv
    period = (await client.get("/besluiten?van=2020-01-01&tot=2020-06-30")).text
    assert "ALV-2020-06" in period
    assert "ALV-2019-12" not in period
    by_reference = (await client.get("/besluiten?zoek=rvc-2019")).text
    assert "RvC-2019-10" in by_reference
    assert "ALV-2019-12" not in by_reference
    assert 'value="rvc-2019"' in by_reference
    by_subject = (await client.get("/besluiten?zoek=entreegeld")).text
    assert "ALV-2020-06" in by_subject
    assert "1 besluit gevonden" in by_subject
    assert "Besluit vastleggen" not in alv  # auditors read, they do not record


async def test_the_directie_sets_a_rate_from_an_alv_decision(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    assert (await post_form(client, "/besluiten", DECISION)).status_code == 303
    response = await post_form(
        client,
        "/contributie/tarieven",
        {
            "jaar": "2026",
            "tarief": "0,37",
            "besluit": "ALV-2025-06",
            "pro_rata": "by_days",
            "peildatum": "january_first",
        },
    )
    assert response.status_code == 303, response.text
    page = (await client.get("/contributie/tarieven")).text
    assert "Het tarief van 2026 is vastgelegd: €\xa00,37 per inwoner." in page
    assert 'href="/contributie/2026"' in page
    async with cooperative_db() as session:
        rate = await session.scalar(select(ContributionRate).where(ContributionRate.year == 2026))
        assert rate is not None
        assert rate.rate == Decimal("0.37")
        assert rate.population_policy.value == "january_first"


async def test_a_rate_from_a_decision_of_another_body_is_refused_next_to_it(
    client: AsyncTestClient[Any], cooperative_db: Sessions
) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post_form(
        client,
        "/contributie/tarieven",
        {
            "jaar": "2026",
            "tarief": "0,37x",
            "besluit": "",
            "pro_rata": "full_year",
            "peildatum": "latest_published",
        },
    )
    assert response.status_code == 422
    html = one_line(response.text)
    assert 'id="tarief-bedrag-fout"' in html
    assert 'id="tarief-besluit-fout"' in html
    assert 'href="#tarief-besluit"' in html
    assert 'value="0,37x"' in html
    assert '<option value="full_year" selected>' in html
    async with cooperative_db() as session:
        assert (
            await session.scalar(select(ContributionRate).where(ContributionRate.year == 2026))
            is None
        )


@pytest.mark.parametrize(
    ("person", "path", "method", "status"),
    [
        ("wendy-woerden", "/besluiten", "get", 403),
        ("anna-auditor", "/besluiten", "post", 403),
        ("anna-auditor", "/contributie/tarieven", "get", 403),
        ("wendy-woerden", "/contributie/tarieven", "post", 403),
        (None, "/besluiten", "get", 303),
    ],
)
async def test_others_are_refused(
    client: AsyncTestClient[Any], person: str | None, path: str, method: str, status: int
) -> None:
    if person:
        await log_in_as(client, person)
    login = await client.get("/inloggen")
    if method == "get":
        response = await client.get(path, follow_redirects=False)
    else:
        response = await client.post(
            path,
            data={"_csrf_token": csrf_token_in(login.text), **DECISION, "jaar": "2026"},
            follow_redirects=False,
        )
    assert response.status_code == status
    if status == 403:
        assert "Geen toegang" in response.text
