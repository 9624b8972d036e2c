"""The public catalogue helps a municipality choose: sorting, the filters by platform, standard,
lead member and user municipality, and the users of each application with their inhabitants.

Reads the shared catalogue (demo data plus 25 trial ideas led by Woerden); the tests that need
other adoptions make them on a copy of the demo database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from registry.app import create_app
from registry.auth.roles import system_actor
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import DEMO_TODAY
from registry.settings import Settings
from registry.usage.adoptions import AdoptionInput, adopt, advance
from registry.usage.models import AdoptionStage
from tests.helpers.pages import (
    SESSION_SECRET,
    get_page,
    next_link,
    options_of,
    result_slugs,
    text_of,
)
from tests.web.catalogue_data import TOTAL, TRIAL_COUNT, trial_slug

Client = AsyncTestClient[Any]

# CBS 1 January 2025 (the latest shipped figures): Eindhoven, Tilburg, Woerden, Boxtel,
# Sint-Michielsgestel; Zwolle.
ZAAK_INHABITANTS = 249_035 + 230_357 + 53_976 + 34_241 + 30_176
ZWOLLE = 133_810


def users_cell(html: str, slug: str) -> str:
    """The text of the 'In use by' cell of an application's row."""
    row = html[html.index(f'href="/applicaties/{slug}"') :]
    row = row[: row.index("</tr>")]
    match = re.search(r'<td class="utrecht-table__cell catalogue-users"[^>]*>(.*?)</td>', row, re.S)
    assert match, f"no users cell for {slug}"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


# -- Sorting ---------------------------------------------------------------------------------


async def test_sorted_by_name_unless_asked_otherwise(client: Client) -> None:
    default = result_slugs(await get_page(client, "/?status=production&status=acceptance"))
    assert default == ["mijn-gemeente", "subsidieportaal", "zaakafhandeling"]
    by_name = await get_page(client, "/?status=production&status=acceptance&sorteer=naam")
    assert result_slugs(by_name) == default
    assert options_of(by_name, "sorteer") == [
        "naam",
        "status",
        "gebruikers",
        "inwoners",
        "nieuwste",
    ]
    assert '<option value="naam" selected>' in by_name


async def test_sorted_by_status_follows_the_lifecycle(client: Client) -> None:
    html = await get_page(client, "/?sorteer=status&zoek=a&licentie=EUPL")
    # idea → exploration → build → acceptance → production → retired; by name within a status.
    assert result_slugs(html) == [
        "burgerzaken-uittreksel",
        "burgerzaken-verhuizing",
        "subsidieportaal",
        "mijn-gemeente",
        "zaakafhandeling",
    ]
    assert '<option value="status" selected>' in html


async def test_sorted_by_users_and_by_inhabitants_puts_the_most_used_first(client: Client) -> None:
    by_users = result_slugs(await get_page(client, "/?sorteer=gebruikers"))
    # 4 users, 1 user, then nobody's applications by name.
    assert by_users[:4] == [
        "zaakafhandeling",
        "mijn-gemeente",
        "burgerzaken-uittreksel",
        "burgerzaken-verhuizing",
    ]
    by_inhabitants = result_slugs(await get_page(client, "/?sorteer=inwoners"))
    assert by_inhabitants[:3] == ["zaakafhandeling", "mijn-gemeente", "burgerzaken-uittreksel"]


async def test_newest_first(client: Client) -> None:
    html = await get_page(client, "/?sorteer=nieuwste")
    # The trial applications were added after the demo, one after the other.
    assert result_slugs(html) == [trial_slug(n) for n in range(TRIAL_COUNT, TRIAL_COUNT - 20, -1)]
    last = result_slugs(await get_page(client, "/?sorteer=nieuwste&pagina=2"))
    assert last[: TRIAL_COUNT - 20] == [trial_slug(n) for n in range(TRIAL_COUNT - 20, 0, -1)]
    assert len(last) == TOTAL - 20


async def test_an_unknown_order_is_ignored_with_a_notice(client: Client) -> None:
    html = await get_page(client, "/?sorteer=prijs&status=production")
    assert result_slugs(html) == ["mijn-gemeente", "zaakafhandeling"]
    notice = html[html.index('id="filter-melding"') :]
    assert "Sorteren op: de waarde ‘prijs’ is ongeldig en is genegeerd." in unescape(notice)


