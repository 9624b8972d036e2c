"""Declarative base, engine and session factories."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, MetaData, Table, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


WRITER = "registry_writer"
"""Execution option of a connection whose transaction will write (see `begin_writing`)."""

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another one to commit before it gives up."""


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # SQLite leaves foreign keys off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """A writer begins IMMEDIATE: it takes SQLite's one write lock before it reads anything.

    Left to the driver, a transaction begins at its first write, after the reads it is based
    on; a second writer would then store what it read before the first one committed.
    IMMEDIATE makes writers wait for each other, so what one reads is still true when it
    writes. Readers keep the driver's behaviour (each read sees the latest commit).
    """
    if connection.get_execution_options().get(WRITER, False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"echo": echo}
    if not url.startswith("sqlite"):
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def begin_writing(session: AsyncSession) -> None:
    """Begin the session's transaction as a writer; call before its first statement.

    On SQLite the transaction then holds the database's write lock from its start; on
    PostgreSQL nothing changes (writers serialise on the rows and resources they lock).
    """
    connection = (await session.connection(execution_options={WRITER: True})).sync_connection
    if connection is None or not connection.get_execution_options().get(WRITER):
        raise RuntimeError("begin_writing must come before the session's first statement")


def _lock_id(resource: str) -> int:
    return int.from_bytes(hashlib.sha256(resource.encode()).digest()[:8], "big", signed=True)


async def serialise(session: AsyncSession, *resources: str) -> None:
    """Hold each named resource (e.g. `member:12`) exclusively until the transaction ends.

    Every operation that reads what is not written yet and then writes it (bill what is not
    billed, number what is not numbered) takes its resources first, so a second request
    waits for the first one's commit and then reads what it wrote. PostgreSQL: advisory
    transaction locks, taken in one order so two operations never deadlock. SQLite: a writer
    holds the database's one write lock already (`begin_writing`).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for lock in sorted({_lock_id(r) for r in resources}):
        await session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


async def upsert(
    session: AsyncSession,
    model: type[Base],
    key: list[str],
    replace: list[str],
    rows: list[dict[str, Any]],
) -> None:
    """Insert `rows`, or replace the `replace` columns of the row with the same `key`, at once.

    Both databases spell it `INSERT … ON CONFLICT (key) DO UPDATE`; only the import differs.
    """
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # The table, not the mapped class: a Core statement skips the ORM's per-row bookkeeping.
    statement = dialect.insert(cast("Table", model.__table__))
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={c: statement.excluded[c] for c in replace}
    )
    await session.execute(statement, rows)


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A unit of work for CLI commands and jobs: commit on success, roll back on any error."""
    async with factory() as session, session.begin():
        await begin_writing(session)
        yield session
