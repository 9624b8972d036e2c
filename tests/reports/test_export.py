"""Exported files: byte-identical for the same state, reproducible at an audit event."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.invoicing import issue, run_invoices
from registry.reports.export import export
from registry.reports.model import Finding, MemberReport, ReportHeader, Totals
from registry.reports.service import prepare, sha256_of, write
from registry.usage.records import UsageInput, record_usage
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


async def test_the_same_state_gives_byte_identical_files(
    billed: AsyncSession, tmp_path: Path
) -> None:
    session = billed
    first = await export(session, ACTOR, tmp_path / "a", year=2023)
    second = await export(session, ACTOR, tmp_path / "b", year=2023)
    assert _contents(tmp_path / "a") == _contents(tmp_path / "b")
    names = sorted(p.name for p in first.files)
    assert any(n.endswith(".pdf") for n in names)
    assert any(n.endswith(".xlsx") for n in names)
    assert any(n.endswith(".json") for n in names)
    assert sum(n.endswith(".csv") for n in names) == 8
    manifest = json.loads(first.manifest.read_text())
    assert manifest["files"] == {p.name: sha256_of(p) for p in first.files}
    assert manifest["inputs_sha256"] == first.prepared.header.inputs_sha256
    assert manifest["reproduce_with"] == (
        f"registry report contributions --year 2023 --as-of {manifest['audit_event']}"
    )
    assert second.manifest.read_bytes() == first.manifest.read_bytes()


async def test_a_report_as_of_an_event_is_reproduced_byte_for_byte(
    billed: AsyncSession, tmp_path: Path
) -> None:
    session = billed
    then = await export(session, ACTOR, tmp_path / "then", year=2023, formats=["json", "csv"])
    event = then.prepared.header.scope.as_of_seq
    for draft in await run_invoices(session, ACTOR, TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)
    await record_usage(
        session,
        ACTOR,
        [UsageInput("woerden", "zaakafhandeling", "2023-06", "active_users", Decimal(5))],
    )
    now = await export(session, ACTOR, tmp_path / "now", year=2023, formats=["json", "csv"])
    assert now.prepared.header.inputs_sha256 != then.prepared.header.inputs_sha256
    await export(
        session, ACTOR, tmp_path / "again", year=2023, as_of=event, formats=["json", "csv"]
    )
    assert _contents(tmp_path / "again") == _contents(tmp_path / "then")


async def test_a_member_report_and_a_decimal_comma(billed: AsyncSession, tmp_path: Path) -> None:
    done = await export(
        billed,
        ACTOR,
        tmp_path,
        year=2020,
        member_code="woerden",
        formats=["csv"],
        decimal_comma=True,
    )
    contribution = next(p for p in done.files if p.name.endswith("-contributie.csv"))
    text = contribution.read_text(encoding="utf-8")
    assert "18304,65" in text
    assert "gr-meierijstad-noord" not in text
    assert done.prepared.header.members == 1


class _ThreadRecorder:
    """A report writer that notes which thread formats each part."""

    def __init__(self) -> None:
        self.threads: set[int] = set()

    def begin(self, header: ReportHeader) -> None:
        self.threads.add(threading.get_ident())

    def member(self, report: MemberReport) -> None:
        self.threads.add(threading.get_ident())

    def end(self, totals: Totals, findings: list[Finding]) -> list[Path]:
        self.threads.add(threading.get_ident())
        return []


async def test_formatting_runs_off_the_event_loop(billed: AsyncSession) -> None:
    """The PDF and the workbook take seconds for a big cooperative: requests go on meanwhile."""
    recorder = _ThreadRecorder()
    prepared = await prepare(billed, ACTOR, 2023)
    await write(billed, prepared, {"recorder": recorder})
    assert recorder.threads
    assert threading.get_ident() not in recorder.threads
