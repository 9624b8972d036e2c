"""The financial years as the directie sees them: each year's state and what was issued in it.

It reads the invoices, so it sits above billing (billing asks `service.refuse_closed`, never
this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.document import DocumentKind
from registry.billing.models import Invoice
from registry.fees.models import ContributionRate
from registry.members.models import Decision
from registry.years.models import FinancialYear, YearStatus


@dataclass(frozen=True, slots=True)
class YearOverview:
    """One financial year: its state, what was invoiced and credited in it, by which decision."""

    year: int
    status: YearStatus
    invoiced_cents: int
    credited_cents: int
    documents: int
    closed_by_decision: str | None
    reopened_by_decision: str | None


async def _issued_totals(session: AsyncSession) -> dict[int, tuple[int, int, int]]:
    """Per year of issue: the gross of invoices, of credit notes (negative), and the count."""
    is_credit = Invoice.kind == DocumentKind.CREDIT_NOTE
    rows = await session.execute(
        select(
            Invoice.year,
            func.coalesce(func.sum(case((is_credit, 0), else_=Invoice.gross_cents)), 0),
            func.coalesce(func.sum(case((is_credit, Invoice.gross_cents), else_=0)), 0),
            func.count(),
        )
        .where(Invoice.year.is_not(None))
        .group_by(Invoice.year)
    )
    return {int(y): (int(i), int(c), int(n)) for y, i, c, n in rows.all()}


async def year_overview(session: AsyncSession, today: date) -> list[YearOverview]:
    """Every year with a contribution rate, issued documents or a state, the past year and the
    current one; newest first."""
    rows = {r.year: r for r in (await session.scalars(select(FinancialYear))).all()}
    rated = set((await session.scalars(select(ContributionRate.year))).all())
    totals = await _issued_totals(session)
    ids = {i for r in rows.values() for i in (r.closed_decision_id, r.reopened_decision_id) if i}
    found = (
        await session.execute(select(Decision.id, Decision.reference).where(Decision.id.in_(ids)))
        if ids
        else None
    )
    references: dict[int, str] = {i: r for i, r in found.all()} if found is not None else {}
    result = []
    for year in sorted(
        set(rows) | set(totals) | rated | {today.year - 1, today.year}, reverse=True
    ):
        row = rows.get(year)
        invoiced, credited, count = totals.get(year, (0, 0, 0))
        result.append(
            YearOverview(
                year=year,
                status=row.status if row else YearStatus.OPEN,
                invoiced_cents=invoiced,
                credited_cents=credited,
                documents=count,
                closed_by_decision=references.get(row.closed_decision_id) if row else None,
                reopened_by_decision=(
                    references.get(row.reopened_decision_id)
                    if row and row.reopened_decision_id
                    else None
                ),
            )
        )
    return result
