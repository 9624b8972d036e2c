"""Closing and reopening financial years, and the guard every dated write goes through.

`refuse_closed` is the one place a writer asks whether it may date something: it takes the
years' locks (shared by writers, exclusive for a close or a reopening) and refuses a date in
a closed year. A close and a write at the same moment therefore follow each other: either the
write commits first and the close comes after it, or the close commits first and the write
is refused. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row, recording_change
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.kit.errors import ErrorCollector, ValidationFailed
from registry.kit.types import utcnow
from registry.members.decisions import decision_of
from registry.members.models import Decision, DecisionBody
from registry.years.errors import YearsRefusal
from registry.years.models import FinancialYear, YearStatus
from registry.years.rules import (
    corrects_year,
    why_closed,
    why_not_closable,
    why_not_reopenable,
    years_of,
)


def _lock_id(year: int) -> int:
    digest = hashlib.sha256(f"financial_year:{year}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock_years(session: AsyncSession, years: Sequence[int], *, exclusive: bool) -> None:
    """Hold the years until the transaction ends: shared by writers, exclusive by a close.

    PostgreSQL: advisory transaction locks, in sorted order. SQLite: a writer already holds
    the database's one write lock (`begin_writing`).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    for lock in sorted({_lock_id(y) for y in years}):
        await session.execute(text(f"SELECT {function}(:lock)"), {"lock": lock})


async def closed_years(session: AsyncSession) -> frozenset[int]:
    """Every year that is closed now."""
    found = await session.scalars(
        select(FinancialYear.year).where(FinancialYear.status == YearStatus.CLOSED)
    )
    return frozenset(found)


async def refuse_closed(session: AsyncSession, dated: Mapping[str, date | int]) -> None:
    """Refuse to date anything in a closed year; call before a writer's other locks.

    `dated` names each date (or year) the writer books by the field it came from, so the
    refusal names the field and the year. Every writer of money or numbers (rates, fee
    runs, tariffs, usage values, costs, allocation and settlement runs, invoices, credit
    notes, payments) calls this inside its transaction before it writes. The years stay
    locked (shared) until the transaction ends, so a close waits for it and a write after
    the close sees it.
    """
    years = years_of(dated.values())
    if not years:
        return
    await _lock_years(session, years, exclusive=False)
    closed = await closed_years(session)
    errors = ErrorCollector()
    for field, day in dated.items():
        problem = why_closed(day, closed)
        if problem is not None:
            errors.add(field, problem)
    errors.raise_if_any()


async def corrected_year(session: AsyncSession, original: date | int | None) -> int | None:
    """The closed year a correction of something dated `original` corrects, or None."""
    return corrects_year(original, await closed_years(session))


def _authorise(actor: Actor) -> None:
    require(actor, Permission.YEARS_CLOSE, YearsRefusal.DIRECTIE_ONLY)


async def _decision(session: AsyncSession, reference: str) -> Decision:
    if not reference.strip():
        raise ValidationFailed.single("decision", YearsRefusal.DECISION_REQUIRED)
    return await decision_of(session, reference, DecisionBody.DIRECTIE, "decision")


async def close_year(
    session: AsyncSession, actor: Actor, year: int, decision_reference: str, today: date
) -> FinancialYear:
    """Close `year` by a directie decision taken after the year ended; audited."""
    _authorise(actor)
    await _lock_years(session, [year], exclusive=True)
    problem = why_not_closable(year, today, await closed_years(session))
    if problem is not None:
        raise ValidationFailed.single("year", problem)
    decision = await _decision(session, decision_reference)
    if decision.decided_on.year <= year:
        raise ValidationFailed.single(
            "decision",
            YearsRefusal.DECISION_BEFORE_YEAR_END,
            reference=decision.reference,
            decided_on=decision.decided_on,
            year=str(year),
        )
    row = await session.get(FinancialYear, year)
    if row is not None and decision.id in (row.closed_decision_id, row.reopened_decision_id):
        raise ValidationFailed.single(
            "decision", YearsRefusal.DECISION_USED, reference=decision.reference, year=str(year)
        )
    before = snapshot(row) if row is not None else None
    current = row or FinancialYear(year=year)
    current.status = YearStatus.CLOSED
    current.closed_decision_id = decision.id
    current.closed_at = utcnow()
    current.closed_by = actor.label
    session.add(current)
    await session.flush()
    await record_row(
        session,
        actor,
        "close",
        "financial_year",
        current,
        entity_id=str(year),
        before=before,
        decision=decision.reference,
    )
    return current


async def reopen_year(
    session: AsyncSession, actor: Actor, year: int, decision_reference: str
) -> FinancialYear:
    """Reopen a closed year by a new directie decision; audited."""
    _authorise(actor)
    await _lock_years(session, [year], exclusive=True)
    problem = why_not_reopenable(year, await closed_years(session))
    if problem is not None:
        raise ValidationFailed.single("year", problem)
    decision = await _decision(session, decision_reference)
    row = await session.get(FinancialYear, year)
    assert row is not None
    if decision.id in (row.closed_decision_id, row.reopened_decision_id):
        raise ValidationFailed.single(
            "decision", YearsRefusal.DECISION_USED, reference=decision.reference, year=str(year)
        )
    async with recording_change(
        session, actor, "reopen", row, entity_id=str(year), decision=decision.reference
    ):
        row.status = YearStatus.OPEN
        row.reopened_decision_id = decision.id
        row.reopened_at = utcnow()
        row.reopened_by = actor.label
    return row
