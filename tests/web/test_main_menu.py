"""The main menu per person: the links everyone sees, then the registry's pages in groups
(Leden, Financiën, Bestuur, Verantwoording), a group only when it holds a link for this person,
the group of the page shown as current, in Dutch and English, and the same on every page of a
logged-in person (also on a page whose handler takes no actor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lxml.html
import pytest
from litestar.testing import AsyncTestClient

from tests.helpers.pages import log_in_as


@dataclass(frozen=True)
class Menu:
    links: list[str]
    """The links outside a group, in order."""
    groups: dict[str, list[str]]
    """Each group's name and its links, in order."""
    current_group: str | None
    current_link: str | None


def menu_in(html: str, name: str = "Hoofdmenu") -> Menu:
    (nav,) = lxml.html.fromstring(html).xpath("//nav[@aria-label=$name]", name=name)
    (top,) = nav.xpath(".//ul[contains(@class, 'utrecht-nav-list')]")
    groups = {
        group.xpath("string(./summary)").strip(): [
            link.text_content().strip() for link in group.xpath(".//a")
        ]
        for group in top.xpath("./li/details")
    }
    current_groups = [
        s.text_content().strip() for s in top.xpath("./li/details/summary[@aria-current='true']")
    ]
    current_links = [a.text_content().strip() for a in top.xpath(".//a[@aria-current='page']")]
    assert len(current_groups) <= 1
    assert len(current_links) <= 1
    return Menu(
        [a.text_content().strip() for a in top.xpath("./li/a")],
        groups,
        current_groups[0] if current_groups else None,
        current_links[0] if current_links else None,
    )


@pytest.fixture
def client(members_client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    return members_client


EVERYONE = ["Catalogus", "Wie gebruikt wat"]
LOGGED_IN = [*EVERYONE, "Mijn organisatie", "Voorstellen"]
FINANCE = ["Contributie", "Besluiten", "Kostenpotten", "Facturen", "Bank", "Boekjaren"]


async def test_an_anonymous_visitor_sees_no_groups(client: AsyncTestClient[Any]) -> None:
    for path in ("/", "/over", "/leden-overzicht"):
        menu = menu_in((await client.get(path)).text)
        assert menu.links == EVERYONE, path
        assert menu.groups == {}, path
    assert menu_in((await client.get("/")).text).current_link == "Catalogus"


@pytest.mark.parametrize(
    ("person", "groups"),
    [
        (
            "dirk-directie",
            {
                "Leden": ["Leden", "Toelatingen"],
                "Financiën": [*FINANCE[:5], "Berichten", FINANCE[5]],
                "Bestuur": ["Directie", "Organen en vergaderingen"],
                "Verantwoording": ["Rapporten"],
            },
        ),
        ("bea-beheer", {"Leden": ["Personen en rollen"], "Verantwoording": ["Auditlog"]}),
        (
            "anna-auditor",
            {
                "Leden": ["Leden"],
                "Financiën": FINANCE,
                "Bestuur": ["Directie", "Organen en vergaderingen"],
                "Verantwoording": ["Rapporten", "Auditlog"],
            },
        ),
        (
            "wim-woerden",
            {"Bestuur": ["Organen en vergaderingen"], "Verantwoording": ["Rapporten"]},
        ),
        ("wendy-woerden", {}),
    ],
)
async def test_each_person_sees_the_groups_with_their_links(
    client: AsyncTestClient[Any], person: str, groups: dict[str, list[str]]
) -> None:
    await log_in_as(client, person)
    menu = menu_in((await client.get("/mijn")).text)
    assert menu.links == LOGGED_IN
    assert menu.groups == groups
    assert (menu.current_group, menu.current_link) == (None, "Mijn organisatie")


@pytest.mark.parametrize(
    ("path", "group", "link"),
    [
        ("/leden", "Leden", "Leden"),
        ("/contributie", "Financiën", "Contributie"),
        ("/boekjaren", "Financiën", "Boekjaren"),
        ("/directie", "Bestuur", "Directie"),
        ("/bestuur", "Bestuur", "Organen en vergaderingen"),
        ("/rapporten", "Verantwoording", "Rapporten"),
    ],
)
async def test_the_group_of_the_page_is_current(
    client: AsyncTestClient[Any], path: str, group: str, link: str
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get(path)
    assert page.status_code == 200
    menu = menu_in(page.text)
    assert (menu.current_group, menu.current_link) == (group, link)


async def test_the_menu_in_english(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    menu = menu_in((await client.get("/contributie?lang=en")).text, "Main menu")
    assert menu.links == ["Catalogue", "Who uses what", "My organisation", "Proposals"]
    assert list(menu.groups) == ["Members", "Finance", "Governance", "Accountability"]
    assert menu.groups["Finance"][0] == "Contributions"
    assert menu.groups["Governance"] == ["Management", "Bodies and meetings"]
    assert (menu.current_group, menu.current_link) == ("Finance", "Contributions")


@pytest.mark.parametrize(
    "path", ["/leden/woerden/voorstellen", "/over", "/privacy", "/leden-overzicht"]
)
async def test_a_page_without_an_actor_shows_the_same_menu(
    client: AsyncTestClient[Any], path: str
) -> None:
    await log_in_as(client, "wim-woerden")
    expected = menu_in((await client.get("/mijn")).text)
    page = await client.get(path)
    assert page.status_code == 200
    menu = menu_in(page.text)
    assert (menu.links, menu.groups) == (expected.links, expected.groups)
    assert expected.groups, "a member admin has groups, so the check means something"


async def test_the_auditor_finds_the_audit_log_in_its_group(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    menu = menu_in((await client.get("/auditlog")).text)
    assert (menu.current_group, menu.current_link) == ("Verantwoording", "Auditlog")