async def test_pagination_keeps_the_sort_and_every_filter(client: Client) -> None:
    first = await get_page(client, "/?trekker=woerden&sorteer=nieuwste&licentie=MIT")
    assert text_of(first, "aantal-resultaten") == "25 applicaties gevonden – pagina 1 van 2"
    next_url = next_link(first, "next")
    assert next_url == "/?licentie=MIT&trekker=woerden&sorteer=nieuwste&pagina=2"
    second = await get_page(client, next_url)
    assert result_slugs(second) == [trial_slug(n) for n in range(5, 0, -1)]
    assert next_link(second, "prev") == "/?licentie=MIT&trekker=woerden&sorteer=nieuwste"

    by_users = await get_page(client, "/?sorteer=inwoners&gemeente=GM0632&standaard=DigiD")
    assert result_slugs(by_users) == []
    assert "Geen applicaties gevonden die aan de filters voldoen." in by_users

    with_language = await get_page(client, "/?trekker=woerden&sorteer=gebruikers&lang=en")
    assert next_link(with_language, "next") == (
        "/?trekker=woerden&sorteer=gebruikers&pagina=2&lang=en"
    )


# -- Filters ---------------------------------------------------------------------------------


async def test_platform_filter(client: Client) -> None:
    html = await get_page(client, "/?platform=Python+%2F+Django")
    assert result_slugs(html) == ["subsidieportaal"]
    assert options_of(html, "platform") == [
        "",
        "Common Ground",
        "Common Ground (Kubernetes)",
        "PHP",
        "Python / Django",
        "Python / Superset",
        "React / Node.js",
    ]
    assert '<option value="Python / Django" selected>' in html
    # Exactly that platform: "Common Ground" is not "Common Ground (Kubernetes)".
    common = await get_page(client, "/?platform=Common+Ground")
    assert result_slugs(common) == ["burgerzaken-verhuizing"]


async def test_standard_filter(client: Client) -> None:
    html = await get_page(client, "/?standaard=DigiD")
    assert result_slugs(html) == ["mijn-gemeente", "subsidieportaal"]
    assert options_of(html, "standaard") == [
        "",
        "Common Ground",
        "DigiD",
        "Haal Centraal BRP",
        "NL API Strategie",
        "NL Design System",
        "WCAG 2.1 AA",
        "ZGW API's",
        "eHerkenning",
    ]
    wcag = await get_page(client, "/?standaard=WCAG+2.1+AA&sorteer=gebruikers")
    assert result_slugs(wcag) == ["zaakafhandeling", "mijn-gemeente", "subsidieportaal"]


async def test_lead_member_filter(client: Client) -> None:
    html = await get_page(client, "/?trekker=eindhoven")
    assert result_slugs(html) == ["klantcontact-v1", "zaakafhandeling"]
    options = options_of(html, "trekker")
    assert options == [
        "",
        "eindhoven",
        "tilburg",
        "woerden",
        "zaanstad",
        "zwolle",
        "gr-boxtel-sint-michielsgestel",
    ]
    assert '<option value="eindhoven" selected>Gemeente Eindhoven</option>' in html
    # Woerden also leads an unpublished idea, which the public does not see.
    woerden = await get_page(client, "/?trekker=woerden&status=acceptance&status=idea")
    assert text_of(woerden, "aantal-resultaten").startswith("26 applicaties gevonden")
    assert "woo-verzoeken" not in result_slugs(woerden)


async def test_user_municipality_filter(client: Client) -> None:
    woerden = await get_page(client, "/?gemeente=GM0632")
    # Woerden uses the case system; the grants portal is only planned.
    assert result_slugs(woerden) == ["zaakafhandeling"]
    # Sint-Michielsgestel uses it through the joint arrangement with Boxtel.
    assert result_slugs(await get_page(client, "/?gemeente=GM0845")) == ["zaakafhandeling"]
    zwolle = await get_page(client, "/?gemeente=GM0193")
    assert result_slugs(zwolle) == ["mijn-gemeente"]
    options = options_of(zwolle, "gemeente")
    # The municipalities where something is in use, by name.
    assert options == ["", "GM0757", "GM0772", "GM0845", "GM0855", "GM0632", "GM0193"]
    assert '<option value="GM0193" selected>Zwolle</option>' in zwolle
    # A municipality where nothing is in use: no applications, not all of them.
    assert result_slugs(await get_page(client, "/?gemeente=GM0014")) == []


async def test_filters_combine(client: Client) -> None:
    html = await get_page(
        client, "/?standaard=WCAG+2.1+AA&gemeente=GM0772&trekker=eindhoven&status=production"
    )
    assert result_slugs(html) == ["zaakafhandeling"]
    assert result_slugs(await get_page(client, "/?standaard=WCAG+2.1+AA&trekker=tilburg")) == []


# -- Users and their inhabitants, in both languages -------------------------------------------


async def test_the_users_column_counts_members_and_inhabitants_with_plurals(
    client: Client,
) -> None:
    html = await get_page(client, "/?status=production&status=acceptance")
    assert users_cell(html, "zaakafhandeling") == "4 leden gebruiken het, voor 597.785 inwoners"
    assert users_cell(html, "mijn-gemeente") == "1 lid gebruikt het, voor 133.810 inwoners"
    assert users_cell(html, "subsidieportaal") == "Nog geen leden"
    assert "In gebruik bij" in html

    english = await get_page(client, "/?status=production&status=acceptance&lang=en")
    assert users_cell(english, "zaakafhandeling") == "4 members use it, serving 597,785 inhabitants"
    assert users_cell(english, "mijn-gemeente") == "1 member uses it, serving 133,810 inhabitants"
    assert users_cell(english, "subsidieportaal") == "No members yet"


