"""Who is calling: the session cookie of a person, or the bearer token of a machine client."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections import Counter
from itertools import pairwise
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import service, sessions
from registry.auth.roles import ANONYMOUS, Actor
from registry.http.errors import HttpRefusal
from registry.kit.errors import DomainError
from registry.settings import Settings

SESSION_ID_KEY = "session_id"
"""The random id of the person's login session (`registry.auth.sessions`), in the cookie."""
SESSION_NAME_KEY = "user_name"
"""The person's name, kept in the session for the page header."""


class InvalidToken(DomainError):
    """A bearer token that names no client: refused, never treated as anonymous."""


class InsecureConfiguration(RuntimeError):
    """The service refuses to start with settings that are only safe in development."""


GENERATE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 100
"""A random secret of this many bits cannot be guessed (`openssl rand -hex 16` has 128)."""
MIN_RANDOMNESS = 0.8
"""How close the characters' entropy must come to that of random characters of their kind."""
_HEX = frozenset("0123456789abcdef")


def _alphabet_size(secret: str) -> int:
    """How many characters a random secret of this kind draws from (hex, base64, ...)."""
    if secret.isdigit():
        return 10
    if set(secret.lower()) <= _HEX and (secret.islower() or secret.isupper()):
        return 16
    classes = (str.islower, str.isupper, str.isdigit)
    size = sum(n for test, n in zip(classes, (26, 26, 10), strict=True) if any(map(test, secret)))
    return size + (33 if any(not c.isalnum() for c in secret) else 0)


def _entropy_per_character(secret: str) -> float:
    """Shannon entropy of the characters with the Miller–Madow correction, which removes the
    bias of a short sample (32 random hex characters would otherwise look too regular)."""
    counts = Counter(secret)
    n = len(secret)
    plain = -sum(c / n * math.log2(c / n) for c in counts.values())
    return plain + (len(counts) - 1) / (2 * n * math.log(2))


def weak_secret(secret: str) -> str | None:
    """Why `secret` is too easy to guess for a session key, or None when it looks random.

    Long enough is not random enough: "aaaa…", a phrase, or "0123456789abcdef…" pass a
    length check. Random hex, base64 or `secrets.token_urlsafe(48)` pass these checks.
    """
    if len(secret) < MIN_SECRET_LENGTH:
        return f"it is shorter than {MIN_SECRET_LENGTH} characters"
    for period in range(1, len(secret) // 2 + 1):
        if all(secret[i] == secret[i % period] for i in range(len(secret))):
            return "it repeats a pattern"
    steps = [ord(b) - ord(a) for a, b in pairwise(secret)]
    if sum(1 for step in steps if abs(step) <= 1) * 2 > len(steps):
        return "it is mostly a run of consecutive characters"
    entropy = _entropy_per_character(secret)
    # A short sample cannot show more different characters than it has.
    attainable = math.log2(min(_alphabet_size(secret), len(secret)))
    if entropy < MIN_RANDOMNESS * attainable:
        return f"its characters are not random enough ({entropy:.1f} bits each)"
    if entropy * len(secret) < MIN_SECRET_BITS:
        return f"it holds about {entropy * len(secret):.0f} bits, fewer than {MIN_SECRET_BITS}"
    return None


def check_settings(settings: Settings) -> None:
    if settings.dev_mode:
        return
    if settings.dev_login:
        raise InsecureConfiguration(
            "REGISTRY_DEV_LOGIN is only allowed with REGISTRY_DEV_MODE=true; refusing to start"
        )
    secret = settings.session_secret.get_secret_value() if settings.session_secret else ""
    if not secret:
        raise InsecureConfiguration(
            "REGISTRY_SESSION_SECRET is required in production; generate one with "
            + GENERATE_SECRET
        )
    reason = weak_secret(secret)
    if reason is not None:
        raise InsecureConfiguration(
            f"REGISTRY_SESSION_SECRET is too weak ({reason}); refusing to start. "
            f"Generate a random one with {GENERATE_SECRET}"
        )


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
