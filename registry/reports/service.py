"""Contribution reports: prepare (read, digest, reconcile), then write every format.

The data is read twice, member by member: once to compute the SHA-256 of the inputs, the
totals and the findings, once to write the files with that digest in their header. Memory
holds one member at a time, however many members and years the registry has.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.snapshot import json_safe
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.members.models import Member
from registry.reports.collect import Later, later_changes, member_reports, report_scope
from registry.reports.errors import ReportsRefusal
from registry.reports.formats import ReportWriter
from registry.reports.model import (
    Finding,
    MemberReport,
    ReportHeader,
    ReportScope,
    Totals,
    member_findings,
    reconcile,
)

Progress = Callable[[int, int], None]
"""Called with (members done, members in all) while files are written."""


def canonical(member: MemberReport) -> bytes:
    """A member's section as canonical JSON: the unit the inputs digest is made of."""
    return json.dumps(
        json_safe(dataclasses.asdict(member)), sort_keys=True, separators=(",", ":")
    ).encode()


@dataclass(frozen=True)
class Prepared:
    header: ReportHeader
    later: Later
    totals: Totals
    findings: list[Finding]


async def _authorise(session: AsyncSession, actor: Actor, member_code: str | None) -> None:
    member_id = None
    if member_code is not None:
        member_id = await session.scalar(select(Member.id).where(Member.code == member_code))
    require(actor, Permission.REPORTS_EXPORT, ReportsRefusal.EXPORT_FORBIDDEN, member_id=member_id)


async def checked_scope(
    session: AsyncSession,
    actor: Actor,
    year: int,
    member_code: str | None = None,
    as_of: int | None = None,
) -> ReportScope:
    """The report's scope once the actor may have it: what can be refused before any data
    is read, so a page or the API can answer at once and export in the background."""
    scope = await report_scope(session, year, member_code, as_of)
    await _authorise(session, actor, member_code)
    return scope


async def prepare(
    session: AsyncSession,
    actor: Actor,
    year: int,
    member_code: str | None = None,
    as_of: int | None = None,
) -> Prepared:
    scope = await checked_scope(session, actor, year, member_code, as_of)
    later = await later_changes(session, scope.as_of_seq)
    digest = hashlib.sha256()
    totals = Totals()
    findings: list[Finding] = []
    count = 0
    async for member in member_reports(session, scope, later):
        digest.update(canonical(member) + b"\n")
        totals.add(member)
        findings.extend(member_findings(member))
        count += 1
    findings.extend(reconcile(totals, scope))
    title = f"Contributierapport {year}" + (f" — {member_code}" if member_code else "")
    return Prepared(ReportHeader(scope, digest.hexdigest(), count, title), later, totals, findings)


async def write(
    session: AsyncSession,
    prepared: Prepared,
    writers: Mapping[str, ReportWriter],
    progress: Progress | None = None,
) -> list[Path]:
    """Stream the members into every writer at once; the files, in a stable order.

    Formatting (the PDF, the workbook) is CPU work: it runs in a worker thread, so the
    service keeps answering other requests while a report is written.
    """
    ordered = [writers[name] for name in sorted(writers)]

    def begin() -> None:
        for writer in ordered:
            writer.begin(prepared.header)

    def add(member: MemberReport) -> None:
        for writer in ordered:
            writer.member(member)

    def end() -> list[Path]:
        return [path for w in ordered for path in w.end(prepared.totals, prepared.findings)]

    await asyncio.to_thread(begin)
    done = 0
    async for member in member_reports(session, prepared.header.scope, prepared.later):
        await asyncio.to_thread(add, member)
        done += 1
        if progress is not None:
            progress(done, prepared.header.members)
    return await asyncio.to_thread(end)


def file_stem(scope: ReportScope) -> str:
    member = f"-{scope.member_code}" if scope.member_code else ""
    return f"contributierapport-{scope.year}{member}-gebeurtenis-{scope.as_of_seq}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(prepared: Prepared, files: list[Path]) -> dict[str, Any]:
    """What an auditor needs to reproduce and check the report: no clock, only the data."""
    scope = prepared.header.scope
    command = f"registry report contributions --year {scope.year} --as-of {scope.as_of_seq}"
    if scope.member_code:
        command += f" --member {scope.member_code}"
    return {
        "report": prepared.header.title,
        "year": scope.year,
        "member": scope.member_code,
        "audit_event": scope.as_of_seq,
        "audit_event_hash": scope.as_of_hash,
        "inputs_sha256": prepared.header.inputs_sha256,
        "members": prepared.header.members,
        "reproduce_with": command,
        "findings": len(prepared.findings),
        "files": {path.name: sha256_of(path) for path in files},
    }


def write_manifest(directory: Path, prepared: Prepared, files: list[Path]) -> Path:
    path = directory / f"{file_stem(prepared.header.scope)}.manifest.json"
    path.write_text(
        json.dumps(manifest(prepared, files), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return path
