"""The GraphQL catalogue page against plain Litestar JSON endpoints returning the same data.

500 applications and 100 members (each standing for one or two municipalities with three
population figures each); every application has a lead member, three releases, five
adopters in production and a community. The page: 50 applications with their lead member,
releases, adopters and the inhabitants they serve. It is served by the real app
(`/graphql`, anonymous) and, for comparison and only here, by two plain endpoints on the same
database: one with raw SQL, one with the ORM. Requests/s are medians of repeated rounds;
the ratios are what counts (the machine is shared). Also prints the SQL statements of the
GraphQL page at first=10/50/100, which must not grow with the page.

Run with `make bench`, or `python -m benchmarks.catalogue_api [--profile] [sqlite|postgresql]`;
figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import logging
import pstats
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from benchmarks.harness import backends, fresh_database
from registry.app import create_app
from registry.catalogue.models import Application, ApplicationStatus, CommunityMember, JoinStage
from registry.catalogue.models import Release as ReleaseModel
from registry.db import create_engine, create_session_factory, transaction
from registry.members.models import (
    FigureStatus,
    Member,
    MemberType,
    Municipality,
    PopulationFigure,
    member_municipality,
)
from registry.settings import Settings
from registry.usage.models import Adoption, AdoptionStage

APPLICATIONS = 500
MEMBERS = 100
ADOPTERS = 5
PAGE = 50
ROUNDS = 7
REQUESTS = 10

QUERY = """
query Page($first: Int!) {
  applications(first: $first) {
    totalCount
    edges {
      node {
        slug
        name
        status
        licence
        leadMember { code name }
        releases { version releasedOn }
        users { memberCodes memberNames inhabitants referenceDate }
      }
    }
  }
}
"""

IN_USE = (AdoptionStage.IN_PRODUCTION, AdoptionStage.PHASING_OUT)


async def _populate(engine: AsyncEngine) -> None:
    factory = create_session_factory(engine)
    async with transaction(factory) as session:
        towns = [
            Municipality(cbs_code=f"GM{9000 + i:04d}", name=f"Gemeente {i:03d}") for i in range(150)
        ]
        session.add_all(towns)
        people = [
            Member(code=f"lid-{i:03d}", name=f"Lid {i:03d}", type=MemberType.GEMEENTE)
            for i in range(MEMBERS)
        ]
        session.add_all(people)
        await session.flush()
        session.add_all(
            PopulationFigure(
                municipality_id=town.id,
                reference_date=date(year, 1, 1),
                count=10_000 + 97 * i + year,
                source="CBS",
                status=FigureStatus.FINAL,
            )
            for i, town in enumerate(towns)
            for year in (2018, 2019, 2020)
        )
        links = [{"member_id": m.id, "municipality_id": towns[i].id} for i, m in enumerate(people)]
        links += [
            {"member_id": m.id, "municipality_id": towns[100 + i // 2].id}
            for i, m in enumerate(people)
            if i % 2 == 0
        ]
        await session.execute(member_municipality.insert(), links)
        apps = [
            Application(
                slug=f"app-{i:03d}",
                name=f"Applicatie {i:03d}",
                description_nl="Een applicatie",
                lead_member_id=people[i % MEMBERS].id,
                status=ApplicationStatus.PRODUCTION,
                licence="EUPL-1.2",
            )
            for i in range(APPLICATIONS)
        ]
        session.add_all(apps)
        await session.flush()
        for i, app in enumerate(apps):
            session.add_all(
                ReleaseModel(
                    application_id=app.id, version=f"1.{n}.0", released_on=date(2024, 1 + n, 1)
                )
                for n in range(3)
            )
            for k in range(ADOPTERS + 1):
                member = people[(i * 7 + k * 13) % MEMBERS]
                session.add(
                    Adoption(
                        member_id=member.id,
                        application_id=app.id,
                        stage=AdoptionStage.IN_PRODUCTION
                        if k < ADOPTERS
                        else AdoptionStage.PLANNED,
                        acquisition_on=date(2023, 1, 1),
                    )
                )
            session.add_all(
                CommunityMember(
                    application_id=app.id,
                    member_id=people[(i + k) % MEMBERS].id,
                    stage=JoinStage.IDEA,
                    joined_on=date(2022, 1, 1),
                )
                for k in range(3)
            )


# ---- the plain endpoints: benchmarks only, never in the product ----------------------------


def _users(
    adopters: list[int],
    member: dict[int, tuple[str, str]],
    towns: dict[int, list[int]],
    latest: dict[int, tuple[date, int]],
) -> dict[str, Any]:
    ids = sorted(set(adopters), key=lambda i: member[i][1])
    distinct = {t for i in ids for t in towns.get(i, [])}
    figures = [latest[t] for t in distinct if t in latest]
    return {
        "memberCodes": [member[i][0] for i in ids],
        "memberNames": [member[i][1] for i in ids],
        "inhabitants": sum(count for _, count in figures),
        "referenceDate": max((on for on, _ in figures), default=None),
    }


def _page(
    total: int,
    apps: list[tuple[int, str, str, str, str, int | None]],
    member: dict[int, tuple[str, str]],
    releases: dict[int, list[dict[str, Any]]],
    adopters: dict[int, list[int]],
    towns: dict[int, list[int]],
    latest: dict[int, tuple[date, int]],
) -> dict[str, Any]:
    edges = []
    for app_id, slug, name, status, licence, lead in apps:
        edges.append(
            {
                "node": {
                    "slug": slug,
                    "name": name,
                    "status": status.upper(),
                    "licence": licence,
                    "leadMember": {"code": member[lead][0], "name": member[lead][1]}
                    if lead is not None
                    else None,
                    "releases": releases.get(app_id, []),
                    "users": _users(adopters.get(app_id, []), member, towns, latest),
                }
            }
        )
    return {"data": {"applications": {"totalCount": total, "edges": edges}}}


def _in(values: list[int]) -> str:
    return ",".join(str(int(v)) for v in values) or "NULL"


def plain_app(url: str) -> Litestar:
    """Its own engine, made on startup: the test client serves it on its own event loop."""
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]

    async def start() -> None:
        nonlocal engine, factory
        engine = create_engine(url)
        factory = async_sessionmaker(engine, expire_on_commit=False)

    async def stop() -> None:
        await engine.dispose()

    stages = ",".join(f"'{s.value}'" for s in IN_USE)

    @get("/raw")
    async def raw(first: int = PAGE) -> dict[str, Any]:
        async with engine.connect() as db:
            total = (
                await db.execute(text("SELECT count(*) FROM application WHERE published"))
            ).scalar_one()
            apps = [
                tuple(r)
                for r in await db.execute(
                    text(
                        "SELECT id, slug, name, status, licence, lead_member_id FROM application"
                        " WHERE published ORDER BY name, slug LIMIT :n"
                    ),
                    {"n": first},
                )
            ]
            ids = [a[0] for a in apps]
            releases: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for app_id, version, on in await db.execute(
                text(
                    "SELECT application_id, version, released_on FROM release"
                    f" WHERE application_id IN ({_in(ids)})"
                    " ORDER BY released_on DESC, version DESC"
                )
            ):
                releases[app_id].append({"version": version, "releasedOn": str(on)})
            adopters: dict[int, list[int]] = defaultdict(list)
            for app_id, member_id in await db.execute(
                text(
                    "SELECT DISTINCT application_id, member_id FROM adoption"
                    f" WHERE application_id IN ({_in(ids)}) AND stage IN ({stages})"
                )
            ):
                adopters[app_id].append(member_id)
            member_ids = sorted({m for ms in adopters.values() for m in ms} | {a[5] for a in apps})
            member = {
                i: (code, name)
                for i, code, name in await db.execute(
                    text(f"SELECT id, code, name FROM member WHERE id IN ({_in(member_ids)})")
                )
            }
            towns: dict[int, list[int]] = defaultdict(list)
            for member_id, town in await db.execute(
                text(
                    "SELECT member_id, municipality_id FROM member_municipality"
                    f" WHERE member_id IN ({_in(member_ids)})"
                )
            ):
                towns[member_id].append(town)
            town_ids = sorted({t for ts in towns.values() for t in ts})
            latest: dict[int, tuple[date, int]] = {}
            for town, on, count in await db.execute(
                text(
                    "SELECT municipality_id, reference_date, count FROM population_figure"
                    f" WHERE municipality_id IN ({_in(town_ids)}) ORDER BY reference_date"
                )
            ):
                latest[town] = (on if isinstance(on, date) else date.fromisoformat(on), count)
        return _page(total, apps, member, releases, adopters, towns, latest)

    @get("/orm")
    async def orm(first: int = PAGE) -> dict[str, Any]:
        session: AsyncSession
        async with factory() as session:
            published = Application.published.is_(True)
            total = await session.scalar(
                select(func.count()).select_from(Application).where(published)
            )
            rows = list(
                await session.scalars(
                    select(Application)
                    .where(published)
                    .order_by(Application.name, Application.slug)
                    .limit(first)
                )
            )
            ids = [a.id for a in rows]
            releases: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for r in await session.scalars(
                select(ReleaseModel)
                .where(ReleaseModel.application_id.in_(ids))
                .order_by(ReleaseModel.released_on.desc(), ReleaseModel.version.desc())
            ):
                releases[r.application_id].append(
                    {"version": r.version, "releasedOn": r.released_on.isoformat()}
                )
            adopters: dict[int, list[int]] = defaultdict(list)
            for a in await session.scalars(
                select(Adoption).where(Adoption.application_id.in_(ids), Adoption.stage.in_(IN_USE))
            ):
                if a.member_id not in adopters[a.application_id]:
                    adopters[a.application_id].append(a.member_id)
            member_ids = {m for ms in adopters.values() for m in ms}
            member_ids |= {a.lead_member_id for a in rows if a.lead_member_id is not None}
            member = {
                m.id: (m.code, m.name)
                for m in await session.scalars(select(Member).where(Member.id.in_(member_ids)))
            }
            towns: dict[int, list[int]] = defaultdict(list)
            for member_id, town in await session.execute(
                select(member_municipality.c.member_id, Municipality)
                .join(Municipality, Municipality.id == member_municipality.c.municipality_id)
                .where(member_municipality.c.member_id.in_(member_ids))
            ):
                towns[member_id].append(town.id)
            town_ids = {t for ts in towns.values() for t in ts}
            latest: dict[int, tuple[date, int]] = {}
            for f in await session.scalars(
                select(PopulationFigure)
                .where(PopulationFigure.municipality_id.in_(town_ids))
                .order_by(PopulationFigure.reference_date)
            ):
                latest[f.municipality_id] = (f.reference_date, f.count)
            apps = [
                (a.id, a.slug, a.name, a.status.value, a.licence, a.lead_member_id) for a in rows
            ]
        return _page(total or 0, apps, member, releases, adopters, towns, latest)

    return Litestar([raw, orm], on_startup=[start], on_shutdown=[stop])


# ---- measuring ----------------------------------------------------------------------------


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _graphql(client: httpx.AsyncClient, first: int = PAGE) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": QUERY, "variables": {"first": first}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _plain(client: AsyncTestClient[Litestar], path: str, first: int = PAGE) -> dict[str, Any]:
    response = await client.get(path, params={"first": first})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _rate(call: Any) -> float:
    """Requests per second: the median of ROUNDS rounds of REQUESTS sequential requests."""
    await call()
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REQUESTS):
            await call()
        rates.append(REQUESTS / (time.perf_counter() - start))
    return statistics.median(rates)


async def _run(backend: str, template: str, profile: bool) -> None:
    async with fresh_database(template) as engine:
        await _populate(engine)
        url = engine.url.render_as_string(hide_password=False)
        app = create_app(Settings(database_url=url, dev_mode=True))
        async with (
            AsyncTestClient(app=app) as api,
            AsyncTestClient(app=plain_app(url)) as plain,
        ):
            expected = await _graphql(api)
            assert len(expected["data"]["applications"]["edges"]) == PAGE
            assert await _plain(plain, "/raw") == expected, "raw SQL endpoint differs"
            assert await _plain(plain, "/orm") == expected, "ORM endpoint differs"
            counts = []
            for first in (10, 50, 100):
                with counting(app.state.engine) as seen:
                    await _graphql(api, first)
                counts.append(len(seen))
            graphql = await _rate(lambda: _graphql(api))
            raw = await _rate(lambda: _plain(plain, "/raw"))
            orm = await _rate(lambda: _plain(plain, "/orm"))
    if profile:
        await _profile(url)
    print(
        f"| {backend} | {APPLICATIONS} | {MEMBERS} | {PAGE} | {graphql:.1f} | {raw:.1f} | "
        f"{orm:.1f} | {graphql / raw:.2f} | {graphql / orm:.2f} | "
        f"{' / '.join(str(c) for c in counts)} |",
        flush=True,
    )


async def _profile(url: str) -> None:
    """cProfile of the GraphQL page, the app served on this thread (the test client serves
    it on a thread of its own, which cProfile does not see)."""
    app = create_app(Settings(database_url=url, dev_mode=True))
    transport = httpx.ASGITransport(app=app)
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://b") as c:
        await _graphql(c)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(REQUESTS):
            await _graphql(c)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
    print(out.getvalue())


async def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    profile = "--profile" in sys.argv
    print(
        "| backend | applications | members | page | GraphQL req/s | raw SQL req/s | ORM req/s"
        " | GraphQL/raw | GraphQL/ORM | statements at 10 / 50 / 100 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with backends() as urls:
        for backend, template in reversed(urls.items()):
            if backend in sys.argv or not {"sqlite", "postgresql"} & set(sys.argv):
                await _run(backend, template, profile)


if __name__ == "__main__":
    asyncio.run(main())
