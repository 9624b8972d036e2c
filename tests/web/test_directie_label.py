"""The directie has one English name, "Management": the role and the decision body share one
label in the domain labels, the page catalogue uses the same word, and no English page,
refusal or label says "directie"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape
from typing import Any

import pytest
from babel.messages.pofile import read_po
from litestar.testing import AsyncTestClient

import registry.labels  # noqa: F401  (declares every domain's labels)
from registry.app import create_app
from registry.auth.models import Role
from registry.kit.labels import label, labelled
from registry.members.models import DecisionBody
from registry.refusals import CATALOGUE
from registry.web.i18n import load_translations, po_path
from tests.helpers.pages import dev_settings, log_in_as

DIRECTIE = re.compile(r"\bdirectie\b", re.IGNORECASE)


def test_the_role_and_the_decision_body_have_one_label() -> None:
    assert label(Role.DIRECTIE, "nl") == label(DecisionBody.DIRECTIE, "nl") == "Directie"
    assert label(Role.DIRECTIE, "en") == label(DecisionBody.DIRECTIE, "en") == "Management"
    # The pages' own word for it translates to the same label.
    assert load_translations("en").gettext("Directie") == label(Role.DIRECTIE, "en")


def test_no_english_text_says_directie() -> None:
    with po_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    pages = [
        text
        for message in catalog
        if message.id
        for text in ([message.string] if isinstance(message.string, str) else message.string)
        if DIRECTIE.search(text)
    ]
    assert pages == []
    refusals = [
        r.template("en") for rs in CATALOGUE for r in rs if DIRECTIE.search(r.template("en"))
    ]
    assert refusals == []
    labels = [
        label(member, "en")
        for enum in labelled()
        for member in enum
        if DIRECTIE.search(label(member, "en"))
    ]
    assert labels == []


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


def _main(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())
    return re.sub(r"\b(Dirk|Dora) Directie\b", "", text)  # the demo directors' names


@pytest.mark.parametrize(
    ("person", "path", "shown"),
    [
        ("dirk-directie", "/besluiten?lang=en", "Management"),
        ("wim-woerden", "/leden/woerden/voorstellen?lang=en", "the management publishes it"),
        (None, "/over?lang=en", "contact the management"),
        ("bea-beheer", "/rollen?lang=en", "Management"),
        ("dirk-directie", "/toelatingen?lang=en", "management"),
    ],
)
async def test_english_pages_name_the_directie_management(
    client: AsyncTestClient[Any], person: str, path: str, shown: str
) -> None:
    if person is not None:
        await log_in_as(client, person)
    response = await client.get(path)
    assert response.status_code == 200, path
    text = _main(response.text)
    assert shown in text
    assert DIRECTIE.search(text) is None, DIRECTIE.findall(text)
    dutch = _main((await client.get(path.replace("lang=en", "lang=nl"))).text)
    assert "management" not in dutch.lower()
    assert re.search(r"\b[Dd]irectie\b", dutch)
