"""OpenID Connect login against a real provider (oidc-provider-mock), followed by hand.

The app runs in production mode (Secure session cookie, so the client speaks https to it);
the provider runs on http://localhost in a thread. Every failure on the way back from the
provider must end on the 400 page "Inloggen is mislukt", never a 500, never logged in.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from litestar import Litestar
from litestar.middleware.session.client_side import ClientSideSessionBackend
from litestar.testing import AsyncTestClient
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth import sessions
from registry.auth.models import LoginSession, User
from registry.http.security import session_config
from registry.settings import OidcProvider, Settings
from registry.web.login import local_path
from tests.helpers.pages import SESSION_SECRET
from tests.web.conftest import OidcMock, give_role

# The mock provider's own Authlib server code warns about its deprecated configuration.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

BASE_URL = "https://registry.test"
SESSION_COOKIE = "registry_session"


def settings_for(db_url: str, *providers: OidcProvider, **changes: Any) -> Settings:
    return Settings(
        database_url=db_url,
        session_secret=SESSION_SECRET,
        oidc_providers=list(providers),
        public_url=BASE_URL,
        **changes,
    )


@asynccontextmanager
async def client_for(app: Litestar) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=app, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def app(members_db_url: str, oidc_mock: OidcMock) -> Litestar:
    return create_app(settings_for(members_db_url, oidc_mock.provider()))


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Any]]:
    async with client_for(app) as client:
        yield client


_backend = ClientSideSessionBackend(config=session_config(settings_for("sqlite://")))


def session_of(client: AsyncTestClient[Any]) -> dict[str, Any]:
    """The decrypted session cookie of the client (the test knows the secret)."""
    value = client.cookies.get(SESSION_COOKIE)
    if not value or value == "null":
        return {}
    return _backend.load_data([value.encode()])


def set_session(client: AsyncTestClient[Any], data: dict[str, Any]) -> None:
    (chunk,) = _backend.dump_data(data)
    client.cookies.set(SESSION_COOKIE, chunk.decode(), domain="registry.test")


async def user_id_of(
    client: AsyncTestClient[Any], members_db: async_sessionmaker[AsyncSession]
) -> int:
    """The person of the client's login session, as stored on the server."""
    async with members_db() as db:
        row = await db.scalar(
            select(LoginSession).where(
                LoginSession.token_hash == sessions.digest(session_of(client)["session_id"])
            )
        )
    assert row is not None
    return row.user_id


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL, url
    return urlunsplit(("", "", parts.path, parts.query, ""))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {**query_of(url), **changes}
    return urlunsplit(parts._replace(query=urlencode(query)))


