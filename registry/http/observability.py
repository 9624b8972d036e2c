"""Request ids, logs and request metrics: what an operator sees of the running service.

Every request gets an id: the caller's `X-Request-ID` when it is a plain token (letters,
digits, `.`, `_`, `-`, at most 128), otherwise a new random one. It is returned in the
`X-Request-ID` header, put on every log line written while the request runs and shown on the
error pages, so a person can quote it and the operator can find the lines.

One line is logged per request: method, route template, status, duration, request id. Never the
query string, headers, cookies or bodies: secrets travel there. Logs are text (`make run`) or
one JSON object a line (`REGISTRY_LOG_FORMAT=json`, for production).

Request counts and latency are counted per route template by Litestar's Prometheus middleware
(the raw path would give every invoice number a series of its own); a route that is not found
never reaches it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.logging.config import LoggingConfig
from litestar.plugins.prometheus import PrometheusConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter, Histogram

from registry.settings import Settings

REQUEST_ID_HEADER = "x-request-id"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
NO_REQUEST = "-"

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

requests_logger = logging.getLogger("registry.requests")


def current_request_id() -> str:
    """The id of the request being answered ("-" outside a request)."""
    return _request_id.get()


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if _VALID_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def request_ids(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: the request's id in a context variable and the response header, and
    one log line per request once its answer has started."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        method = str(scope.get("method", ""))
        request_id = request_id_from(scope)
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            requests_logger.info(
                "%s %s %s",
                method,
                scope.get("path_template") or "(unrouted)",
                status,
                extra={
                    "method": method,
                    "route": scope.get("path_template"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            _request_id.reset(token)

    return middleware


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (as `request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


TEXT_FORMAT = "%(levelname)s - %(asctime)s - %(name)s - [%(request_id)s] %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id")


def logging_config(settings: Settings) -> LoggingConfig:
    """Litestar's logging (off the event loop through its queue handler), with the request id
    on every line, as text or as JSON; Litestar's own exception logging is off
    (`registry.http.answers` logs every answer once)."""
    formatter: dict[str, Any]
    if settings.log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": " ".join(f"%({name})s" for name in JSON_FIELDS),
            "rename_fields": {"levelname": "level", "asctime": "time", "name": "logger"},
            "timestamp": False,
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    handler = {
        "class": "litestar.logging.standard.QueueListenerHandler",
        "level": "DEBUG",
        "formatter": "standard",
        "filters": ["request_id"],
    }
    return LoggingConfig(
        log_exceptions="never",
        formatters={"standard": formatter},
        filters={"request_id": {"()": RequestIdFilter}},
        handlers={"queue_listener": handler},
        loggers={
            "litestar": {"level": "INFO", "handlers": ["queue_listener"], "propagate": False},
        },
    )


def request_metrics() -> PrometheusConfig:
    """Requests and their duration per method, route template and status."""
    return PrometheusConfig(app_name="registry", prefix="registry", group_path=True)


GRAPHQL_OPERATIONS = Counter(
    "registry_graphql_operations_total",
    "GraphQL operations answered, by operation name (known names only) and outcome",
    ["operation", "outcome"],
)
GRAPHQL_DURATION = Histogram(
    "registry_graphql_operation_duration_seconds",
    "How long GraphQL operations took, by operation name (known names only)",
    ["operation"],
)
ANONYMOUS_OPERATION = "anonymous"
OTHER_OPERATION = "other"
"""Labels of an operation without a name, and of one whose name the registry does not know:
a caller chooses the name, so only known names get a series of their own."""
