"""What a proxy, an orchestrator and Prometheus ask: /healthz, /readyz and /metrics.

- `/healthz`: the process answers; it asks nothing else, the database included.
- `/readyz`: every readiness check of `registry.health` (database reachable, migrations at
  head) and the app's own (the job queue answers); 503 when one fails.
- `/metrics`: Prometheus' text format. It shows the service's load and figures, so it is only
  answered to a caller with the bearer token `REGISTRY_METRICS_TOKEN`; without that setting
  the route answers 404 as if it did not exist. Behind a proxy every caller looks like it
  comes from the proxy, so a "loopback only" rule would protect nothing.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_401_UNAUTHORIZED, HTTP_503_SERVICE_UNAVAILABLE
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Gauge
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from registry.health import current_figures, readiness
from registry.http.security import bearer_token
from registry.web.access import audience
from registry.web.deps import settings_of

NO_STORE = {"cache-control": "no-store"}


@get("/healthz", opt=audience(), include_in_schema=False, sync_to_thread=False)
def healthz() -> Response[dict[str, str]]:
    return Response({"status": "ok"}, headers=NO_STORE)


@get("/readyz", opt=audience(), include_in_schema=False)
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    answers = await readiness(request.app.state.engine, request.app.state.readiness_checks)
    ready = all(answer is None for answer in answers.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: answer or "ok" for name, answer in answers.items()},
    }
    status = HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE
    return Response(body, status_code=status, headers=NO_STORE)


def _exposition(overdue: int, audit_head: int) -> bytes:
    """The process' request metrics (or every worker's, with PROMETHEUS_MULTIPROC_DIR) and the
    figures read at this scrape."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    else:
        collected = REGISTRY
    figures = CollectorRegistry()
    Gauge(
        "registry_overdue_invoices",
        "Invoices with money still owed after their due date",
        registry=figures,
    ).set(overdue)
    Gauge(
        "registry_audit_chain_head_seq",
        "Sequence number of the last event in the audit log",
        registry=figures,
    ).set(audit_head)
    return generate_latest(collected) + generate_latest(figures)


@get("/metrics", opt=audience(), include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    settings = settings_of(request)
    if settings.metrics_token is None:
        raise NotFoundException()
    given = bearer_token(request) or ""
    expected = settings.metrics_token.get_secret_value()
    if not secrets.compare_digest(given.encode(), expected.encode()):
        return Response(
            b"",
            status_code=HTTP_401_UNAUTHORIZED,
            headers={**NO_STORE, "www-authenticate": 'Bearer realm="metrics"'},
        )
    figures = await current_figures(request.app.state.engine)
    body = await asyncio.to_thread(_exposition, figures.overdue_invoices, figures.audit_head_seq)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)