async def start(client: AsyncTestClient[Any], provider: str = "mock", next_url: str = "") -> str:
    """Begin a login; returns the provider's authorization URL the browser is sent to."""
    params = {"volgende": next_url} if next_url else {}
    response = await client.get(f"/inloggen/{provider}", params=params, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


async def callback(client: AsyncTestClient[Any], url: str) -> Any:
    return await client.get(path_of(url), follow_redirects=False)


def assert_failed(response: Any, reason: str) -> None:
    assert response.status_code == 400, response.text
    assert "Inloggen is mislukt" in response.text
    assert reason in response.text


async def assert_logged_out(client: AsyncTestClient[Any]) -> None:
    assert "session_id" not in session_of(client)
    response = await client.get("/leden/woerden", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?volgende=%2Fleden%2Fwoerden"


def new_subject(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@woerden.example"


@pytest.fixture
async def woerden_user(oidc_mock: OidcMock, members_db: async_sessionmaker[AsyncSession]) -> str:
    """A person at the provider who is a member user of Woerden in the registry."""
    subject = new_subject()
    await oidc_mock.set_user(subject, name="Wendy van Woerden", email=subject)
    await give_role(members_db, oidc_mock.issuer, subject, "member_user", "woerden")
    return subject


async def test_login_with_the_provider(
    client: AsyncTestClient[Any],
    oidc_mock: OidcMock,
    woerden_user: str,
    members_db: async_sessionmaker[AsyncSession],
) -> None:
    page = await client.get("/inloggen")
    assert page.status_code == 200
    assert 'href="/inloggen/mock?volgende=%2Fmijn"' in page.text
    assert "Inloggen met Testinlogdienst" in page.text

    authorize_url = await start(client, next_url="/leden/woerden")
    assert authorize_url.startswith(f"{oidc_mock.issuer}/oauth2/authorize?")
    query = query_of(authorize_url)
    assert query["response_type"] == "code"
    assert query["client_id"] == "registry"
    assert query["redirect_uri"] == f"{BASE_URL}/inloggen/mock/terug"
    assert set(query["scope"].split()) == {"openid", "profile", "email"}
    assert query["code_challenge_method"] == "S256"
    pending = session_of(client)["login"]
    assert query["state"] == pending["state"]
    assert query["nonce"] == pending["nonce"]
    assert query["code_challenge"] == create_s256_code_challenge(pending["verifier"])
    assert len({pending["state"], pending["nonce"], pending["verifier"]}) == 3
    assert "session_id" not in session_of(client)

    response = await callback(client, await oidc_mock.authorize(authorize_url, woerden_user))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/leden/woerden"
    session = session_of(client)
    # A new session: the login attempt is used up, only the person is left.
    assert set(session) == {"session_id", "user_name"}
    assert session["user_name"] == "Wendy van Woerden"

    async with members_db() as db:
        user = await db.get(User, await user_id_of(client, members_db))
    assert user is not None
    assert (user.issuer, user.subject) == (oidc_mock.issuer, woerden_user)
    assert (user.name, user.email) == ("Wendy van Woerden", woerden_user)
    assert user.last_login_at is not None

    member_page = await client.get("/leden/woerden")
    assert member_page.status_code == 200
    assert "Gemeente Woerden" in member_page.text
    assert "Wendy van Woerden" in member_page.text  # the header
    assert (await client.get("/leden/eindhoven")).status_code == 403


async def test_session_cookie_is_secure_and_http_only(
    client: AsyncTestClient[Any], oidc_mock: OidcMock
) -> None:
    response = await client.get("/inloggen/mock", follow_redirects=False)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax"} <= attributes


@pytest.mark.parametrize("forged", ["forged", "ë", ""])
async def test_a_wrong_state_is_refused(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str, forged: str
) -> None:
    callback_url = await oidc_mock.authorize(await start(client), woerden_user)
    response = await callback(client, with_query(callback_url, state=forged))
    assert_failed(response, "Deze inlogpoging is verlopen of al gebruikt.")
    await assert_logged_out(client)
    # The attempt is used up: the real state does not work afterwards either.
    assert_failed(await callback(client, callback_url), "verlopen of al gebruikt")
    await assert_logged_out(client)


async def test_a_callback_without_a_login_attempt_is_refused(
    app: Litestar, oidc_mock: OidcMock, woerden_user: str
) -> None:
    async with client_for(app) as victim:
        callback_url = await oidc_mock.authorize(await start(victim), woerden_user)
    async with client_for(app) as attacker:
        assert_failed(await callback(attacker, callback_url), "verlopen of al gebruikt")
        await assert_logged_out(attacker)
        code_only = f"{BASE_URL}/inloggen/mock/terug?code={query_of(callback_url)['code']}"
        assert_failed(await callback(attacker, code_only), "verlopen")


async def test_a_replayed_callback_is_refused(
    app: Litestar, oidc_mock: OidcMock, woerden_user: str
) -> None:
    async with client_for(app) as client:
        callback_url = await oidc_mock.authorize(await start(client), woerden_user)
        before = dict(client.cookies.items())
        assert (await callback(client, callback_url)).status_code == 303
        assert "session_id" in session_of(client)
        # Same browser: the state was used up by the first callback.
        assert_failed(await callback(client, callback_url), "verlopen of al gebruikt")

    # The cookie from before the callback, replayed with it: the state matches, but the
    # provider refuses the code a second time (Authlib's OAuthError, not a 500).
    async with client_for(app) as replay:
        set_session(replay, _backend.load_data([before[SESSION_COOKIE].encode()]))
        response = await callback(replay, callback_url)
        assert_failed(response, "De inlogdienst heeft de inlogcode niet geaccepteerd.")
        assert "invalid_grant" in response.text
        await assert_logged_out(replay)


async def test_refusal_at_the_provider(client: AsyncTestClient[Any], oidc_mock: OidcMock) -> None:
    callback_url = await oidc_mock.deny(await start(client))
    assert query_of(callback_url)["error"] == "access_denied"
    response = await callback(client, callback_url)
    assert_failed(response, "U heeft het inloggen afgebroken")
    assert "access_denied" in response.text
    await assert_logged_out(client)


async def test_an_error_answer_uses_up_the_attempt(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    callback_url = await oidc_mock.authorize(await start(client), woerden_user)
    state = query_of(callback_url)["state"]
    response = await client.get(
        "/inloggen/mock/terug", params={"error": "temporarily_unavailable", "state": state}
    )
    assert_failed(response, "De inlogdienst meldde een fout.")
    assert "temporarily_unavailable" in response.text
    assert_failed(await callback(client, callback_url), "verlopen of al gebruikt")
    await assert_logged_out(client)


async def test_an_answer_naming_another_issuer_is_refused(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    # RFC 9207: a provider may name itself in the answer; it must be the one asked.
    callback_url = await oidc_mock.authorize(await start(client), woerden_user)
    response = await callback(client, with_query(callback_url, iss="https://evil.example"))
    assert_failed(response, "De inlogdienst meldde een fout.")
    assert "issuer_mismatch" in response.text
    await assert_logged_out(client)


async def test_a_nonce_mismatch_is_refused(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    # The provider is asked for another nonce than the one in the session, so its ID token
    # carries a nonce that does not belong to this login attempt.
    authorize_url = with_query(await start(client), nonce="someone-elses-nonce")
    response = await callback(client, await oidc_mock.authorize(authorize_url, woerden_user))
    assert_failed(response, "Het identiteitsbewijs van de inlogdienst is ongeldig.")
    await assert_logged_out(client)


async def test_a_code_for_another_client_is_refused(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    authorize_url = with_query(await start(client), client_id="another-client")
    response = await callback(client, await oidc_mock.authorize(authorize_url, woerden_user))
    assert_failed(response, "niet geaccepteerd")
    await assert_logged_out(client)


async def test_an_expired_login_attempt_is_refused(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    callback_url = await oidc_mock.authorize(await start(client), woerden_user)
    pending = session_of(client)["login"]
    client.cookies.clear()
    set_session(client, {"login": {**pending, "started": int(time.time()) - 3600}})
    assert_failed(await callback(client, callback_url), "verlopen")
    await assert_logged_out(client)


async def test_an_attempt_for_another_provider_is_refused(
    members_db_url: str, oidc_mock: OidcMock, woerden_user: str
) -> None:
    app = create_app(
        settings_for(members_db_url, oidc_mock.provider(), oidc_mock.provider(key="tweede"))
    )
    async with client_for(app) as client:
        callback_url = await oidc_mock.authorize(await start(client, "mock"), woerden_user)
        wrong = callback_url.replace("/inloggen/mock/terug", "/inloggen/tweede/terug")
        assert_failed(await callback(client, wrong), "verlopen")
        await assert_logged_out(client)


async def test_unknown_providers_are_not_found(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/inloggen/onbekend")).status_code == 404
    assert (await client.get("/inloggen/onbekend/terug?state=x&code=y")).status_code == 404


async def test_an_unreachable_provider_gives_the_failure_page(members_db_url: str) -> None:
    with run_server_in_thread() as server:
        port = server.server_port
    down = OidcMock(port).provider(key="plat")  # the server has stopped: nothing listens
    async with client_for(create_app(settings_for(members_db_url, down))) as client:
        response = await client.get("/inloggen/plat")
        assert_failed(response, "De inlogdienst is niet bereikbaar")
        assert "login" not in session_of(client)


async def test_users_are_keyed_on_issuer_and_subject_not_email(
    members_db_url: str,
    oidc_mock: OidcMock,
    other_oidc_mock: OidcMock,
    members_db: async_sessionmaker[AsyncSession],
) -> None:
    app = create_app(
        settings_for(
            members_db_url,
            oidc_mock.provider(key="eerste"),
            other_oidc_mock.provider(key="tweede"),
        )
    )
    subject, email = new_subject("shared"), "same.person@example.org"
    ids = []
    for mock, key in ((oidc_mock, "eerste"), (other_oidc_mock, "tweede")):
        await mock.set_user(subject, name=f"Persoon via {key}", email=email)
        async with client_for(app) as client:
            response = await callback(
                client, await mock.authorize(await start(client, key), subject)
            )
            assert response.status_code == 303, response.text
            ids.append(await user_id_of(client, members_db))
    assert ids[0] != ids[1]
    async with members_db() as db:
        users = (await db.scalars(select(User).where(User.email == email))).all()
    assert sorted((u.issuer, u.subject) for u in users) == sorted(
        [(oidc_mock.issuer, subject), (other_oidc_mock.issuer, subject)]
    )

    # Logging in again finds the same person, and takes the provider's current name.
    await oidc_mock.set_user(subject, name="Nieuwe naam", email=email)
    async with client_for(app) as client:
        await callback(client, await oidc_mock.authorize(await start(client, "eerste"), subject))
        assert await user_id_of(client, members_db) == ids[0]
        assert session_of(client)["user_name"] == "Nieuwe naam"


async def test_logout_clears_the_session(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    await callback(client, await oidc_mock.authorize(await start(client), woerden_user))
    page = await client.get("/leden/woerden")
    assert page.status_code == 200
    token = csrf_token_in(page.text)

    refused = await client.post("/uitloggen", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert "Geen toegang" in refused.text
    assert "session_id" in session_of(client)

    response = await client.post("/uitloggen", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert session_of(client) == {}
    await assert_logged_out(client)
    home = await client.get("/")
    assert "Uitloggen" not in home.text
    assert 'href="/inloggen?volgende=%2F"' in home.text


async def test_someone_without_roles_sees_an_empty_overview(
    client: AsyncTestClient[Any], oidc_mock: OidcMock
) -> None:
    subject = new_subject("nobody")
    await callback(client, await oidc_mock.authorize(await start(client), subject))
    mine = await client.get("/mijn", follow_redirects=False)
    assert mine.status_code == 200
    assert "U heeft nog geen rol in het register." in mine.text
    assert (await client.get("/leden/woerden")).status_code == 403


def csrf_token_in(html: str) -> str:
    marker = 'name="_csrf_token" value="'
    start_at = html.index(marker) + len(marker)
    return html[start_at : html.index('"', start_at)]


async def test_after_login_only_local_paths_are_followed(
    client: AsyncTestClient[Any], oidc_mock: OidcMock, woerden_user: str
) -> None:
    authorize_url = await start(client, next_url="https://evil.example/steal")
    response = await callback(client, await oidc_mock.authorize(authorize_url, woerden_user))
    assert response.headers["location"] == "/mijn"
    mine = await client.get("/mijn", follow_redirects=False)
    assert mine.headers["location"] == "/leden/woerden"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/leden/woerden", "/leden/woerden"),
        ("/?zoek=zaak&status=build", "/?zoek=zaak&status=build"),
        ("https://evil.example/", "/mijn"),
        ("//evil.example/", "/mijn"),
        ("/\\evil.example", "/mijn"),
        ("\\\\evil.example", "/mijn"),
        ("javascript:alert(1)", "/mijn"),
        ("leden/woerden", "/mijn"),
        ("/leden\r\nSet-Cookie: x=y", "/mijn"),
        ("/inloggen/mock", "/mijn"),
        ("/uitloggen", "/mijn"),
        ("", "/mijn"),
        (None, "/mijn"),
    ],
)
def test_local_path(value: str | None, expected: str) -> None:
    assert local_path(value) == expected
