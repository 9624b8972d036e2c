"""The rule of closed financial years, over plain values: no database, no clock.

A year is closed when the directie closed it (after the accountant's sign-off) and did not
reopen it. Nothing is dated in a closed year; a correction of something in a closed year is
dated in an open year and says which closed year it corrects.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from registry.kit.errors import Phrase
from registry.years.errors import YearsRefusal


def year_of(dated: date | int) -> int:
    """The financial year of a date (the calendar year), or the year itself."""
    return dated if isinstance(dated, int) else dated.year


def years_of(dated: Iterable[date | int]) -> list[int]:
    """The distinct financial years of some dates, in order."""
    return sorted({year_of(d) for d in dated})


def why_closed(dated: date | int, closed_years: Collection[int]) -> Phrase | None:
    """Why nothing may be dated on `dated`: its year is closed; None when it is open."""
    year = year_of(dated)
    if year in closed_years:
        return Phrase(YearsRefusal.YEAR_CLOSED, {"year": str(year)})
    return None


def first_closed(dated: Iterable[date | int], closed_years: Collection[int]) -> int | None:
    """The earliest closed year among the dates, or None when every one is open."""
    return next((y for y in years_of(dated) if y in closed_years), None)


def corrects_year(original: date | int | None, closed_years: Collection[int]) -> int | None:
    """The closed year that a correction (dated in an open year) corrects, or None.

    A credit note for an invoice of closed year Y is dated in the open year and says it
    corrects Y; a correction of something in an open year corrects nothing closed.
    """
    if original is None:
        return None
    year = year_of(original)
    return year if year in closed_years else None


def why_not_closable(year: int, today: date, closed_years: Collection[int]) -> Phrase | None:
    """Why year `year` cannot be closed on `today`: already closed, or not yet ended."""
    if year in closed_years:
        return Phrase(YearsRefusal.ALREADY_CLOSED, {"year": str(year)})
    if today.year <= year:
        return Phrase(YearsRefusal.NOT_ENDED, {"year": str(year)})
    return None


def why_not_reopenable(year: int, closed_years: Collection[int]) -> Phrase | None:
    """Why year `year` cannot be reopened: it is not closed."""
    if year not in closed_years:
        return Phrase(YearsRefusal.NOT_CLOSED, {"year": str(year)})
    return None
