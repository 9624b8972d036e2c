"""Who is calling: the session cookie of a person, or the bearer token of a machine client."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import service, sessions
from registry.auth.roles import ANONYMOUS, Actor
from registry.configuration import problems, report, secret_weakness
from registry.http.errors import HttpRefusal
from registry.kit.errors import DomainError
from registry.kit.language import operator_language
from registry.settings import Settings

SESSION_ID_KEY = "session_id"
"""The random id of the person's login session (`registry.auth.sessions`), in the cookie."""
SESSION_NAME_KEY = "user_name"
"""The person's name, kept in the session for the page header."""


class InvalidToken(DomainError):
    """A bearer token that names no client: refused, never treated as anonymous."""


class InsecureConfiguration(RuntimeError):
    """The service refuses to start with settings that `registry config check` refuses."""


def weak_secret(secret: str) -> str | None:
    """Why `secret` is too easy to guess for a session key (in English), or None."""
    weakness = secret_weakness(secret)
    return weakness.text("en") if weakness is not None else None


def check_settings(settings: Settings) -> None:
    """Refuses to start with settings `registry config check` finds fault with, with the same
    findings, in the operator's language."""
    found = problems(settings)
    if found:
        raise InsecureConfiguration(report(found, operator_language()))


def session_config(settings: Settings) -> CookieBackendConfig:
    """Encrypted, HTTP-only, SameSite=Lax session cookie; Secure except in development mode.

    The cookie only carries the session; whether a login still holds is decided by the
    `login_session` table. Its own lifetime is at most the absolute lifetime of a login.
    """
    if settings.session_secret is not None:
        key = hashlib.sha256(settings.session_secret.get_secret_value().encode()).digest()
    else:
        key = secrets.token_bytes(32)
    return CookieBackendConfig(
        secret=key,
        key="registry_session",
        max_age=settings.session_lifetime_hours * 60 * 60,
        secure=not settings.dev_mode,
        httponly=True,
        samesite="lax",
    )


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def resolve_actor(
    connection: ASGIConnection[Any, Any, Any, Any], session: AsyncSession
) -> Actor:
    """Bearer token first (machine clients), then the person of the session, else anonymous."""
    token = bearer_token(connection)
    if token is not None:
        actor = await service.actor_for_token(session, token)
        if actor is None:
            raise InvalidToken(HttpRefusal.TOKEN_UNKNOWN)
        return actor
    data = connection.scope.get("session")
    session_id = data.get(SESSION_ID_KEY) if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(session_id, str):
        return ANONYMOUS
    user_id = await sessions.user_of_session(session, session_id)
    actor = await service.actor_for_user(session, user_id) if user_id is not None else None
    if actor is None:
        # Expired, logged out, revoked or unknown: the cookie no longer names anybody.
        data.pop(SESSION_ID_KEY, None)
        data.pop(SESSION_NAME_KEY, None)
        return ANONYMOUS
    return actor
