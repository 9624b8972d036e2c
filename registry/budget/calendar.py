"""The statutory calendar (statutaire kalender): what the articles ask of the directie in a
year, with what is done, still to do, or late. A pure function over dates the registry
knows; the service gathers the evidence.

- The budget and strategic plan of the next year before 1 December (evidence: that year's
  budget adopted by an ALV decision; its date counts).
- A general meeting (ALV) in the first quarter (evidence: an ALV decision dated in it).
- A quarterly report to the RvC within a number of weeks after each quarter (evidence: the
  report's first export, an audit event).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


class DeadlineKind(enum.StrEnum):
    BUDGET = "budget"
    ALV_FIRST_QUARTER = "alv_first_quarter"
    QUARTERLY_REPORT = "quarterly_report"


class DeadlineState(enum.StrEnum):
    DONE = "done"
    OPEN = "open"
    LATE = "late"
    """Not done after its day, or done after it (then `done_on` says when)."""


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    year: int
    """The year the deadline is about: the budget's year, the ALV's, the report's."""
    quarter: int | None
    due: date
    state: DeadlineState
    done_on: date | None


@dataclass(frozen=True, slots=True)
class Evidence:
    budgets_adopted: Mapping[int, date]
    """Year → the date of the ALV decision that first adopted a budget of that year."""
    alv_decisions: Sequence[date]
    reports_exported: Mapping[tuple[int, int], date]
    """(year, quarter) → the date the quarterly report was first exported."""


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _state(due: date, done_on: date | None, today: date) -> DeadlineState:
    if done_on is not None:
        return DeadlineState.DONE if done_on <= due else DeadlineState.LATE
    return DeadlineState.LATE if today > due else DeadlineState.OPEN


def deadlines(year: int, today: date, evidence: Evidence, report_weeks: int) -> list[Deadline]:
    """The deadlines that fall in `year`'s cycle, in the order they are due: the ALV of the
    first quarter, the reports of the previous year's last quarter and this year's first
    three, and next year's budget. The fourth quarter's report follows in next year's."""
    result: list[Deadline] = []
    alv_due = date(year, 3, 31)
    held = sorted(d for d in evidence.alv_decisions if date(year, 1, 1) <= d <= alv_due)
    alv_done = held[0] if held else None
    result.append(
        Deadline(
            DeadlineKind.ALV_FIRST_QUARTER,
            year,
            None,
            alv_due,
            _state(alv_due, alv_done, today),
            alv_done,
        )
    )
    for report_year, quarter in ((year - 1, 4), (year, 1), (year, 2), (year, 3)):
        due = quarter_end(report_year, quarter) + timedelta(weeks=report_weeks)
        done = evidence.reports_exported.get((report_year, quarter))
        # An export before the quarter ended is not the report of the whole quarter.
        if done is not None and done <= quarter_end(report_year, quarter):
            done = None
        result.append(
            Deadline(
                DeadlineKind.QUARTERLY_REPORT,
                report_year,
                quarter,
                due,
                _state(due, done, today),
                done,
            )
        )
    budget_due = date(year, 11, 30)
    adopted = evidence.budgets_adopted.get(year + 1)
    result.append(
        Deadline(
            DeadlineKind.BUDGET,
            year + 1,
            None,
            budget_due,
            _state(budget_due, adopted, today),
            adopted,
        )
    )
    return sorted(result, key=lambda d: (d.due, d.kind.value))


def late(items: Sequence[Deadline]) -> list[Deadline]:
    return [d for d in items if d.state is DeadlineState.LATE and d.done_on is None]
