"""Backups and their restore, on SQLite and on PostgreSQL (real pg_dump and pg_restore into a
cluster of its own): the restored registry verifies to the same audit chain head and gives the
same contribution report, byte for byte."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from registry.cli import app
from registry.migrate import upgrade
from registry.settings import get_settings
from tests.conftest import PostgresCluster, _pg_bindir

runner = CliRunner()


async def invoke(database_url: str, *args: str) -> Result:
    """The command against `database_url`, in a thread: it starts its own event loop."""

    def run() -> Result:
        get_settings.cache_clear()
        try:
            return runner.invoke(
                app, list(args), env={"REGISTRY_DATABASE_URL": database_url, "LANG": "en_GB"}
            )
        finally:
            get_settings.cache_clear()

    return await asyncio.to_thread(run)


@pytest.fixture
def pg_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pg_dump and pg_restore of the server version the tests run."""
    bindir = _pg_bindir()
    if bindir is not None:
        monkeypatch.setenv("REGISTRY_PG_BINDIR", str(bindir))


@pytest.fixture
def fresh_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database on a server of its own: nothing of the source is there."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'restored' / 'registry.sqlite3'}"
        return
    suite: PostgresCluster = request.getfixturevalue("postgres")  # skips without PostgreSQL
    cluster = PostgresCluster(suite.bindir)
    cluster.start()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.stop()


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.usefixtures("pg_tools")
async def test_a_restored_backup_verifies_and_reports_the_same(
    backend: str,
    new_database: Callable[[str], str],
    fresh_target: str,
    tmp_path: Path,
) -> None:
    source = new_database(backend)
    await upgrade(source)
    assert (await invoke(source, "demo", "load")).exit_code == 0
    report = await invoke(
        source, "report", "contributions", "--year", "2025", "--output", str(tmp_path / "before")
    )
    assert report.exit_code == 0, report.output
    verified = await invoke(source, "audit", "verify")
    assert verified.exit_code == 0
    assert verified.output.startswith("audit log intact: ")

    made = await invoke(source, "backup", "create", "--to", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    [manifest_file] = (tmp_path / "backups").glob("*.json")
    manifest = json.loads(manifest_file.read_text())
    backup = tmp_path / "backups" / manifest["file"]
    assert backup.suffix == (".sqlite3" if backend == "sqlite" else ".dump")
    if backend == "postgresql":
        assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    # The head is in the file name and, in full, in the manifest.
    assert f"-audit{manifest['audit_head_seq']}-{manifest['audit_head_hash'][:12]}" in backup.name
    assert verified.output.strip().endswith(manifest["audit_head_hash"])
    assert f"intact: {manifest['audit_head_seq']} events" in verified.output

    restored = await invoke(source, "backup", "restore", str(backup), "--database", fresh_target)
    assert restored.exit_code == 0, restored.output

    again = await invoke(fresh_target, "audit", "verify")
    assert again.exit_code == 0
    assert again.output == verified.output
    report_again = await invoke(
        fresh_target,
        "report",
        "contributions",
        "--year",
        "2025",
        "--output",
        str(tmp_path / "after"),
    )
    assert report_again.exit_code == 0, report_again.output
    assert contents(tmp_path / "after") == contents(tmp_path / "before")
    assert len(contents(tmp_path / "before")) > 3

    # A second restore into the same, now filled, database is refused and changes nothing.
    refused = await invoke(source, "backup", "restore", str(backup), "--database", fresh_target)
    assert refused.exit_code == 1
    assert "restore only into an empty database" in refused.output
    assert (await invoke(fresh_target, "audit", "verify")).output == verified.output


def changed_backup(folder: Path) -> Path:
    """The one backup in `folder`, with a byte added after it was made."""
    [backup] = folder.glob("*.sqlite3")
    with backup.open("ab") as stream:
        stream.write(b"\0")
    return backup


async def test_a_changed_backup_is_not_restored(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    source = new_database("sqlite")
    await upgrade(source)
    assert (await invoke(source, "backup", "create", "--to", str(tmp_path))).exit_code == 0
    backup = changed_backup(tmp_path)
    target = tmp_path / "target.sqlite3"
    refused = await invoke(
        source, "backup", "restore", str(backup), "--database", f"sqlite+aiosqlite:///{target}"
    )
    assert refused.exit_code == 1
    assert "its SHA-256 differs from the manifest" in refused.output
    assert not target.exists() or target.stat().st_size == 0
    os.remove(backup.with_suffix(".json"))
    missing = await invoke(
        source, "backup", "restore", str(backup), "--database", f"sqlite+aiosqlite:///{target}"
    )
    assert missing.exit_code == 1
    assert "no readable manifest" in missing.output
