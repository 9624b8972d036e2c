"""Databases for the suite: SQLite always, PostgreSQL whenever its server binaries are here.

PostgreSQL runs as a throwaway cluster on loopback, started here and removed afterwards.
In CI (CI=true) or with REGISTRY_REQUIRE_POSTGRES=1 a missing PostgreSQL fails the run
instead of being skipped, so CI always tests both databases.

`make pytest` runs the suite in parallel processes (pytest-xdist). Every worker has its own
cluster, databases, temporary folder and servers on ports of its own; what only needs to be
built once per run (the demo template's rows, the page tests' database files) is built by the
first worker that needs it, under a lock in the run's shared folder, and read by the others.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pickle
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from registry.audit.chain import GENESIS_HASH
from registry.audit.models import AuditChainHead
from registry.cli.common import out
from registry.db import create_engine, create_session_factory
from registry.demo import load_demo
from registry.migrate import upgrade
from registry.models import metadata
from registry.settings import get_settings
from tests.helpers.ports import free_port

# The suite runs on two workers next to the databases and browsers it starts: an example may
# take longer to generate or run than Hypothesis expects on a busy machine, which says nothing
# about the code under test. Speed is measured in `make bench`, not asserted by a deadline.
settings.register_profile("suite", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("suite")

# Four-eyes approval is on by default (two directors); the shared fixtures issue invoices
# with one actor, so the suite runs with it off unless a test turns it on
# (tests/approvals/ does, with `Settings(four_eyes=True)`).
os.environ.setdefault("REGISTRY_FOUR_EYES", "false")

pytest_plugins = ["tests.localstripe"]
"""localstripe on loopback, for the payment tests of billing, the API and the pages."""

BACKENDS = ("sqlite", "postgresql")


def _require_postgres() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("REGISTRY_REQUIRE_POSTGRES") == "1"


def _pg_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresCluster:
    """A PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="registry-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        for attempt in range(3):  # another process may take the free port before the server
            try:
                self._start_server()
                return
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise
                self.port = free_port()

    def _start_server(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off",
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder all workers of this run share (the worker's own base folder when serial)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """Holds the run-wide lock `name`: one worker at a time builds what the others reuse."""
    folder = run_folder(tmp_path_factory) / "shared"
    folder.mkdir(exist_ok=True)
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    bindir = _pg_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if _require_postgres():
            pytest.fail(f"{message}; CI must test PostgreSQL (apt-get install postgresql)")
        pytest.skip(message)
    cluster = PostgresCluster(bindir)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Make an empty database on the given backend and return its URL."""

    def make(backend: str) -> str:
        name = f"registry_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / name}.sqlite3"
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        admin = cluster.url("postgres").replace("+asyncpg", "")
        subprocess.run(
            [str(cluster.bindir / "psql"), admin, "-qc", f'CREATE DATABASE "{name}"'],
            check=True,
            capture_output=True,
        )
        return cluster.url(name)

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def db_url(backend: str, new_database: Callable[[str], str]) -> str:
    """A database of the current backend, built by the migrations (the only way to build it)."""
    url = new_database(backend)
    await upgrade(url)
    return url


@pytest.fixture(scope="session")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session_factory(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the test database; every table is emptied after the test.

    The audit chain head is reset, not removed (the migrations made it). On PostgreSQL the
    audit log refuses TRUNCATE by trigger; replica mode (superuser only) skips triggers.
    """
    yield create_session_factory(engine)
    tables = [t.name for t in reversed(metadata.sorted_tables) if t.name != "audit_chain_head"]
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
        await connection.execute(update(AuditChainHead).values(last_seq=0, last_hash=GENESIS_HASH))


@pytest.fixture
def cli_db(
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The `registry` command pointed at the test database, printing tables' rows on one line
    whatever the terminal (outside one, a console is 80 characters wide)."""
    monkeypatch.setenv("REGISTRY_DATABASE_URL", db_url)
    monkeypatch.setattr(out, "size", (200, 50))
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session
        await session.rollback()


class DemoTemplate:
    """The demo cooperative, loaded once per backend and test run, copied into each test.

    `load_demo` takes seconds (every change goes through the services and the audit log), so
    it runs once per variant in a database of its own, built by the migrations like the test
    database. Its rows are kept, and `copy_into` inserts them into the test database: the same
    ids, values and audit chain (events and head) as `load_demo` would have left there.
    """

    def __init__(
        self,
        backend: str,
        new_database: Callable[[str], str],
        tmp_path_factory: pytest.TempPathFactory,
    ) -> None:
        self.backend = backend
        self.new_database = new_database
        self.tmp_path_factory = tmp_path_factory
        self.rows: dict[bool, dict[str, list[dict[str, Any]]]] = {}

    async def _load(self, invoices: bool) -> dict[str, list[dict[str, Any]]]:
        """The rows, loaded once per run: the first worker stores them for the others."""
        if invoices not in self.rows:
            name = f"demo-{self.backend}-{'invoices' if invoices else 'plain'}"
            with run_lock(self.tmp_path_factory, name) as folder:
                stored = folder / f"{name}.pickle"
                if not stored.exists():
                    rows = await self._load_demo(invoices)
                    stored.write_bytes(pickle.dumps(rows))
                self.rows[invoices] = pickle.loads(stored.read_bytes())
        return self.rows[invoices]

    async def _load_demo(self, invoices: bool) -> dict[str, list[dict[str, Any]]]:
        """`load_demo` in a database of its own, built by the migrations; its rows by table."""
        url = self.new_database(self.backend)
        await upgrade(url)
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                assert await load_demo(session, invoices=invoices)
                await session.commit()
            async with engine.connect() as connection:
                # In key order, so rows that refer to earlier rows of their table come after.
                return {
                    table.name: [
                        dict(row._mapping)
                        for row in await connection.execute(
                            select(table).order_by(*table.primary_key.columns)
                        )
                    ]
                    for table in metadata.sorted_tables
                }
        finally:
            await engine.dispose()

    async def copy_into(self, session: AsyncSession, *, invoices: bool = True) -> None:
        """Insert the demo into the empty test database, in the session's transaction."""
        rows = await self._load(invoices)
        for table in metadata.sorted_tables:
            if table.name == "audit_chain_head":  # the migrations made its one row
                (head,) = rows[table.name]
                await session.execute(
                    update(table).values(last_seq=head["last_seq"], last_hash=head["last_hash"])
                )
            elif rows[table.name]:
                await session.execute(insert(table), rows[table.name])
        if self.backend == "postgresql":  # explicit ids leave the sequences behind
            for table in metadata.sorted_tables:
                column = table.autoincrement_column
                if column is not None and rows[table.name]:
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{column.name}'), max({column.name})) FROM {table.name}"
                        )
                    )


@pytest.fixture(scope="session")
def demo_template(
    backend: str, new_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> DemoTemplate:
    return DemoTemplate(backend, new_database, tmp_path_factory)
