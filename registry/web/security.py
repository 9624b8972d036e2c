"""Who is calling: the session cookie of a person, or the bearer token of a machine client."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.client_side import CookieBackendConfig
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import service
from registry.auth.roles import ANONYMOUS, Actor
from registry.kit.errors import DomainError
from registry.settings import Settings

SESSION_USER_KEY = "user_id"


class InvalidToken(DomainError):
    code = "invalid_token"


class InsecureConfiguration(RuntimeError):
    """The service refuses to start with settings that are only safe in development."""


def check_settings(settings: Settings) -> None:
    if settings.dev_mode:
        return
    if settings.dev_login:
        raise InsecureConfiguration(
            "REGISTRY_DEV_LOGIN is only allowed with REGISTRY_DEV_MODE=true; refusing to start"
        )
    secret = settings.session_secret.get_secret_value() if settings.session_secret else ""
    if len(secret) < 32:
        raise InsecureConfiguration(
            "REGISTRY_SESSION_SECRET (at least 32 characters) is required in production"
        )


def session_config(settings: Settings) -> CookieBackendConfig:
    """Encrypted, HTTP-only, SameSite=Lax session cookie; Secure except in development mode."""
    if settings.session_secret is not None:
        key = hashlib.sha256(settings.session_secret.get_secret_value().encode()).digest()
    else:
        key = secrets.token_bytes(32)
    return CookieBackendConfig(
        secret=key,
        key="registry_session",
        max_age=8 * 60 * 60,
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
            raise InvalidToken("the API token is unknown or revoked")
        return actor
    data = connection.scope.get("session")
    user_id = data.get(SESSION_USER_KEY) if isinstance(data, dict) else None
    if isinstance(user_id, int):
        return await service.actor_for_user(session, user_id) or ANONYMOUS
    return ANONYMOUS
