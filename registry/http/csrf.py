"""CSRF protection of the forms: a token that must match a cookie, or the login session.

/graphql is left out: it is a JSON API that guards itself; the payment webhook is signed by
the gateway instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from registry.auth import sessions
from registry.http import GRAPHQL_PATH
from registry.http.security import SESSION_ID_KEY
from registry.settings import Settings

CSRF_COOKIE = "registry_csrf"
CSRF_FAILED = "CSRF token verification failed"
"""The detail of the refusal, by which the 403 page knows to say: reload and try again."""


def csrf_config(settings: Settings) -> CSRFConfig:
    """Forms that change data carry a token (`_csrf_token`) that must match a cookie."""
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value()
    else:
        secret = secrets.token_hex(32)
    return CSRFConfig(
        secret=hashlib.sha256(f"csrf:{secret}".encode()).hexdigest(),
        cookie_name=CSRF_COOKIE,
        cookie_secure=not settings.dev_mode,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=[f"^{GRAPHQL_PATH}", "^/static/", "^/betalingen/webhook"],
    )


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    """Litestar's CSRF middleware, with the token bound to the login session (see below)."""
    return DefineMiddleware(SessionCsrfMiddleware, config=csrf_config(settings))


class SessionCsrfMiddleware(CSRFMiddleware):
    """CSRF protection whose token, once a person is logged in, belongs to their session.

    Anonymous requests use Litestar's double-submit cookie. With a login session the token
    is derived from the session's secret id (`sessions.csrf_token`), so a token from before
    the login, or from another session (even sent with that session's CSRF cookie), is
    refused. Runs inside the session middleware, which has loaded the session by then.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        data = scope.get("session")
        session_id = data.get(SESSION_ID_KEY) if isinstance(data, dict) else None
        if (
            scope["type"] != ScopeType.HTTP
            or not isinstance(session_id, str)
            or should_bypass_middleware(
                scope=scope,
                scopes=self.scopes,
                exclude_opt_key=self.config.exclude_from_csrf_key,
                exclude_path_pattern=self.exclude,
            )
        ):
            await super().__call__(scope, receive, send)
            return
        expected = sessions.csrf_token(session_id)
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(
            scope=scope, receive=receive
        )
        if request.method not in self.config.safe_methods:
            submitted = request.headers.get(self.config.header_name)
            if not submitted and request.content_type[0] in {
                RequestEncodingType.URL_ENCODED,
                RequestEncodingType.MULTI_PART,
            }:
                submitted = (await request.form()).get("_csrf_token")
            if not isinstance(submitted, str) or not hmac.compare_digest(
                submitted.encode(), expected.encode()
            ):
                raise PermissionDeniedException(CSRF_FAILED)
        ScopeState.from_scope(scope).csrf_token = expected
        await self.app(scope, receive, send)
