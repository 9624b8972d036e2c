"""The public pages beside the catalogue: the member overview (who uses what), the about,
privacy and accessibility pages, the footer on every page, and GraphiQL out of the main menu.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.demo import MEMBERS
from registry.kit.clock import today
from registry.settings import Settings
from tests.helpers.pages import SESSION_SECRET, get_page, log_in_as, text_of

Client = AsyncTestClient[Any]

# Current members of the demo cooperative; Zwolle gave notice for the end of 2026 and the
# province has only applied.
STAYING = (
    "eindhoven",
    "woerden",
    "gr-boxtel-sint-michielsgestel",
    "tilburg",
    "zaanstad",
    "groningen",
    "enschede-apeldoorn",
)
ZWOLLE_LEAVES = date(2026, 12, 31)


def row_of(html: str, code: str) -> str:
    start = html.index(">", html.index(f'id="lid-{code}"')) + 1
    return html[start : html.index("</tr>", start)]


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def footer_of(html: str) -> str:
    return html[html.index("<footer") : html.index("</footer>")]


def main_menu_of(html: str) -> str:
    start = html.index('<nav class="utrecht-nav-bar"')
    return html[start : html.index("</nav>", start)]


# -- The member overview -----------------------------------------------------------------------


async def test_member_overview_lists_every_current_member_and_what_it_uses(client: Client) -> None:
    html = await get_page(client, "/leden-overzicht")
    assert '<h1 class="utrecht-heading-1">Leden en wie wat gebruikt</h1>' in html
    codes = re.findall(r'<tr class="utrecht-table__row" id="lid-([^"]+)"', html)
    zwolle_still_member = today() <= ZWOLLE_LEAVES
    expected = set(STAYING) | ({"zwolle"} if zwolle_still_member else set())
    assert set(codes) == expected
    assert "provincie-utrecht" not in codes
    names = [plain(n) for n in re.findall(r'<th[^>]*scope="row">(.*?)</th>', html, re.S)]
    assert names == sorted(names)

    woerden = plain(row_of(html, "woerden"))
    # The latest shipped figure: 1 January 2025.
    assert woerden.startswith("Gemeente Woerden Gemeente Woerden 53.976 ( 1 januari 2025 )")
    # In production only: the grants portal is planned, not used yet.
    assert 'href="/applicaties/zaakafhandeling">Zaakafhandelcomponent</a>' in row_of(
        html, "woerden"
    )
    assert "subsidieportaal" not in row_of(html, "woerden")

    gr = plain(row_of(html, "gr-boxtel-sint-michielsgestel"))
    assert "Gemeenschappelijke regeling" in gr
    assert "Boxtel, Sint-Michielsgestel" in gr
    assert "64.417" in gr  # Boxtel 34,241 + Sint-Michielsgestel 30,176 on 1 January 2025

    groningen = plain(row_of(html, "groningen"))
    assert "Nog geen applicaties in productie" in groningen

    count = len(expected)
    assert text_of(html, "aantal-leden").startswith(f"{count} leden met samen ")


async def test_member_overview_in_english(client: Client) -> None:
    html = await get_page(client, "/leden-overzicht?lang=en")
    assert '<h1 class="utrecht-heading-1">Members and who uses what</h1>' in html
    woerden = plain(row_of(html, "woerden"))
    assert "Municipality" in woerden
    assert "53,976 ( 1 January 2025 )" in woerden
    assert "Zaakafhandelcomponent" in woerden
    assert "members with" in text_of(html, "aantal-leden")


async def test_member_overview_shows_nothing_private(client: Client) -> None:
    html = await get_page(client, "/leden-overzicht")
    body = html[html.index("<main") : html.index("</main>")]
    for member in MEMBERS:
        # Identifiers that only the directie's pages show.
        assert member.oin not in html, member.code
        if member.kvk:
            assert member.kvk not in html, member.code
    for private in (
        "@",  # no e-mail address of a member (invoices, adoption contacts)
        "crediteuren",
        "€",
        "EUR",
        "Functioneel beheer",  # the adoption's contact
        "Toetredingsovereenkomst",  # membership agreements
        "RvC-",  # decisions
        "opgezegd",
        "Opgezegd",
        "factuur",
        "Factuur",
        "/leden/",  # no link to the directie's member pages
    ):
        assert private not in body, private
    # Unpublished applications stay unpublished, even as something a member uses.
    assert "woo-verzoeken" not in html


async def test_member_overview_needs_no_login_and_is_in_the_main_menu(client: Client) -> None:
    home = await get_page(client, "/")
    assert 'href="/leden-overzicht"' in main_menu_of(home)
    response = await client.get("/leden-overzicht", follow_redirects=False)
    assert response.status_code == 200


# -- About, privacy, accessibility ------------------------------------------------------------


async def test_about_page_explains_the_cooperative_joining_and_contact(client: Client) -> None:
    html = await get_page(client, "/over")
    text = plain(html)
    assert "Coöperatie Samen Digitaal U.A. is een coöperatie van gemeenten" in text
    assert 'id="lid-worden"' in html
    assert "De raad van commissarissen (RvC) besluit over de toelating." in text
    assert 'id="contact"' in html
    assert 'href="mailto:info@samendigitaal.example"' in html
    assert 'href="tel:0301234567"' in html
    assert "Stationsplein 1" in text
    assert "3511 ED Utrecht" in text
    english = plain(await get_page(client, "/over?lang=en"))
    assert "Becoming a member" in english
    assert "The supervisory board (RvC) decides on the admission." in english


async def test_contact_details_come_from_the_settings(catalogue_db_url: str) -> None:
    settings = Settings(
        database_url=catalogue_db_url,
        session_secret=SESSION_SECRET,
        cooperative_name="Coöperatie Dijkdata U.A.",
        contact_email="hallo@dijkdata.example",
        contact_phone="+31 58 765 43 21",
        privacy_email="fg@dijkdata.example",
        cooperative_street="Zuiderzeeweg 2",
        cooperative_postal_code="8901 AA",
        cooperative_city="Leeuwarden",
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        about = await get_page(client, "/over")
        assert "Coöperatie Dijkdata U.A. is een coöperatie" in plain(about)
        assert "8901 AA Leeuwarden" in plain(about)
        assert 'href="tel:+31587654321"' in about
        privacy = await get_page(client, "/privacy")
        assert 'href="mailto:fg@dijkdata.example"' in privacy
        assert "samendigitaal" not in privacy
        footer = footer_of(await get_page(client, "/"))
        assert 'href="mailto:hallo@dijkdata.example"' in footer
        assert "Coöperatie Dijkdata U.A." in footer


async def test_privacy_statement(client: Client) -> None:
    text = plain(await get_page(client, "/privacy"))
    assert text.count("Privacyverklaring") >= 2  # heading and footer
    assert "We gebruiken geen analyse- of trackingcookies" in text
    assert "privacy@samendigitaal.example" in text
    assert "Autoriteit Persoonsgegevens" in text
    english = plain(await get_page(client, "/privacy?lang=en"))
    assert "We use no analytics or tracking cookies" in english
    assert "Dutch Data Protection Authority" in english


async def test_accessibility_statement(client: Client) -> None:
    text = plain(await get_page(client, "/toegankelijkheid"))
    assert "Toegankelijkheidsverklaring" in text
    assert "WCAG 2.1 op niveau AA" in text
    assert "Het register voldoet gedeeltelijk" in text
    assert "info@samendigitaal.example of 030 123 45 67" in text
    assert "Het contributierapport als PDF is niet getagd" in text
    english = plain(await get_page(client, "/toegankelijkheid?lang=en"))
    assert "The registry partially complies" in english
    assert "The contribution report as a PDF is not tagged" in english


# -- The footer on every page type, every link answering ---------------------------------------


async def assert_footer_links_answer(client: Client, path: str, status: int = 200) -> list[str]:
    response = await client.get(path)
    assert response.status_code == status, (path, response.status_code)
    footer = footer_of(response.text)
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', footer)]
    for href in hrefs:
        if href.startswith(("mailto:", "tel:")):
            continue
        parts = urlsplit(href)
        target = await client.get(parts.path, headers={"Accept": "text/html"})
        assert target.status_code == 200, (path, href, target.status_code)
        if parts.fragment:
            assert f'id="{parts.fragment}"' in target.text, (path, href)
    return hrefs


FOOTER_LINKS = [
    "/over",
    "/over#lid-worden",
    "/leden-overzicht",
    "/privacy",
    "/toegankelijkheid",
    "/over#contact",
    "mailto:info@samendigitaal.example",
    "tel:0301234567",
    "/over#ontwikkelaars",
    "/publiccode/controleren",
]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/?sorteer=inwoners&gemeente=GM0632", 200),
        ("/applicaties/zaakafhandeling", 200),
        ("/leden-overzicht", 200),
        ("/over", 200),
        ("/privacy", 200),
        ("/toegankelijkheid", 200),
        ("/inloggen", 200),
        ("/bestaat-niet", 404),
        ("/applicaties/bestaat-niet", 404),
    ],
)
async def test_every_public_page_has_the_footer_and_its_links_answer(
    client: Client, path: str, status: int
) -> None:
    hrefs = await assert_footer_links_answer(client, path, status)
    assert hrefs == FOOTER_LINKS
    # GraphiQL is a developer's tool: not in the main menu, and only served in development.
    response = await client.get(path)
    assert "/graphql" not in main_menu_of(response.text)


@pytest.fixture
def dev_client(members_client: Client) -> Client:
    return members_client


@pytest.mark.parametrize("path", ["/", "/mijn", "/leden", "/leden/woerden", "/contributie"])
async def test_logged_in_pages_have_the_footer_and_graphiql_in_development(
    dev_client: Client, path: str
) -> None:
    await log_in_as(dev_client, "dirk-directie")
    hrefs = await assert_footer_links_answer(dev_client, path)
    assert hrefs == [*FOOTER_LINKS, "/graphql"]
    page = await dev_client.get(path)
    assert "/graphql" not in main_menu_of(page.text)
    graphiql = await dev_client.get("/graphql", headers={"Accept": "text/html"})
    assert graphiql.status_code == 200
    assert "graphiql.min.js" in graphiql.text
