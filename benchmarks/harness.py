"""What every benchmark needs: a fresh migrated database on SQLite or a throwaway PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from registry import migrate
from registry.db import create_engine
from tests.conftest import PostgresCluster, _pg_bindir


@contextmanager
def backends() -> Iterator[dict[str, str]]:
    """Database URL makers per backend: SQLite always, PostgreSQL when installed."""
    folder = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    bindir = _pg_bindir()
    cluster = PostgresCluster(bindir) if bindir else None
    if cluster:
        cluster.start()
    try:
        urls = {"sqlite": f"sqlite+aiosqlite:///{folder}/{{name}}.sqlite3"}
        if cluster:
            urls["postgresql"] = cluster.url("{name}")
        yield urls
    finally:
        if cluster:
            cluster.stop()


@asynccontextmanager
async def fresh_database(template: str) -> AsyncIterator[AsyncEngine]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    url = template.format(name=name)
    if url.startswith("postgresql"):
        admin = template.format(name="postgres").replace("+asyncpg", "")
        command = ["psql", admin, "-qc", f'CREATE DATABASE "{name}"']
        await asyncio.to_thread(subprocess.run, command, check=True)
    await migrate.upgrade(url)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()
