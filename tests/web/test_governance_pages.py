"""The governance pages ("Bestuur"): what the directie, the auditor and a member admin see,
a form refused with the values kept, a vote posted twice recorded once, closing a proposal."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from registry.app import create_app
from registry.db import create_engine, create_session_factory
from registry.governance.models import AgendaItem, BodyPerson, Meeting, Vote
from registry.members.models import Decision
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(demo_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(dev_settings(demo_url))) as client:
        yield client


async def post(client: AsyncTestClient[Any], page: str, action: str, data: dict[str, str]) -> Any:
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(shown.text), **data}, follow_redirects=False
    )


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def _count(url: str, model: Any, *where: Any) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return int(
                await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )
    finally:
        await engine.dispose()


async def test_the_directie_sees_bodies_meetings_and_the_register(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get("/bestuur")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "ALV voorjaar 2026" in text
    assert "Renée Rekenaar" in text
    assert "Vertegenwoordiger van een lid" in text
    assert "Persoon toevoegen" in text
    assert 'href="/bestuur" aria-current="page"' in " ".join(page.text.split())


async def test_a_member_admin_reads_the_alv_only(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    page = await client.get("/bestuur")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "ALV voorjaar 2026" in text
    assert "Renée Rekenaar" not in text
    assert "Vergadering vastleggen" not in text
    meeting = re.search(r'href="/bestuur/vergaderingen/(\d+)"', page.text)
    assert meeting is not None
    detail = text_of((await client.get(f"/bestuur/vergaderingen/{meeting.group(1)}")).text)
    assert "aangenomen: besluit ALV-2026-03-1" in detail
    assert "Stem vastleggen" not in detail


async def test_a_member_user_may_not_open_governance(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "erik-eindhoven")
    assert (await client.get("/bestuur")).status_code == 403


async def test_a_refused_person_keeps_the_values_and_names_the_field(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    response = await post(
        client,
        "/bestuur",
        "/bestuur/personen",
        {
            "naam": "Piet",
            "orgaan": "alv",
            "rol": "representative",
            "lid": "",
            "begin": "2026-01-01",
            "einde": "",
        },
    )
    assert response.status_code == 422
    assert (
        "Een vertegenwoordiger in de ALV vertegenwoordigt een lid; kies het lid." in response.text
    )
    assert 'value="Piet"' in response.text


async def test_voting_twice_records_one_vote_and_closing_records_the_decision(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await log_in_as(client, "dirk-directie")
    created = await post(
        client,
        "/bestuur",
        "/bestuur/vergaderingen",
        {
            "orgaan": "alv",
            "vorm": "meeting",
            "datum": "2026-06-11",
            "titel": "ALV juni",
            "notulen": "",
        },
    )
    assert created.status_code == 303
    page = created.headers["location"]
    meeting_id = int(page.rsplit("/", 1)[1])
    assert (
        await post(
            client,
            page,
            f"{page}/agendapunten",
            {"titel": "Begroting 2027", "soort": "budget", "onderwerpsoort": "", "onderwerp": ""},
        )
    ).status_code == 303
    assert (await post(client, page, f"{page}/aanwezig", {"lid": "woerden"})).status_code == 303
    item = re.search(r"/bestuur/agendapunten/(\d+)/stemmen", (await client.get(page)).text)
    assert item is not None
    vote = {"stemmer": "woerden", "keuze": "for", "namens": ""}
    for _ in range(2):
        answer = await post(client, page, f"/bestuur/agendapunten/{item.group(1)}/stemmen", vote)
        assert answer.status_code == 303
    assert await _count(demo_url, Vote, Vote.agenda_item_id == int(item.group(1))) == 1
    absent = await post(
        client,
        page,
        f"/bestuur/agendapunten/{item.group(1)}/stemmen",
        {**vote, "stemmer": "tilburg"},
    )
    assert absent.status_code == 422
    assert "mag niet stemmen" in absent.text
    closed = await post(
        client, page, f"/bestuur/agendapunten/{item.group(1)}/sluiten", {"kenmerk": "ALV-2026-06-P"}
    )
    assert closed.status_code == 303
    assert "aangenomen: besluit ALV-2026-06-P" in text_of((await client.get(page)).text)
    assert await _count(demo_url, Decision, Decision.reference == "ALV-2026-06-P") == 1
    assert await _count(demo_url, AgendaItem, AgendaItem.meeting_id == meeting_id) == 1
    assert await _count(demo_url, Meeting) == 2


async def test_the_decisions_page_shows_how_each_decision_came_about(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "anna-auditor")
    page = text_of((await client.get("/besluiten?zoek=ALV-202")).text)
    assert "ALV-2026-03-1" in page
    assert "Gestemd in een vergadering: 5 voor, 1 tegen, 1 onthouding" in page
    assert "Alleen vastgelegd" in page  # ALV-2025-12 and older: recorded, no meeting
    rvc = text_of((await client.get("/besluiten?zoek=RvC-2019")).text)
    assert "RvC-2019-11" in rvc
    assert "minder dan drie leden" not in rvc  # recorded: who sat then is not known here


async def test_a_person_linked_to_a_user_joins_and_leaves_the_rvc(
    client: AsyncTestClient[Any], demo_url: str
) -> None:
    await log_in_as(client, "dirk-directie")
    overview = await client.get("/bestuur")
    user = re.search(r'<option value="(\d+)"[^>]*>Anna Auditor</option>', overview.text)
    assert user is not None
    added = await post(
        client,
        "/bestuur",
        "/bestuur/personen",
        {
            "naam": "Vera Vier",
            "orgaan": "rvc",
            "rol": "member",
            "lid": "",
            "gebruiker": user.group(1),
            "begin": "2026-07-01",
            "einde": "",
        },
    )
    assert added.status_code == 303
    engine = create_engine(demo_url)
    try:
        async with create_session_factory(engine)() as session:
            vera = await session.scalar(select(BodyPerson).where(BodyPerson.name == "Vera Vier"))
            assert vera is not None
            assert vera.user_id == int(user.group(1))
            assert str(vera.ends_on) == "2030-06-30"  # a term of four years
            person_id = vera.id
    finally:
        await engine.dispose()
    early = await post(
        client, "/bestuur", f"/bestuur/personen/{person_id}/einde", {"einde": "2026-01-01"}
    )
    assert early.status_code == 422
    assert "Het einde ligt voor het begin." in early.text
    ended = await post(
        client, "/bestuur", f"/bestuur/personen/{person_id}/einde", {"einde": "2027-12-31"}
    )
    assert ended.status_code == 303
    assert "Vastgelegd: Vera Vier." in (await client.get("/bestuur")).text
