"""`registry audit verify` and `registry audit export`, run as an auditor would."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.chain import GENESIS_HASH, Reason, canonical_json, event_hash
from registry.audit.export import FIELDS
from registry.kit.errors import shown_as
from tests.audit.conftest import seed, tamper
from tests.helpers.cli import invoke

pytestmark = pytest.mark.usefixtures("cli_db")


async def test_verify_an_intact_log() -> None:
    result = await invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"audit log intact: 0 events, last hash {GENESIS_HASH}\n"


async def test_verify_an_intact_log_with_events(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events = await seed(session_factory, 5)
    result = await invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"audit log intact: 5 events, last hash {events[-1].hash}" in result.stdout


@pytest.mark.parametrize(
    "change",
    [
        'UPDATE audit_event SET after = \'{"name":"vervalst"}\' WHERE seq = 3',
        "UPDATE audit_event SET actor_label = 'iemand anders' WHERE seq = 3",
    ],
)
async def test_verify_names_a_changed_event(
    session_factory: async_sessionmaker[AsyncSession], change: str
) -> None:
    events = await seed(session_factory, 5)
    await tamper(session_factory, change)
    result = await invoke("audit", "verify")
    assert result.exit_code == 1
    assert (
        f"audit log BROKEN at seq 3 (event id {events[2].id}, application 2, update): "
        f"{shown_as(Reason.HASH_MISMATCH, 'en')}: " in result.stderr
    )
    assert "2 events before it are intact" in result.stderr


async def test_verify_names_the_event_after_a_removed_one(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    events = await seed(session_factory, 5)
    await tamper(session_factory, "DELETE FROM audit_event WHERE seq = 3")
    result = await invoke("audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN at seq 4 (event id {events[3].id}, member 3, update): " + (
        f"{shown_as(Reason.SEQ_GAP, 'en')}: "
    ) in (result.stderr)


async def test_verify_finds_the_last_event_removed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await seed(session_factory, 3)
    await tamper(session_factory, "DELETE FROM audit_event WHERE seq = 3")
    result = await invoke("audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN at seq 3: {shown_as(Reason.HEAD_MISMATCH, 'en')}: " in result.stderr


async def test_export_json_lines_recomputes_the_chain(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    events = await seed(session_factory, 5)
    target = tmp_path / "audit.jsonl"
    result = await invoke("audit", "export", "--format", "jsonl", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert f"5 events written to {target}" in result.stdout
    lines = target.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [1, 2, 3, 4, 5]
    assert all(list(r) == list(FIELDS) for r in records)
    assert records[0]["before"] is None
    assert records[2]["before"] == {"name": "oud 2"}
    assert records[2]["after"] == {"café": True, "kosten": "12.50", "name": "nieuw 2"}
    assert "café" in lines[0]  # UTF-8, not \u escapes
    # The export alone is enough to check every hash and link.
    prev = GENESIS_HASH
    for r in records:
        event = SimpleNamespace(
            **{
                **r,
                "occurred_at": datetime.fromisoformat(r["occurred_at"]),
                "before": canonical_json(r["before"]),
                "after": canonical_json(r["after"]),
            }
        )
        assert (event.prev_hash, event_hash(event)) == (prev, r["hash"])
        prev = r["hash"]
    assert prev == events[-1].hash


async def test_export_is_byte_identical_and_streams_to_stdout(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(session_factory, 4)
    for export_format in ("jsonl", "csv"):
        first, second = tmp_path / f"1.{export_format}", tmp_path / f"2.{export_format}"
        for target in (first, second):
            result = await invoke("audit", "export", "--format", export_format, "-o", str(target))
            assert result.exit_code == 0, result.output
        assert first.read_bytes() == second.read_bytes()
        to_stdout = await invoke("audit", "export", "--format", export_format)
        assert to_stdout.exit_code == 0, to_stdout.output
        assert to_stdout.stdout_bytes == first.read_bytes()


async def test_export_csv_with_filters(
    session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(session_factory, 5)  # one a day from 1 March 2026; even seq: member
    target = tmp_path / "audit.csv"
    result = await invoke(
        "audit",
        "export",
        "--format",
        "csv",
        "--output",
        str(target),
        "--entity-type",
        "member",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-04",
    )
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["seq"], r["entity_type"], r["occurred_at"]) for r in rows] == [
        ("2", "member", "2026-03-02T09:00:00.000000Z"),
        ("4", "member", "2026-03-04T09:00:00.000000Z"),
    ]
    assert rows[0]["before"] == ""
    assert json.loads(rows[1]["before"]) == {"name": "oud 3"}
    assert rows[1]["after"] == '{"café":true,"kosten":"12.50","name":"nieuw 3"}'
    header = next(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert tuple(header) == FIELDS


async def test_export_refuses_an_unknown_format() -> None:
    result = await invoke("audit", "export", "--format", "xml")
    assert result.exit_code == 2
