"""Login sessions end: at logout (also in a copied cookie), at their absolute lifetime, and
their CSRF token works in no other session. On both database backends."""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth import sessions
from registry.auth.models import LoginSession, User
from registry.db import transaction
from registry.http.security import InsecureConfiguration, check_settings, weak_secret
from registry.kit.types import utcnow
from registry.settings import Settings
from tests.conftest import DemoTemplate
from tests.helpers.pages import SESSION_SECRET, csrf_token_in, log_in_as

SESSION_COOKIE = "registry_session"
CSRF_COOKIE = "registry_csrf"


@pytest.fixture
async def demo_db(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], demo_template: DemoTemplate
) -> str:
    async with transaction(session_factory) as session:
        await demo_template.copy_into(session)
    return db_url


@pytest.fixture
def settings(demo_db: str) -> Settings:
    return Settings(
        database_url=demo_db, dev_mode=True, dev_login=True, session_secret=SESSION_SECRET
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield client


async def log_in(client: AsyncTestClient[Any], person: str = "wim-woerden") -> None:
    await log_in_as(client, person)


async def member_page(client: AsyncTestClient[Any]) -> int:
    response = await client.get("/leden/woerden", follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"] == "/inloggen?volgende=%2Fleden%2Fwoerden"
    return response.status_code


async def log_out(client: AsyncTestClient[Any]) -> None:
    token = csrf_token_in((await client.get("/leden/woerden")).text)
    response = await client.post("/uitloggen", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text


async def rows_of(
    factory: async_sessionmaker[AsyncSession], person: str = "wim-woerden"
) -> list[LoginSession]:
    async with factory() as db:
        user = await db.scalar(select(User).where(User.subject == person))
        assert user is not None
        found = await db.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
        return list(found)


async def test_a_copied_cookie_stops_working_at_logout(
    settings: Settings, client: AsyncTestClient[Any]
) -> None:
    await log_in(client)
    assert await member_page(client) == 200
    copied = client.cookies.get(SESSION_COOKIE)
    assert copied

    await log_out(client)
    assert await member_page(client) == 303

    async with AsyncTestClient(app=create_app(settings)) as thief:
        thief.cookies.set(SESSION_COOKIE, copied)
        assert await member_page(thief) == 303
        home = await thief.get("/")
        assert "Uitloggen" not in home.text


async def test_a_session_lasts_its_lifetime_from_login_however_busy(
    settings: Settings,
    client: AsyncTestClient[Any],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    before = utcnow()
    await log_in(client)
    (row,) = await rows_of(session_factory)
    assert before <= row.created_at <= utcnow()
    assert row.expires_at == row.created_at + timedelta(hours=8)
    # Using the session does not make it last longer.
    for _ in range(3):
        assert await member_page(client) == 200
    assert [r.expires_at for r in await rows_of(session_factory)] == [row.expires_at]
    cookie = next(
        c
        for c in (await client.get("/leden/woerden")).headers.get_list("set-cookie")
        if c.startswith(SESSION_COOKIE)
    )
    assert "max-age=28800" in cookie.lower()

    async with transaction(session_factory) as db:
        await db.execute(
            update(LoginSession)
            .where(LoginSession.id == row.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await member_page(client) == 303
    # The expired session is gone from the cookie too.
    assert "Uitloggen" not in (await client.get("/")).text


async def test_the_lifetime_is_a_setting(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    app = create_app(settings.model_copy(update={"session_lifetime_hours": 2}))
    async with AsyncTestClient(app=app) as client:
        await log_in(client, "wendy-woerden")
    (row,) = await rows_of(session_factory, "wendy-woerden")
    assert row.expires_at - row.created_at == timedelta(hours=2)


async def test_ended_sessions_are_cleaned_up_at_a_later_login(
    client: AsyncTestClient[Any], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await log_in(client)
    await log_out(client)
    await log_in(client)
    old, current = sorted(await rows_of(session_factory), key=lambda r: r.id)
    assert old.revoked_at is not None
    assert current.revoked_at is None
    async with transaction(session_factory) as db:
        await db.execute(
            update(LoginSession)
            .where(LoginSession.id == old.id)
            .values(expires_at=utcnow() - sessions.RETENTION - timedelta(minutes=1))
        )
    await log_in(client)
    assert old.id not in {r.id for r in await rows_of(session_factory)}
    assert current.id in {r.id for r in await rows_of(session_factory)}


async def test_a_csrf_token_from_before_the_login_is_refused(
    client: AsyncTestClient[Any],
) -> None:
    anonymous_token = csrf_token_in((await client.get("/inloggen")).text)
    await log_in(client)
    refused = await client.post(
        "/uitloggen", data={"_csrf_token": anonymous_token}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert await member_page(client) == 200
    await log_out(client)
    assert await member_page(client) == 303


async def test_a_csrf_token_of_another_session_is_refused(settings: Settings) -> None:
    async with (
        AsyncTestClient(app=create_app(settings)) as first,
        AsyncTestClient(app=create_app(settings)) as second,
    ):
        await log_in(first)
        await log_in(second)
        token = csrf_token_in((await first.get("/leden/woerden")).text)
        # Even with the other session's CSRF cookie planted beside it.
        for name, value in first.cookies.items():
            if name != SESSION_COOKIE:
                second.cookies.set(name, value)
        refused = await second.post(
            "/uitloggen", data={"_csrf_token": token}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert "Geen toegang" in refused.text
        assert await member_page(second) == 200
        assert await member_page(first) == 200


@pytest.mark.parametrize(
    "secret",
    [
        "a" * 48,
        "0123456789abcdef" * 3,
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
        "test-session-secret-of-at-least-32-chars",
        "correct horse battery staple correct horse",
        "my-very-secret-session-key-for-the-registry",
        "short-but-random-Xk29",
    ],
)
def test_production_refuses_a_guessable_session_secret(secret: str) -> None:
    settings = Settings(database_url="sqlite+aiosqlite://", session_secret=secret)
    with pytest.raises(InsecureConfiguration, match="REGISTRY_SESSION_SECRET: too weak") as error:
        check_settings(settings)
    assert "secrets.token_urlsafe(48)" in str(error.value)


@pytest.mark.parametrize(
    "generate",
    [
        lambda rng: rng.randbytes(16).hex(),  # openssl rand -hex 16
        lambda rng: rng.randbytes(32).hex().upper(),
        lambda rng: base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip("="),
        lambda rng: base64.b64encode(rng.randbytes(32)).decode(),  # openssl rand -base64 32
    ],
    ids=["hex-16", "HEX-32", "urlsafe-32", "base64-32"],
)
def test_secrets_of_the_usual_random_kinds_are_accepted(
    generate: Callable[[random.Random], str],
) -> None:
    """However a random secret was made, it is not refused (500 of each kind, seeded)."""
    rng = random.Random(20261207)
    refused = [s for s in (generate(rng) for _ in range(500)) if weak_secret(s) is not None]
    assert refused == []


def test_production_needs_a_session_secret_and_accepts_a_random_one() -> None:
    with pytest.raises(InsecureConfiguration, match="token_urlsafe"):
        check_settings(Settings(database_url="sqlite+aiosqlite://"))
    for _ in range(100):
        secret = secrets.token_urlsafe(48)
        check_settings(Settings(database_url="sqlite+aiosqlite://", session_secret=secret))
    check_settings(Settings(database_url="sqlite+aiosqlite://", session_secret=SESSION_SECRET))
