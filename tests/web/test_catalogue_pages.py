"""The public catalogue pages, through the real app on a migrated database with demo data."""

from __future__ import annotations

import asyncio
import re
from html import unescape
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.pages import get_page, next_link, options_of, result_slugs, text_of
from tests.web.catalogue_data import TOTAL, TRIAL_COUNT, trial_slug

Client = AsyncTestClient[Any]


def page_language(html: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', html)
    assert match, "no <html lang>"
    return match.group(1)


async def test_list_shows_the_catalogue_in_dutch(client: Client) -> None:
    html = await get_page(client, "/")

    assert page_language(html) == "nl"
    assert html.count("<h1") == 1
    assert '<h1 class="utrecht-heading-1">Catalogus</h1>' in html
    assert text_of(html, "aantal-resultaten") == f"{TOTAL} applicaties gevonden – pagina 1 van 2"
    slugs = result_slugs(html)
    assert len(slugs) == 20
    assert slugs[:4] == [
        "burgerzaken-uittreksel",
        "burgerzaken-verhuizing",
        "klantcontact-v1",
        "mijn-gemeente",
    ]
    row = html[html.index('href="/applicaties/mijn-gemeente"') :]
    row = row[: row.index("</tr>")]
    assert "Persoonlijke omgeving voor inwoners" in row
    assert ">Productie</span>" in row
    assert "EUPL-1.2 OR MIT" in row
    assert "Werkorganisatie Boxtel en Sint-Michielsgestel" in row


async def test_search_matches_name_and_description(client: Client) -> None:
    by_name = await get_page(client, "/?zoek=subsidie")
    assert result_slugs(by_name) == ["subsidieportaal"]
    assert 'name="zoek"\n               value="subsidie"' in by_name
    assert text_of(by_name, "aantal-resultaten") == "1 applicatie gevonden"

    by_description = await get_page(client, "/?zoek=dashboards")
    assert result_slugs(by_description) == ["rapportage"]

    nothing = await get_page(client, "/?zoek=bestaat-niet")
    assert result_slugs(nothing) == []
    assert "Geen applicaties gevonden die aan de filters voldoen." in nothing


async def test_status_filter_accepts_several_statuses(client: Client) -> None:
    production = await get_page(client, "/?status=production")
    assert result_slugs(production) == ["mijn-gemeente", "zaakafhandeling"]
    assert re.search(r'id="status-production" value="production"\s+checked', production)
    assert not re.search(r'id="status-retired" value="retired"\s+checked', production)

    two = await get_page(client, "/?status=production&status=retired")
    assert result_slugs(two) == ["klantcontact-v1", "mijn-gemeente", "zaakafhandeling"]


async def test_licence_filter_offers_the_licences_in_use(client: Client) -> None:
    html = await get_page(client, "/?licentie=Apache-2.0")
    assert result_slugs(html) == ["rapportage"]
    assert options_of(html, "licentie") == [
        "",
        "Apache-2.0",
        "EUPL-1.2",
        "EUPL-1.2 OR MIT",
        "GPL-3.0-or-later",
        "MIT",
    ]
    assert '<option value="Apache-2.0" selected>' in html


async def test_pagination_keeps_the_filters(client: Client) -> None:
    first = await get_page(client, "/?zoek=Proefapplicatie&status=idea")
    assert result_slugs(first) == [trial_slug(n) for n in range(1, 21)]
    assert text_of(first, "aantal-resultaten") == "25 applicaties gevonden – pagina 1 van 2"
    assert next_link(first, "prev") is None
    next_url = next_link(first, "next")
    assert next_url == "/?zoek=Proefapplicatie&status=idea&pagina=2"

    second = await get_page(client, next_url)
    assert result_slugs(second) == [trial_slug(n) for n in range(21, TRIAL_COUNT + 1)]
    assert text_of(second, "aantal-resultaten") == "25 applicaties gevonden – pagina 2 van 2"
    assert next_link(second, "next") is None
    assert next_link(second, "prev") == "/?zoek=Proefapplicatie&status=idea"

    past_the_end = await get_page(client, "/?zoek=Proefapplicatie&pagina=3")
    assert result_slugs(past_the_end) == []
    assert "Deze pagina is leeg." in past_the_end
    assert 'href="/?zoek=Proefapplicatie">Naar de eerste pagina' in past_the_end


async def test_detail_page_shows_everything_about_an_application(client: Client) -> None:
    html = await get_page(client, "/applicaties/zaakafhandeling")

    assert html.count("<h1") == 1
    assert '<h1 class="utrecht-heading-1">Zaakafhandelcomponent</h1>' in html
    assert "Zaaksysteem voor het behandelen van aanvragen" in html
    assert ">Productie</span>" in html
    assert '<code class="utrecht-code">EUPL-1.2</code>' in html
    assert "Common Ground (Kubernetes)" in html
    assert 'href="https://github.com/example-cooperatie/zaakafhandeling"' in html
    assert "Gemeente Eindhoven" in html
    assert "De coöperatie" in html
    section = html[html.index('id="standaarden"') : html.index('id="referentiecomponenten"')]
    items = re.findall(r'<li class="utrecht-unordered-list__item">(.*?)</li>', section, re.S)
    standards = [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]
    # Each standard by name, with the version claimed and the owner where they are known.
    assert [s.split(",")[0].split(" (")[0] for s in standards] == [
        "Common Ground",
        "NL API Strategie",
        "WCAG 2.1 AA",
        "ZGW API's",
    ]
    versions = re.findall(r'<th class="utrecht-table__header-cell" scope="row">([^<]+)</th>', html)
    assert versions == ["2.0.0", "1.4.0", "1.0.0"]
    assert '<time datetime="2025-11-03">3 november 2025</time>' in html
    assert "Bezwaar en beroep." in html


async def test_detail_page_names_a_member_owner_and_missing_values(client: Client) -> None:
    owned = await get_page(client, "/applicaties/rapportage")
    owner = re.search(r">Eigenaar</dt>\s*<dd[^>]*>([^<]*)</dd>", owned)
    assert owner
    assert owner.group(1) == "Gemeente Tilburg"
    assert "Er zijn nog geen releases." in owned

    bare = await get_page(client, "/applicaties/burgerzaken-uittreksel")
    assert "Niet opgegeven" in bare
    assert "Er zijn geen standaarden vastgelegd." in bare


async def test_unknown_application_is_a_translated_404_page(client: Client) -> None:
    dutch = await get_page(client, "/applicaties/bestaat-niet", status=404)
    assert page_language(dutch) == "nl"
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in dutch
    assert 'href="/">Naar de catalogus</a>' in dutch

    english = await get_page(client, "/applicaties/bestaat-niet?lang=en", status=404)
    assert page_language(english) == "en"
    assert '<h1 class="utrecht-heading-1">Page not found</h1>' in english

    elsewhere = await get_page(client, "/bestaat/ook/niet?lang=nl", status=404)
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in elsewhere


async def test_english_through_the_query_and_then_the_cookie(client: Client) -> None:
    dutch = await get_page(client, "/")
    assert 'href="/?lang=en"\n             lang="en" hreflang="en">English</a>' in dutch

    response = await client.get("/?lang=en")
    assert response.status_code == 200
    assert "lang=en" in response.headers["set-cookie"]
    assert response.headers["content-language"] == "en"
    english = response.text
    assert page_language(english) == "en"
    assert '<h1 class="utrecht-heading-1">Catalogue</h1>' in english
    assert ">Production</span>" in english
    assert f"{TOTAL} applications found – page 1 of 2" in english
    assert "Source of population figures: CBS (CC BY 4.0)" in english
    assert 'hreflang="nl">Nederlands</a>' in english
    assert next_link(english, "next") == "/?pagina=2&lang=en"

    remembered = await get_page(client, "/applicaties/zaakafhandeling")
    assert page_language(remembered) == "en"
    assert "Case management system for applications" in remembered
    assert '<time datetime="2025-11-03">3 November 2025</time>' in remembered
    assert "The cooperative" in remembered

    back = await client.get("/?lang=nl")
    assert "lang=nl" in back.headers["set-cookie"]
    assert page_language(back.text) == "nl"
    assert page_language(await get_page(client, "/")) == "nl"


async def test_language_switch_keeps_the_filters(client: Client) -> None:
    html = await get_page(client, "/?zoek=zaak&status=production")
    assert 'href="/?zoek=zaak&amp;status=production&amp;lang=en"' in html


async def test_english_page_marks_a_dutch_only_description(client: Client) -> None:
    html = await get_page(client, f"/applicaties/{trial_slug(1)}?lang=en")
    assert '<span lang="nl">Een proefapplicatie voor het bladeren' in html


async def test_unknown_language_falls_back_to_dutch(client: Client) -> None:
    client.cookies.set("lang", "fr")
    html = await get_page(client, "/?lang=de")
    assert page_language(html) == "nl"
    assert "Catalogus" in html


async def test_concurrent_requests_keep_their_own_language(client: Client) -> None:
    languages = ["nl", "en"] * 10
    pages = await asyncio.gather(*(client.get(f"/?lang={lang}") for lang in languages))
    for language, response in zip(languages, pages, strict=True):
        heading = "Catalogus" if language == "nl" else "Catalogue"
        assert page_language(response.text) == language
        assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in response.text


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("status=bogus", "Status", "bogus"),
        ("pagina=abc", "Pagina", "abc"),
        ("pagina=0", "Pagina", "0"),
        ("pagina=99999999999999999999", "Pagina", "99999999999999999999"),
        ("zoek=" + "x" * 201, "Zoeken", "x" * 40 + "…"),
        ("zoek=a%00b", "Zoeken", "a\ufffdb"),
    ],
)
async def test_unusable_filter_values_are_ignored_with_a_notice(
    client: Client, query: str, field: str, value: str
) -> None:
    html = await get_page(client, f"/?{query}")
    notice = html[html.index('id="filter-melding"') : html.index("<form")]
    assert "Niet alle filters zijn gebruikt" in notice
    messages = re.findall(r'<li class="utrecht-unordered-list__item">([^<]*)</li>', notice)
    assert [unescape(m) for m in messages] == [
        f"{field}: de waarde ‘{value}’ is ongeldig en is genegeerd."
    ]
    assert f"{TOTAL} applicaties gevonden" in html


