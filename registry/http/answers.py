"""How answers are logged: an ordinary refusal is one line, only a failure has a traceback.

A redirect to the login page, a 403, 404, 405 or 409 is the service doing its job; logging it as
"Uncaught exception" with a traceback (Litestar's default in debug mode) buries real failures.
Every exception handler is wrapped to log one line at info level; anything without a handler
is a 500, logged once at error level with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.exceptions.responses import create_debug_response, create_exception_response

logger = logging.getLogger("registry.answers")

Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def _default(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's own answer; in development a failure shows its traceback, as before."""
    if request.app.debug and not isinstance(exc, HTTPException):
        return create_debug_response(request, exc)
    return create_exception_response(request, exc)


def _logged(handler: Handler) -> Handler:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        response = handler(request, exc)
        if (response.status_code or 200) >= 500:
            logger.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
        else:
            logger.info(
                "%s %s answered %s (%s)",
                request.method,
                request.url.path,
                response.status_code,
                type(exc).__name__,
            )
        return response

    return handle


def logged_handlers(
    handlers: Mapping[type[Exception], Handler],
) -> dict[type[Exception] | int, Handler]:
    """The app's handlers, each logging one line, plus Litestar's answer for every other error."""
    every: dict[type[Exception], Handler] = {HTTPException: _default, Exception: _default}
    every.update(handlers)
    return {kind: _logged(handler) for kind, handler in every.items()}
