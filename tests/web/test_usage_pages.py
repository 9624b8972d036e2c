"""A member's applications and usage page: adopt, advance, report; refusals shown by field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.usage.models import Adoption, UsageRecord
from tests.helpers.db import count_rows
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as test_client:
        yield test_client


async def _post(client: AsyncTestClient[Any], path: str, data: dict[str, str]) -> Any:
    page = await client.get("/leden/woerden/gebruik")
    return await client.post(
        path, data={**data, "_csrf_token": csrf_token_in(page.text)}, follow_redirects=False
    )


async def test_member_admin_adopts_advances_and_reports(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await log_in_as(client, "wim-woerden")
    page = await client.get("/leden/woerden/gebruik")
    assert page.status_code == 200
    assert "Zaakafhandelcomponent" in page.text
    assert "EUPL-1.2" in page.text
    adopted = await _post(
        client,
        "/leden/woerden/gebruik/adopteren",
        {"application": "mijn-gemeente", "acquisition_on": "2026-10-01", "module": "Portaal"},
    )
    assert adopted.status_code == 303
    shown = await client.get("/leden/woerden/gebruik")
    assert "De applicatie is in gebruik genomen" in shown.text
    row = shown.text[shown.text.index('id="gebruik-mijn-gemeente"') :]
    adoption_id = row.split("/gebruik/")[1].split("/fase")[0]
    advanced = await _post(
        client,
        f"/leden/woerden/gebruik/{adoption_id}/fase",
        {"stage": "in_production", "on": "2026-11-02"},
    )
    assert advanced.status_code == 303
    records = await count_rows(demo_url, UsageRecord)
    reported = await _post(
        client,
        "/leden/woerden/gebruik/registreren",
        {
            "application": "mijn-gemeente",
            "period": "2026-11",
            "metric": "active_users",
            "quantity": "340",
        },
    )
    assert reported.status_code == 303
    assert await count_rows(demo_url, UsageRecord) == records + 1
    decimals = await _post(
        client,
        "/leden/woerden/gebruik/registreren",
        {
            "application": "mijn-gemeente",
            "period": "2026-11",
            "metric": "documents",
            "quantity": "1.234,5",
        },
    )
    assert decimals.status_code == 303
    shown = await client.get("/leden/woerden/gebruik")
    assert ">1.234,5</td>" in shown.text  # stored numbers are shown in Dutch notation
    assert "1234.5" not in shown.text
    english = await client.get("/leden/woerden/gebruik?lang=en")
    assert ">1,234.5</td>" in english.text


async def test_refusals_name_the_field_and_store_nothing(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await log_in_as(client, "wim-woerden")
    adoptions = await count_rows(demo_url, Adoption)
    future = await _post(
        client,
        "/leden/woerden/gebruik/adopteren",
        {"application": "mijn-gemeente", "acquisition_on": "2030-01-01"},
    )
    assert future.status_code == 422
    assert 'href="#adopt-date"' in future.text
    assert 'value="2030-01-01"' in future.text
    assert "acquisitionOn" not in future.text
    negative = await _post(
        client,
        "/leden/woerden/gebruik/registreren",
        {
            "application": "zaakafhandeling",
            "period": "2026-11",
            "metric": "transactions",
            "quantity": "-4",
        },
    )
    assert negative.status_code == 422
    assert "Een hoeveelheid is 0 of meer." in negative.text
    assert "negative_quantity" not in negative.text
    ambiguous = await _post(
        client,
        "/leden/woerden/gebruik/registreren",
        {
            "application": "zaakafhandeling",
            "period": "2026-11",
            "metric": "transactions",
            "quantity": "1.000",
        },
    )
    assert ambiguous.status_code == 422
    assert "&#39;1.000&#39; is niet eenduidig" in ambiguous.text
    # Read by the domain, so the refusal stands next to the quantity, with what was typed.
    form = _usage_form(ambiguous.text)
    assert "1.000" in form.get_element_by_id("usage-quantity-fout").text_content()
    assert form.get_element_by_id("usage-quantity").get("value") == "1.000"
    assert form.get_element_by_id("usage-quantity").get("aria-invalid") == "true"
    assert await count_rows(demo_url, Adoption) == adoptions


async def test_who_may_see_and_change(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")  # member user: sees and reports, does not adopt
    page = await client.get("/leden/woerden/gebruik")
    assert page.status_code == 200
    assert "Gebruik registreren" in page.text
    assert "Applicatie in gebruik nemen" not in page.text
    refused = await _post(
        client,
        "/leden/woerden/gebruik/adopteren",
        {"application": "mijn-gemeente", "acquisition_on": "2026-10-01"},
    )
    assert refused.status_code == 403
    assert (await client.get("/leden/eindhoven/gebruik")).status_code == 403


async def test_the_member_page_links_to_the_usage_page(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")
    assert 'href="/leden/woerden/gebruik"' in (await client.get("/leden/woerden")).text


def _usage_form(html: str) -> Any:
    from lxml import html as lxml_html

    return lxml_html.fromstring(html)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "nl",
            "2031-01 ligt in de toekomst; registreer gebruik tot en met de huidige maand",
        ),
        ("en", "2031-01 is in the future; report usage up to the current month"),
    ],
)
async def test_a_refused_usage_report_keeps_every_choice_and_points_at_the_field(
    client: AsyncTestClient[Any], demo_url: str, lang: str, message: str
) -> None:
    await log_in_as(client, "wim-woerden")
    client.cookies.set("lang", lang)
    records = await count_rows(demo_url, UsageRecord)
    refused = await _post(
        client,
        "/leden/woerden/gebruik/registreren",
        {
            "_form": "report",
            "application": "zaakafhandeling",
            "period": "2031-01",
            "metric": "documents",
            "quantity": "12,5",
        },
    )
    assert refused.status_code == 422
    page = _usage_form(refused.text)
    (link,) = page.xpath('//div[@id="foutmeldingen"]//a')
    assert link.get("href") == "#usage-period"
    assert message in link.text_content()
    period = page.get_element_by_id("usage-period")
    assert period.get("value") == "2031-01"
    assert period.get("aria-invalid") == "true"
    assert "usage-period-fout" in period.get("aria-describedby")
    assert message in page.get_element_by_id("usage-period-fout").text_content()
    assert page.get_element_by_id("usage-quantity").get("value") == "12,5"
    assert page.xpath('//select[@id="usage-metric"]/option[@selected]/@value') == ["documents"]
    assert page.xpath('//select[@id="usage-application"]/option[@selected]/@value') == [
        "zaakafhandeling"
    ]
    assert "records[0]" not in refused.text
    assert "future_period" not in refused.text
    assert await count_rows(demo_url, UsageRecord) == records
