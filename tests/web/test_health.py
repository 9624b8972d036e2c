"""/healthz, /readyz and /metrics over real HTTP: what a proxy and Prometheus see."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from registry.audit.models import AuditChainHead
from registry.billing.models import Invoice
from registry.billing.rules import is_overdue
from registry.db import create_engine, transaction
from registry.health import Check, readiness
from registry.kit.clock import today
from registry.settings import Settings
from tests.conftest import DemoTemplate
from tests.helpers.metrics import METRICS_TOKEN, sample
from tests.helpers.pages import SESSION_SECRET
from tests.web.conftest import StartServer


def production(db_url: str, **changes: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url,
        "session_secret": SESSION_SECRET,
        "metrics_token": METRICS_TOKEN,
    }
    return Settings(**{**values, **changes})


def test_healthz_answers_without_asking_the_database(start_server: StartServer) -> None:
    # A database that does not exist: the process is still alive.
    server = start_server(production("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    response = httpx.get(f"{server.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database(db_url: str, start_server: StartServer) -> None:
    server = start_server(production(db_url))
    response = httpx.get(f"{server.url}/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "job queue": "ok"},
    }


def test_readyz_refuses_when_migrations_are_not_at_head(
    new_database: Callable[[str], str], start_server: StartServer
) -> None:
    server = start_server(production(new_database("sqlite")))  # never migrated
    response = httpx.get(f"{server.url}/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok"
    assert "registry migrate" in body["checks"]["migrations"]


def test_readyz_refuses_when_the_database_cannot_be_reached(start_server: StartServer) -> None:
    server = start_server(production("postgresql+asyncpg://nobody@127.0.0.1:1/none"))
    response = httpx.get(f"{server.url}/readyz", timeout=30)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert "cannot be reached" in checks["database"]
    assert checks["job queue"] == "the job queue does not answer"


async def test_a_failing_check_of_the_app_makes_it_not_ready(db_url: str) -> None:
    """The app adds its own checks (the job queue's) to the built-in ones; one failing is
    enough to answer 503."""

    async def queue_down(_engine: AsyncEngine) -> str | None:
        return "the job queue does not answer"

    engine = create_engine(db_url)
    try:
        answers = await readiness(engine, [Check("job queue", queue_down)])
    finally:
        await engine.dispose()
    assert answers == {
        "database": None,
        "migrations": None,
        "job queue": "the job queue does not answer",
    }


def test_metrics_is_refused_without_the_token(db_url: str, start_server: StartServer) -> None:
    server = start_server(production(db_url))
    assert httpx.get(f"{server.url}/metrics").status_code == 401
    wrong = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Bearer")
    assert "registry_" not in wrong.text


def test_metrics_is_off_without_a_configured_token(db_url: str, start_server: StartServer) -> None:
    server = start_server(production(db_url, metrics_token=None))
    response = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer anything"})
    assert response.status_code == 404


@pytest.fixture
async def demo_db(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], demo_template: DemoTemplate
) -> str:
    async with transaction(session_factory) as session:
        await demo_template.copy_into(session)
    return db_url


async def test_metrics_counts_routes_operations_and_reads_the_figures(
    demo_db: str, session_factory: async_sessionmaker[AsyncSession], start_server: StartServer
) -> None:
    server = start_server(production(demo_db))
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url) as client:
        before = (await client.get("/metrics", headers=auth)).text
        for slug in ("zaakafhandeling", "bestaat-niet-1", "bestaat-niet-2"):
            await client.get(f"/applicaties/{slug}")
        for name in ("Catalogue", "Made_Up_Name_1", "Made_Up_Name_2", None):
            query = f"query {name} {{ __typename }}" if name else "{ __typename }"
            answer = await client.post("/graphql", json={"query": query})
            assert answer.status_code == 200
        after = (await client.get("/metrics", headers=auth)).text
    assert after.startswith("# HELP")

    def grew(name: str, **labels: str) -> float:
        return (sample(after, name, **labels) or 0) - (sample(before, name, **labels) or 0)

    route = {"path": "/applicaties/{slug}", "method": "GET"}
    # Per route template, never per raw path: the two unknown slugs share the series.
    assert grew("registry_requests_total", **route, status_code="200") == 1
    assert grew("registry_requests_total", **route, status_code="404") == 2
    assert "bestaat-niet" not in after
    assert grew("registry_request_duration_seconds_count", **route, status_code="200") == 1
    # GraphQL: a known operation name has its own series; made-up names are "other".
    assert grew("registry_graphql_operations_total", operation="Catalogue", outcome="ok") == 1
    assert grew("registry_graphql_operations_total", operation="other", outcome="ok") == 2
    assert grew("registry_graphql_operations_total", operation="anonymous", outcome="ok") == 1
    assert "Made_Up_Name" not in after
    assert grew("registry_graphql_operation_duration_seconds_count", operation="Catalogue") == 1

    async with session_factory() as session:
        invoices = (await session.scalars(select(Invoice))).all()
        head = await session.scalar(select(AuditChainHead.last_seq))
    overdue = sum(is_overdue(i.status, i.due_date, today()) for i in invoices)
    assert sample(after, "registry_overdue_invoices") == overdue
    assert sample(after, "registry_audit_chain_head_seq") == head
    assert head is not None
    assert head > 0
