"""Usage records per second through the bulk GraphQL mutation, against a plain bulk insert.

A machine client with an API token posts 5,000 records per call (four metrics over
250 months of five applications) through the real Litestar app; the same rows are then
bulk-inserted into a scratch table in the same run. Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from datetime import date
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import backends, fresh_database
from registry.app import create_app
from registry.auth.roles import system_actor
from registry.auth.service import TokenInput, create_token
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.db import create_session_factory, transaction
from registry.members.models import ApprovalOutcome, Membership
from registry.members.registration import MemberInput, create_member
from registry.settings import Settings
from registry.usage.adoptions import AdoptionInput, adopt
from registry.usage.models import Metric
from registry.usage.records import UsageInput, record_usage

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 4
"""Calls of 5,000 records each, five applications per call (each its own 250 months)."""
PER_CALL = 5000
APPS_PER_CALL = 5
START = date(1990, 1, 1)
ACTOR = system_actor("benchmark")
BULK = """mutation($records: [UsageInput!]!) { usageRecordBulk(member: "bench", records: $records)
  { created replaced errors { field code } } }"""
scratch = Table(
    "bench_usage",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer),
    Column("application_id", Integer),
    Column("period", Date),
    Column("metric", String(40)),
    Column("quantity", String(40)),
    Column("recorded_by", String(200)),
)


async def _setup(engine: AsyncEngine) -> str:
    factory = create_session_factory(engine)
    async with transaction(factory) as session:
        member = await create_member(session, ACTOR, MemberInput("bench", "Bench", "gemeente"))
        session.add(
            Membership(
                member_id=member.id,
                applied_on=START,
                approval_outcome=ApprovalOutcome.APPROVED,
                start_date=START,
                agreement_reference="bench",
            )
        )
        for slug in (f"app-{n}" for n in range(2 * CALLS * APPS_PER_CALL)):
            await create_application(
                session, ACTOR, slug, ApplicationInput(name=slug), ApplicationStatus.PRODUCTION
            )
            await adopt(session, ACTOR, AdoptionInput("bench", slug, START), date.today())
        _, secret = await create_token(
            session, ACTOR, TokenInput("bench", "meter", ["usage:write"])
        )
    return secret


def _batch(call: int) -> list[dict[str, Any]]:
    metrics = list(Metric)
    records = []
    months = PER_CALL // len(metrics) // APPS_PER_CALL
    for i in range(PER_CALL):
        application, month = divmod(i // len(metrics), months)
        records.append(
            {
                "application": f"app-{call * APPS_PER_CALL + application}",
                "period": f"{START.year + month // 12}-{month % 12 + 1:02d}",
                "metric": metrics[i % len(metrics)].value,
                "quantity": str(i % 977),
            }
        )
    return records


async def _through_api(url: str, secret: str) -> float:
    app = create_app(Settings(database_url=url, session_secret=secrets.token_urlsafe(48)))
    elapsed = 0.0
    async with AsyncTestClient(app=app, base_url="https://bench.local") as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        for call in range(CALLS):
            body = {"query": BULK, "variables": {"records": _batch(call)}}
            began = time.perf_counter()
            response = await client.post("/graphql", json=body)
            elapsed += time.perf_counter() - began
            result = response.json()["data"]["usageRecordBulk"]
            assert result["created"] == PER_CALL, result["errors"][:3]
    return elapsed


async def _service(engine: AsyncEngine) -> float:
    """The same records straight into the service (its own applications): GraphQL's share."""
    factory = create_session_factory(engine)
    elapsed = 0.0
    for call in range(CALLS, 2 * CALLS):
        items = [
            UsageInput("bench", r["application"], r["period"], r["metric"], r["quantity"])
            for r in _batch(call)
        ]
        began = time.perf_counter()
        async with transaction(factory) as session:
            result = await record_usage(session, ACTOR, items)
        elapsed += time.perf_counter() - began
        assert result.created == PER_CALL
    return elapsed


async def _plain(engine: AsyncEngine) -> float:
    async with engine.begin() as connection:
        await connection.run_sync(scratch.metadata.create_all)
    elapsed = 0.0
    for call in range(CALLS):
        rows = [
            {
                "member_id": 1,
                "application_id": 1,
                "period": date(int(r["period"][:4]), int(r["period"][5:]), 1),
                "metric": r["metric"],
                "quantity": r["quantity"],
                "recorded_by": "benchmark",
            }
            for r in _batch(call)
        ]
        began = time.perf_counter()
        async with engine.begin() as connection:
            await connection.execute(insert(scratch), rows)
        elapsed += time.perf_counter() - began
    return elapsed


async def main() -> None:
    total = CALLS * PER_CALL
    print(
        "backend     records  bulk mutation s  records/s  service s  records/s"
        "  plain insert s  records/s  ratio"
    )
    with backends() as urls:
        for backend, template in urls.items():
            async with fresh_database(template) as engine:
                secret = await _setup(engine)
                api = await _through_api(str(engine.url.render_as_string(False)), secret)
                service = await _service(engine)
                plain = await _plain(engine)
            print(
                f"{backend:<11} {total:>7}  {api:>15.2f}  {total / api:>9.0f}  {service:>9.2f}"
                f"  {total / service:>9.0f}  {plain:>14.2f}  {total / plain:>9.0f}"
                f"  {api / plain:>5.1f}",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
