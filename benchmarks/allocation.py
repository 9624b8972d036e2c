"""Allocation runs for 1,000 pools against a plain bulk insert of the same lines.

Every member takes part in every pool (the worst case: members × pools lines), each pool has
one cost entry and the inhabitants key. For 100 and 400 members on SQLite and PostgreSQL it
measures the allocation runs through the service (state loading, exact sharing, lines, audit
events) and, in the same run, a bulk insert of as many rows into a scratch table.
Run with `make bench`; figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import date, timedelta

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.harness import backends, fresh_database
from registry.auth.roles import system_actor
from registry.catalogue.models import Application, ApplicationStatus
from registry.costs.models import CostCategory, CostEntry, CostPool, PoolKind, PoolParticipant
from registry.costs.runs import run_pools
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.db import create_session_factory, transaction
from registry.members.models import (
    ApprovalOutcome,
    FigureStatus,
    Member,
    Membership,
    MemberType,
    Municipality,
    PopulationFigure,
    member_municipality,
)

POOLS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
START = date(2020, 1, 1)
ACTOR = system_actor("benchmark")
scratch = Table(
    "bench_line",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer),
    Column("entry_id", Integer),
    Column("member_id", Integer),
    Column("member_code", String(40)),
    Column("amount_cents", BigInteger),
    Column("weight", String(40)),
    Column("weight_total", String(40)),
)


async def _populate(engine: AsyncEngine, members: int) -> None:
    factory = create_session_factory(engine)
    async with transaction(factory) as session:
        application = Application(
            slug="bench", name="Bench", status=ApplicationStatus.PRODUCTION, licence="EUPL-1.2"
        )
        session.add(application)
        for i in range(members):
            municipality = Municipality(cbs_code=f"GM{i:04d}", name=f"Gemeente {i}")
            member = Member(code=f"m{i:04d}", name=f"Lid {i}", type=MemberType.GEMEENTE)
            session.add_all([municipality, member])
            await session.flush()
            await session.execute(
                insert(member_municipality).values(
                    member_id=member.id, municipality_id=municipality.id
                )
            )
            session.add_all(
                [
                    PopulationFigure(
                        municipality_id=municipality.id,
                        reference_date=START,
                        count=10_000 + 37 * i,
                        source="benchmark",
                        status=FigureStatus.FINAL,
                    ),
                    Membership(
                        member_id=member.id,
                        applied_on=START - timedelta(days=60),
                        approval_outcome=ApprovalOutcome.APPROVED,
                        start_date=START,
                        agreement_reference="bench",
                    ),
                ]
            )
        await session.flush()
        member_ids = list(await session.scalars(select(Member.id).order_by(Member.id)))
        for p in range(POOLS):
            pool = CostPool(
                code=f"pool-{p:04d}",
                name=f"Pool {p}",
                kind=PoolKind.DEVELOPMENT,
                application_id=application.id,
                key=AllocationKey.INHABITANTS,
                reference_date=START,
                late_joiner_policy=LateJoinerPolicy.FULL_COST,
            )
            session.add(pool)
            await session.flush()
            session.add(
                CostEntry(
                    pool_id=pool.id,
                    amount_cents=1_000_000 + p,
                    entry_date=START + timedelta(days=10),
                    category=CostCategory.DEVELOPMENT,
                    description="build",
                    entered_by="benchmark",
                )
            )
            session.add_all(
                PoolParticipant(pool_id=pool.id, member_id=m, joined_on=START) for m in member_ids
            )
        await session.flush()


async def _allocate(engine: AsyncEngine) -> float:
    factory = create_session_factory(engine)
    began = time.perf_counter()
    async with transaction(factory) as session:
        runs = await run_pools(
            session,
            ACTOR,
            [f"pool-{p:04d}" for p in range(POOLS)],
            START + timedelta(days=365),
            START,
        )
    assert sum(len(r) for r in runs.values()) == POOLS
    return time.perf_counter() - began


async def _bulk_insert(engine: AsyncEngine, rows: int, members: int) -> float:
    async with engine.begin() as connection:
        await connection.run_sync(scratch.metadata.create_all)
    batch = [
        {
            "run_id": i // members,
            "entry_id": i // members,
            "member_id": i % members,
            "member_code": f"m{i % members:04d}",
            "amount_cents": 2500 + i % 7,
            "weight": "10000",
            "weight_total": "4000000",
        }
        for i in range(rows)
    ]
    began = time.perf_counter()
    async with engine.begin() as connection:
        await connection.execute(insert(scratch), batch)
    return time.perf_counter() - began


async def main() -> None:
    print("backend     members  pools  lines    allocation s  lines/s   bulk insert s  ratio")
    with backends() as urls:
        for backend, template in urls.items():
            for members in (100, 400):
                async with fresh_database(template) as engine:
                    await _populate(engine, members)
                    allocation = await _allocate(engine)
                    lines = members * POOLS
                    bulk = await _bulk_insert(engine, lines, members)
                print(
                    f"{backend:<11} {members:>7}  {POOLS:>5}  {lines:>7}  {allocation:>12.1f}"
                    f"  {lines / allocation:>8.0f}  {bulk:>13.1f}  {allocation / bulk:>5.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
