"""Member pages: who sees which member, and what of it; CSRF on forms; the development login."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth import service as auth
from registry.auth.roles import system_actor
from registry.db import transaction
from registry.http.security import InsecureConfiguration
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
def client(members_client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    return members_client


async def status(client: AsyncTestClient[Any], path: str) -> int:
    return (await client.get(path, follow_redirects=False)).status_code


async def test_anonymous_visitors_are_sent_to_the_login(client: AsyncTestClient[Any]) -> None:
    for path in ("/leden/woerden", "/leden/onbekend", "/mijn"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/inloggen?volgende={path.replace('/', '%2F')}"
    page = await client.get("/leden/woerden")
    assert page.url.path == "/inloggen"
    assert 'name="volgende" value="/leden/woerden"' in page.text


async def test_a_member_user_sees_the_own_member_only(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")
    page = await client.get("/leden/woerden")
    assert page.status_code == 200
    html = page.text
    for text in (
        "Gemeente Woerden",
        "Gemeente",  # its type
        "00000001001763006000",  # OIN
        "30278887",  # KvK
        "GM0632",
        "53.976 inwoners op 1 januari 2025",  # the latest shipped figure
        "CBS StatLine 03759NED",
        "definitief",
    ):
        assert text in html, text
    assert "Mensen met een rol" not in html
    assert "API-tokens" not in html
    # The header: her name, a logout button and the link to her organisation.
    assert "Wendy Woerden" in html
    assert 'action="/uitloggen"' in html
    assert 'href="/mijn"' in html

    refused = await client.get("/leden/eindhoven")
    assert refused.status_code == 403
    assert "Geen toegang" in refused.text
    assert "Gemeente Eindhoven" not in refused.text
    assert await status(client, "/leden/onbekend") == 404

    mine = await client.get("/mijn", follow_redirects=False)
    assert mine.headers["location"] == "/leden/woerden"


async def test_a_member_admin_sees_people_and_tokens(
    client: AsyncTestClient[Any], members_db: async_sessionmaker[AsyncSession]
) -> None:
    async with transaction(members_db) as session:
        actor = system_actor("test")
        data = auth.TokenInput("woerden", "Zaaksysteem Woerden", ["usage:write"])
        token, _secret = await auth.create_token(session, actor, data)
        revoked, _ = await auth.create_token(
            session, actor, auth.TokenInput("woerden", "Oude koppeling", ["usage:write"])
        )
        await auth.revoke_token(session, actor, revoked.id)
        await auth.create_token(
            session, actor, auth.TokenInput("eindhoven", "Eindhovense koppeling", ["usage:write"])
        )

    await log_in_as(client, "wim-woerden")
    html = (await client.get("/leden/woerden")).text
    people = html[html.index('id="mensen"') : html.index('id="api-tokens"')]
    assert "Wendy Woerden" in people
    assert "Medewerker" in people
    assert "Wim Woerden" in people
    assert "Lidbeheerder" in people
    assert "Erik Eindhoven" not in people
    tokens = html[html.index('id="api-tokens"') :]
    assert "Zaaksysteem Woerden" in tokens
    assert f"{token.prefix}…" in tokens
    assert "usage:write" in tokens
    assert "Oude koppeling" in tokens
    assert "Nog nooit" in tokens
    assert "Eindhovense koppeling" not in tokens
    assert _secret not in html


@pytest.mark.parametrize("person", ["dirk-directie", "anna-auditor"])
async def test_directie_and_auditors_see_every_member(
    client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    for code, name in (("woerden", "Gemeente Woerden"), ("eindhoven", "Gemeente Eindhoven")):
        page = await client.get(f"/leden/{code}")
        assert page.status_code == 200
        assert name in page.text
        assert "Mensen met een rol" not in page.text
        assert "API-tokens" not in page.text
    provincie = await client.get("/leden/provincie-utrecht")
    assert "Dit lid staat niet voor een gemeente." in provincie.text
    gr = await client.get("/leden/gr-boxtel-sint-michielsgestel")
    assert "Gemeenschappelijke regeling" in gr.text
    assert "GM0757" in gr.text
    assert "GM0845" in gr.text

    mine = await client.get("/mijn")
    assert mine.status_code == 200
    assert "Mijn rollen" in mine.text
    assert 'href="/leden/zwolle"' in mine.text


async def test_the_registry_admin_sees_the_people_of_a_member(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "bea-beheer")
    page = await client.get("/leden/eindhoven")
    assert page.status_code == 200
    assert "Mensen met een rol" in page.text
    assert "Erik Eindhoven" in page.text
    assert "API-tokens" not in page.text  # tokens are the member admin's business
    mine = await client.get("/mijn")
    assert "Registerbeheerder" in mine.text


async def test_pages_in_english(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wendy-woerden")
    page = await client.get("/leden/woerden?lang=en")
    assert "Municipalities" in page.text
    assert "53,976 inhabitants on 1 January 2025" in page.text
    assert "Log out" in page.text
    refused = await client.get("/leden/eindhoven")
    assert "No access" in refused.text


async def test_forms_without_a_csrf_token_are_refused(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/inloggen")
    token = csrf_token_in(page.text)

    for data in ({"persoon": "dirk-directie"}, {"persoon": "dirk-directie", "_csrf_token": "x"}):
        response = await client.post("/inloggen/ontwikkeling", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "Het formulier is verlopen" in response.text
    assert await status(client, "/leden/woerden") == 303  # still nobody

    # A token from another browser (another CSRF cookie) does not fit this one's cookie.
    async with AsyncTestClient(app=client.app) as other:
        foreign = csrf_token_in((await other.get("/inloggen")).text)
    response = await client.post(
        "/inloggen/ontwikkeling",
        data={"persoon": "dirk-directie", "_csrf_token": foreign},
        follow_redirects=False,
    )
    assert response.status_code == 403

    await client.post(
        "/inloggen/ontwikkeling",
        data={"persoon": "dirk-directie", "_csrf_token": token},
        follow_redirects=False,
    )
    assert await status(client, "/leden/woerden") == 200
    refused = await client.post("/uitloggen", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert await status(client, "/leden/woerden") == 200  # still logged in


async def test_csrf_cookie_is_http_only(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/inloggen")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "registry_csrf" in c)
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()


async def test_the_dev_login_lists_the_demo_people(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/inloggen?volgende=/leden/woerden")
    assert "Inloggen als demopersoon" in page.text
    for name in ("Dirk Directie", "Anna Auditor", "Bea Beheer", "Wim Woerden", "Erik Eindhoven"):
        assert name in page.text
    token = csrf_token_in(page.text)
    response = await client.post(
        "/inloggen/ontwikkeling",
        data={"persoon": "wendy-woerden", "volgende": "/leden/woerden", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/leden/woerden"
    # Logged in now: forms carry the token of this session, the one from before is refused.
    token = csrf_token_in((await client.get("/inloggen")).text)
    unknown = await client.post(
        "/inloggen/ontwikkeling",
        data={"persoon": "mallory", "_csrf_token": token},
        follow_redirects=False,
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"dev_login": False}, id="dev mode without dev login"),
        pytest.param({"dev_mode": False, "dev_login": False}, id="production"),
    ],
)
async def test_the_dev_login_is_off_unless_enabled(
    members_db_url: str, changes: dict[str, Any]
) -> None:
    app = create_app(dev_settings(members_db_url, **changes))
    base_url = (
        "http://testserver.local" if changes.get("dev_mode", True) else "https://registry.test"
    )
    async with AsyncTestClient(app=app, base_url=base_url) as client:
        page = await client.get("/inloggen")
        assert page.status_code == 200
        assert "Inloggen als demopersoon" not in page.text
        assert "Er is nog geen inlogdienst ingesteld." in page.text
        response = await client.post(
            "/inloggen/ontwikkeling",
            # No form on the page; the token is the one in the CSRF cookie.
            data={"persoon": "dirk-directie", "_csrf_token": client.cookies["registry_csrf"]},
            follow_redirects=False,
        )
        assert response.status_code == 404
        assert await status(client, "/leden/woerden") == 303


def test_production_refuses_to_start_with_the_dev_login(members_db_url: str) -> None:
    with pytest.raises(InsecureConfiguration, match="REGISTRY_DEV_LOGIN"):
        create_app(dev_settings(members_db_url, dev_mode=False))


async def test_membership_and_contributions_only_for_those_who_read_the_member(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "bea-beheer")
    html = (await client.get("/leden/woerden")).text
    assert "Mensen met een rol" in html
    assert 'id="lidmaatschap"' not in html
    assert 'id="contributie"' not in html
    assert (await client.get("/leden")).status_code == 403
    assert 'href="/leden"' not in html
    assert 'href="/contributie"' not in html

    await log_in_as(client, "wim-woerden")
    html = (await client.get("/leden/woerden")).text
    assert 'id="lidmaatschap"' in html
    assert 'id="contributie"' in html


@pytest.mark.parametrize("person", ["dirk-directie", "anna-auditor"])
async def test_directie_and_auditors_find_members_and_contributions_in_the_menu(
    client: AsyncTestClient[Any], person: str
) -> None:
    await log_in_as(client, person)
    html = (await client.get("/")).text
    menu = html[html.index('aria-label="Hoofdmenu"') : html.index("</nav>")]
    assert 'href="/leden"' in menu
    assert 'href="/contributie"' in menu
    page = await client.get("/leden")
    assert page.status_code == 200
    assert 'href="/leden/woerden"' in page.text