async def test_valid_filters_still_apply_next_to_an_unusable_one(client: Client) -> None:
    html = await get_page(client, "/?status=production&status=bogus")
    assert result_slugs(html) == ["mijn-gemeente", "zaakafhandeling"]
    assert "Status: de waarde ‘bogus’ is ongeldig en is genegeerd." in unescape(html)


async def test_search_text_is_escaped(client: Client) -> None:
    html = await get_page(client, "/?zoek=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


async def test_stylesheets_are_served_locally(client: Client) -> None:
    html = await get_page(client, "/")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert "/static/vendor/utrecht-components.css" in sheets
    assert "/static/vendor/voorbeeld-theme.css" in sheets
    for href in sheets:
        assert href.startswith("/static/"), f"{href} is not served by the app"
        response = await client.get(href)
        assert response.status_code == 200, f"{href}: run `make setup` to build web/static/vendor"
        assert response.headers["content-type"].startswith("text/css")
    components = (await client.get("/static/vendor/utrecht-components.css")).text
    assert ".utrecht-status-badge" in components


async def test_application_page_shows_its_users_and_the_inhabitants_they_serve(
    client: AsyncTestClient[Any],
) -> None:
    html = (await client.get("/applicaties/zaakafhandeling")).text
    # Eindhoven, Tilburg, Woerden and the GR (Boxtel + Sint-Michielsgestel) in production:
    # 249,035 + 230,357 + 53,976 + 34,241 + 30,176 = 597,785 inhabitants (CBS 1 January 2025,
    # the latest shipped figures).
    assert "4 leden gebruiken deze applicatie in productie" in html
    assert "597.785 inwoners" in html
    assert "Gemeente Tilburg" in html[html.index('id="gebruikers"') :]
    english = (await client.get("/applicaties/zaakafhandeling?lang=en")).text
    assert "together they serve 597,785 inhabitants" in english
