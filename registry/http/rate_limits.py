"""Rate limits per client IP address, and the 429 answer in the caller's terms."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import RateLimitConfig

from registry.http import GRAPHQL_PATH
from registry.http.errors import HttpRefusal
from registry.kit.errors import Phrase


def rate_limit(store: str, per_minute: int) -> RateLimitConfig:
    """Requests per minute per client IP address; each limit counts in its own store."""
    return RateLimitConfig(rate_limit=("minute", per_minute), store=store)


def too_many_requests(
    request: Request[Any, Any, Any], exc: TooManyRequestsException
) -> Response[Any]:
    """HTTP 429 with Retry-After: a GraphQL error body for the API, a short text otherwise."""
    headers = dict(exc.headers or {})
    seconds = max(1, int(headers.get("RateLimit-Reset", "60")))
    headers["Retry-After"] = str(seconds)
    refusal = Phrase(HttpRefusal.TOO_MANY_REQUESTS, {"seconds": seconds})
    if request.url.path.startswith(GRAPHQL_PATH):
        return Response(
            {
                "data": None,
                "errors": [
                    {
                        "message": refusal.text("en"),
                        "extensions": {"code": refusal.code, "retryAfter": seconds},
                    }
                ],
            },
            status_code=429,
            headers=headers,
        )
    english = refusal.text("en")
    return Response(
        f"{refusal.text('nl')}\n{english[:1].upper()}{english[1:]}.\n",
        status_code=429,
        headers=headers,
        media_type="text/plain; charset=utf-8",
    )
