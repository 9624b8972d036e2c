"""Exporting the quarterly report (PDF or XLSX) and reading the statutory calendar.

An export is recorded as an audit event (`quarterly_report`, `export`, with the position it
reflects and the SHA-256 of the file): it is the calendar's evidence that the report went
out. Services flush, never commit."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.audit.service import record
from registry.auth.roles import Actor
from registry.budget import quarterly_files
from registry.budget.calendar import Deadline, Evidence, deadlines, quarter_end
from registry.budget.errors import BudgetRefusal
from registry.budget.models import Budget, BudgetStatus
from registry.budget.quarterly import QuarterlyReport, quarterly_report
from registry.budget.service import authorise_reading
from registry.kit.errors import ValidationFailed
from registry.kit.language import Language
from registry.members.models import Decision, DecisionBody

ENTITY = "quarterly_report"
WRITERS: dict[str, Callable[[QuarterlyReport, Language], bytes]] = {
    "pdf": quarterly_files.pdf_bytes,
    "xlsx": quarterly_files.xlsx_bytes,
}


@dataclass(frozen=True, slots=True)
class QuarterlyFile:
    filename: str
    media_type: str
    content: bytes
    report: QuarterlyReport


async def read_quarterly(
    session: AsyncSession, actor: Actor, year: int, quarter: int, as_of: int | None, today: date
) -> QuarterlyReport:
    """The figures, for the page and the API (reading is not an export)."""
    authorise_reading(actor)
    return await quarterly_report(session, year, quarter, as_of, today)


async def export_quarterly(
    session: AsyncSession,
    actor: Actor,
    year: int,
    quarter: int,
    as_of: int | None,
    file_format: str,
    language: Language,
    today: date,
) -> QuarterlyFile:
    """The report as a file, and the audit event of its export."""
    authorise_reading(actor)
    writer = WRITERS.get(file_format)
    if writer is None:
        raise ValidationFailed.single("format", BudgetRefusal.UNKNOWN_FORMAT)
    report = await quarterly_report(session, year, quarter, as_of, today)
    content = await asyncio.to_thread(writer, report, language)  # laying out a PDF is CPU work
    await record(
        session,
        actor,
        operation="export",
        entity_type=ENTITY,
        entity_id=f"{year}-Q{quarter}",
        before=None,
        after={
            "as_of": report.as_of_seq,
            "format": file_format,
            "language": language,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return QuarterlyFile(
        f"{report.stem}-{language}.{file_format}",
        quarterly_files.FORMATS[file_format],
        content,
        report,
    )


async def evidence(session: AsyncSession, year: int) -> Evidence:
    """What the registry knows of the year's cycle (and the previous year's last quarter)."""
    adopted: dict[int, date] = {}
    for budget_year, decided_on in await session.execute(
        select(Budget.year, Decision.decided_on)
        .join(Decision, Decision.id == Budget.decision_id)
        .where(Budget.status == BudgetStatus.ADOPTED, Budget.year.in_([year, year + 1]))
        .order_by(Decision.decided_on)
    ):
        adopted.setdefault(budget_year, decided_on)
    alv = list(
        await session.scalars(
            select(Decision.decided_on).where(
                Decision.body == DecisionBody.ALV,
                Decision.decided_on >= date(year, 1, 1),
                Decision.decided_on <= date(year, 3, 31),
            )
        )
    )
    wanted = {f"{year - 1}-Q4"} | {f"{year}-Q{q}" for q in (1, 2, 3)}
    exported: dict[tuple[int, int], date] = {}
    for entity_id, occurred_at in await session.execute(
        select(AuditEvent.entity_id, AuditEvent.occurred_at)
        .where(
            AuditEvent.entity_type == ENTITY,
            AuditEvent.operation == "export",
            AuditEvent.entity_id.in_(wanted),
        )
        .order_by(AuditEvent.seq)
    ):
        report_year, quarter = int(entity_id[:4]), int(entity_id[-1])
        day = occurred_at.date()
        if day > quarter_end(report_year, quarter):
            exported.setdefault((report_year, quarter), day)
    return Evidence(adopted, alv, exported)


async def statutory_calendar(
    session: AsyncSession, actor: Actor, year: int, today: date, report_weeks: int
) -> list[Deadline]:
    authorise_reading(actor)
    if not 2000 <= year <= 2200:
        raise ValidationFailed.single(
            "year", BudgetRefusal.YEAR_OUT_OF_RANGE, first="2000", last="2200"
        )
    return deadlines(year, today, await evidence(session, year), report_weeks)
