"""Backups of the whole database and their restore into an empty one.

A backup is one file plus a manifest (JSON, same name with `.json`). Both names carry the audit
chain head the backup holds (`registry-20261207T081500Z-audit1234-3fa9c2d1e0b4.dump`), and the
manifest repeats it in full with the file's SHA-256 and the schema revision, so an operator can
tell which backup holds which state of the audit log without opening it, and a restore can
prove it restored exactly that state.

- PostgreSQL: `pg_dump --format=custom` inside a snapshot the registry exported, so the audit
  head it reads is the head of exactly the data that is dumped, however busy the service is.
- SQLite: the sqlite3 online backup API copies the live database page by page into a new file
  (never a file copy of a live database, which can catch it half-written); the head is read
  from the copy.

A restore goes only into an empty database (no tables at all): restoring over a registry in
use would mix two histories. Afterwards the restored head must equal the manifest's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from registry.db import create_engine
from registry.kit.errors import Conflict, DomainError, NotFound, Refusal, Text


class BackupRefusal(Refusal):
    NOT_EMPTY = Text(
        "backup_target_not_empty",
        "De database waarin u terugzet is niet leeg ({tables} tabellen); zet alleen terug in "
        "een lege database.",
        "the database to restore into is not empty ({tables} tables); restore only into an "
        "empty database",
    )
    NO_BACKUP = Text(
        "backup_not_found",
        "Er is geen back-up '{path}'.",
        "there is no backup '{path}'",
    )
    NO_MANIFEST = Text(
        "backup_no_manifest",
        "Naast de back-up staat geen leesbaar manifest '{path}'.",
        "there is no readable manifest '{path}' next to the backup",
    )
    CHECKSUM = Text(
        "backup_checksum",
        "De back-up is niet meer wat er gemaakt is: de SHA-256 verschilt van het manifest.",
        "the backup is not what was made: its SHA-256 differs from the manifest",
    )
    WRONG_KIND = Text(
        "backup_wrong_kind",
        "Een back-up van {made} kan niet worden teruggezet in {target}.",
        "a backup of {made} cannot be restored into {target}",
    )
    UNSUPPORTED = Text(
        "backup_unsupported_database",
        "Het register maakt back-ups van SQLite en PostgreSQL, niet van {backend}.",
        "the registry backs up SQLite and PostgreSQL, not {backend}",
    )
    TOOL_MISSING = Text(
        "backup_tool_missing",
        "{tool} is niet gevonden; installeer de PostgreSQL-clientprogramma's (postgresql-client).",
        "{tool} was not found; install the PostgreSQL client programs (postgresql-client)",
    )
    TOOL_FAILED = Text(
        "backup_tool_failed",
        "{tool} is mislukt: {detail}",
        "{tool} failed: {detail}",
    )
    HEAD_DIFFERS = Text(
        "backup_head_differs",
        "Na het terugzetten staat de audit-keten op {restored}, niet op {expected} zoals het "
        "manifest zegt.",
        "after the restore the audit chain is at {restored}, not at {expected} as the manifest "
        "says",
    )


class BackupFailed(DomainError):
    """A backup or restore that could not be done; nothing was changed in the source."""


@dataclass(frozen=True, slots=True)
class Manifest:
    file: str
    format: str
    """`pg_dump-custom` or `sqlite`."""
    created_at: str
    audit_head_seq: int
    audit_head_hash: str
    schema_revision: str
    sha256: str


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _name(created: datetime, seq: int, head_hash: str, suffix: str) -> str:
    return f"registry-{created:%Y%m%dT%H%M%SZ}-audit{seq}-{head_hash[:12]}{suffix}"


def manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def _write_manifest(backup: Path, manifest: Manifest) -> Path:
    path = manifest_path(backup)
    path.write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    return path


def read_manifest(backup: Path) -> Manifest:
    path = manifest_path(backup)
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:
        raise NotFound(BackupRefusal.NO_MANIFEST, path=str(path)) from error


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupFailed(BackupRefusal.UNSUPPORTED, backend="SQLite in memory")
    return Path(database)


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_head(connection: sqlite3.Connection) -> tuple[int, str, str]:
    seq, head_hash = connection.execute(
        "SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1"
    ).fetchone()
    (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return int(seq), str(head_hash), str(revision)


def _sqlite_backup(source: Path, folder: Path, created: datetime) -> tuple[Path, Manifest]:
    if not source.exists():
        raise NotFound(BackupRefusal.NO_BACKUP, path=str(source))
    partial = folder / f".registry-{created:%Y%m%dT%H%M%SZ}-{os.getpid()}.partial"
    with _sqlite(source) as live, _sqlite(partial) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        seq, head_hash, revision = _sqlite_head(copy)
    backup = folder / _name(created, seq, head_hash, ".sqlite3")
    partial.rename(backup)
    return backup, Manifest(
        file=backup.name,
        format="sqlite",
        created_at=created.isoformat(),
        audit_head_seq=seq,
        audit_head_hash=head_hash,
        schema_revision=revision,
        sha256=_sha256(backup),
    )


def _sqlite_tables(path: Path) -> int:
    if not path.exists():
        return 0
    with _sqlite(path) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    return int(count)


def _sqlite_restore(backup: Path, target: Path) -> tuple[int, str]:
    tables = _sqlite_tables(target)
    if tables:
        raise Conflict(BackupRefusal.NOT_EMPTY, tables=tables)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite(backup) as source, _sqlite(target) as restored:
        source.backup(restored)
        seq, head_hash, _ = _sqlite_head(restored)
    return seq, head_hash


# PostgreSQL -----------------------------------------------------------------------------------


def _tool(name: str, bindir: Path | None) -> str:
    found = str(bindir / name) if bindir is not None else shutil.which(name)
    if found is None or not Path(found).exists():
        raise BackupFailed(BackupRefusal.TOOL_MISSING, tool=name)
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore without its password, which goes in PGPASSWORD: a
    password on a command line is visible to every user of the machine."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


async def _run(tool: str, *args: str, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        tool,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        detail = stderr.decode(errors="replace").strip().splitlines()
        raise BackupFailed(
            BackupRefusal.TOOL_FAILED,
            tool=Path(tool).name,
            detail=detail[-1] if detail else f"exit code {process.returncode}",
        )


async def _postgres_backup(
    url: str, folder: Path, created: datetime, bindir: Path | None
) -> tuple[Path, Manifest]:
    pg_dump = _tool("pg_dump", bindir)
    target, env = _libpq(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                snapshot = await connection.scalar(text("SELECT pg_export_snapshot()"))
                head = (
                    await connection.execute(
                        text("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1")
                    )
                ).one()
                revision = await connection.scalar(text("SELECT version_num FROM alembic_version"))
                backup = folder / _name(created, head.last_seq, head.last_hash, ".dump")
                partial = backup.with_suffix(".partial")
                # The snapshot lives as long as this transaction: pg_dump sees exactly its data.
                await _run(
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={partial}",
                    f"--dbname={target}",
                    env=env,
                )
    finally:
        await engine.dispose()
    await asyncio.to_thread(partial.rename, backup)
    return backup, Manifest(
        file=backup.name,
        format="pg_dump-custom",
        created_at=created.isoformat(),
        audit_head_seq=int(head.last_seq),
        audit_head_hash=str(head.last_hash),
        schema_revision=str(revision),
        sha256=await asyncio.to_thread(_sha256, backup),
    )


async def _postgres_tables(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            count = await connection.scalar(
                text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            )
    finally:
        await engine.dispose()
    return int(count or 0)


async def _postgres_head(url: str) -> tuple[int, str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1")
                )
            ).one()
    finally:
        await engine.dispose()
    return int(row.last_seq), str(row.last_hash)


async def _postgres_restore(backup: Path, url: str, bindir: Path | None) -> tuple[int, str]:
    pg_restore = _tool("pg_restore", bindir)
    tables = await _postgres_tables(url)
    if tables:
        raise Conflict(BackupRefusal.NOT_EMPTY, tables=tables)
    target, env = _libpq(url)
    await _run(
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={target}",
        str(backup),
        env=env,
    )
    return await _postgres_head(url)


# What the command line calls ------------------------------------------------------------------

_KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


async def create_backup(
    url: str, folder: Path, *, pg_bindir: Path | None = None, now: datetime | None = None
) -> tuple[Path, Manifest]:
    """Back up the database at `url` into `folder`; returns the file and its manifest."""
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    backend = _backend(url)
    if backend == "sqlite":
        backup, manifest = await asyncio.to_thread(
            _sqlite_backup, _sqlite_path(url), folder, created
        )
    elif backend == "postgresql":
        backup, manifest = await _postgres_backup(url, folder, created, pg_bindir)
    else:
        raise BackupFailed(BackupRefusal.UNSUPPORTED, backend=backend)
    await asyncio.to_thread(_write_manifest, backup, manifest)
    return backup, manifest


async def restore_backup(backup: Path, url: str, *, pg_bindir: Path | None = None) -> Manifest:
    """Restore `backup` into the empty database at `url` after checking it against its
    manifest; returns the manifest, whose audit head the restored database now has."""
    if not await asyncio.to_thread(backup.is_file):
        raise NotFound(BackupRefusal.NO_BACKUP, path=str(backup))
    manifest = await asyncio.to_thread(read_manifest, backup)
    if await asyncio.to_thread(_sha256, backup) != manifest.sha256:
        raise BackupFailed(BackupRefusal.CHECKSUM)
    backend = _backend(url)
    made = "sqlite" if manifest.format == "sqlite" else "postgresql"
    if backend != made:
        raise BackupFailed(
            BackupRefusal.WRONG_KIND,
            made=_KINDS[made],
            target=_KINDS.get(backend, backend),
        )
    if backend == "sqlite":
        seq, head_hash = await asyncio.to_thread(_sqlite_restore, backup, _sqlite_path(url))
    else:
        seq, head_hash = await _postgres_restore(backup, url, pg_bindir)
    if (seq, head_hash) != (manifest.audit_head_seq, manifest.audit_head_hash):
        raise BackupFailed(
            BackupRefusal.HEAD_DIFFERS,
            restored=f"{seq} ({head_hash[:12]})",
            expected=f"{manifest.audit_head_seq} ({manifest.audit_head_hash[:12]})",
        )
    return manifest