async def test_the_catalogue_counts_inhabitants_as_the_application_page_does(
    client: Client,
) -> None:
    listed = await get_page(client, "/?status=production")
    for slug, count, inhabitants in (
        ("zaakafhandeling", 4, ZAAK_INHABITANTS),
        ("mijn-gemeente", 1, ZWOLLE),
    ):
        shown = f"{inhabitants:,}".replace(",", ".")
        assert f"voor {shown} inwoners" in users_cell(listed, slug)
        detail = text_of(await get_page(client, f"/applicaties/{slug}"), "gebruikers-inwoners")
        assert f"{shown} inwoners" in detail
        assert detail.startswith(f"{count} ")


async def test_application_page_plurals_in_both_languages(client: Client) -> None:
    one = text_of(await get_page(client, "/applicaties/mijn-gemeente"), "gebruikers-inwoners")
    assert one == (
        "1 lid gebruikt deze applicatie in productie; het bedient 133.810 inwoners "
        "(cijfers van 1 januari 2025)."
    )
    one_en = text_of(
        await get_page(client, "/applicaties/mijn-gemeente?lang=en"), "gebruikers-inwoners"
    )
    assert one_en == (
        "1 member uses this application in production; it serves 133,810 inhabitants "
        "(figures of 1 January 2025)."
    )
    # The English choice is remembered in a cookie: ask for Dutch again.
    four = text_of(
        await get_page(client, "/applicaties/zaakafhandeling?lang=nl"), "gebruikers-inwoners"
    )
    assert four.startswith("4 leden gebruiken deze applicatie in productie; samen bedienen zij")


# -- Batched queries ---------------------------------------------------------------------------


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs while the test is recording."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("sort", ["naam", "gebruikers", "inwoners", "nieuwste", "status"])
async def test_the_number_of_queries_does_not_grow_with_the_rows(
    client: Client, statements: list[str], sort: str
) -> None:
    await get_page(client, f"/?sorteer={sort}&zoek=bestaat-niet")
    statements.clear()
    one = await get_page(client, f"/?sorteer={sort}&zoek=Mijn")
    for_one = len(statements)
    statements.clear()
    twenty = await get_page(client, f"/?sorteer={sort}")
    assert len(result_slugs(one)) == 1
    assert len(result_slugs(twenty)) == 20
    assert len(statements) == for_one


# -- Sorting by users and by inhabitants differ: data made in the test ----------------------


async def test_most_users_and_most_inhabitants_are_different_orders(demo_url: str) -> None:
    """A waste calendar used by Woerden and the GR (2 members, 118,393 inhabitants) against
    Mijn Gemeente used by Zwolle (1 member, 133,810 inhabitants)."""
    actor = system_actor("test")
    engine = create_engine(demo_url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await create_application(
                session,
                actor,
                "afvalkalender",
                ApplicationInput(name="Afvalkalender", lead_member="woerden", licence="EUPL-1.2"),
                ApplicationStatus.PRODUCTION,
            )
            for member in ("woerden", "gr-boxtel-sint-michielsgestel"):
                adoption = await adopt(
                    session,
                    actor,
                    AdoptionInput(member, "afvalkalender", date(2026, 1, 5)),
                    DEMO_TODAY,
                )
                for stage, on in (
                    (AdoptionStage.PLANNED, date(2026, 2, 1)),
                    (AdoptionStage.IN_PRODUCTION, date(2026, 3, 1)),
                ):
                    await advance(session, actor, adoption.id, stage, on, DEMO_TODAY)
    finally:
        await engine.dispose()

    app = create_app(Settings(database_url=demo_url, session_secret=SESSION_SECRET))
    async with AsyncTestClient(app=app) as client:
        by_users = await get_page(client, "/?sorteer=gebruikers&status=production")
        assert result_slugs(by_users) == ["zaakafhandeling", "afvalkalender", "mijn-gemeente"]
        assert users_cell(by_users, "afvalkalender") == (
            # Woerden 53,976 + Boxtel 34,241 + Sint-Michielsgestel 30,176 (1 January 2025)
            "2 leden gebruiken het, voor 118.393 inwoners"
        )
        by_inhabitants = await get_page(client, "/?sorteer=inwoners&status=production")
        assert result_slugs(by_inhabitants) == [
            "zaakafhandeling",
            "mijn-gemeente",
            "afvalkalender",
        ]
        boxtel = await get_page(client, "/?gemeente=GM0757&sorteer=naam")
        assert result_slugs(boxtel) == ["afvalkalender", "zaakafhandeling"]
