"""The pure rule of closed financial years."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from registry.years.errors import YearsRefusal
from registry.years.rules import (
    corrects_year,
    first_closed,
    why_closed,
    why_not_closable,
    why_not_reopenable,
    years_of,
)


def test_a_date_in_a_closed_year_is_refused_naming_the_year() -> None:
    problem = why_closed(date(2020, 12, 31), {2020})
    assert problem is not None
    assert problem.refusal is YearsRefusal.YEAR_CLOSED
    assert "2020" in problem.text("nl")
    assert "afgesloten" in problem.text("nl")
    assert "financial year 2020 is closed" in problem.text("en")
    # The year is written as a year, not as a number with a thousands separator.
    assert "2.020" not in problem.text("nl")


def test_a_date_in_an_open_year_is_allowed() -> None:
    assert why_closed(date(2021, 1, 1), {2020}) is None
    assert why_closed(2021, {2020, 2022}) is None
    assert why_closed(2022, {2020, 2022}) is not None


def test_the_first_closed_year_among_dates() -> None:
    dated = [date(2023, 5, 1), date(2021, 3, 1), 2022]
    assert years_of(dated) == [2021, 2022, 2023]
    assert first_closed(dated, {2022, 2023}) == 2022
    assert first_closed(dated, {2020}) is None


def test_a_correction_names_the_closed_year_it_corrects() -> None:
    assert corrects_year(2020, {2020}) == 2020
    assert corrects_year(date(2020, 6, 1), {2020}) == 2020
    assert corrects_year(2021, {2020}) is None
    assert corrects_year(None, {2020}) is None


def test_a_year_is_closed_once_and_only_after_it_ended() -> None:
    assert why_not_closable(2020, date(2021, 1, 1), set()) is None
    ongoing = why_not_closable(2021, date(2021, 12, 31), set())
    assert ongoing is not None
    assert ongoing.refusal is YearsRefusal.NOT_ENDED
    twice = why_not_closable(2020, date(2022, 1, 1), {2020})
    assert twice is not None
    assert twice.refusal is YearsRefusal.ALREADY_CLOSED


def test_only_a_closed_year_is_reopened() -> None:
    assert why_not_reopenable(2020, {2020}) is None
    problem = why_not_reopenable(2021, {2020})
    assert problem is not None
    assert problem.refusal is YearsRefusal.NOT_CLOSED


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)),
    st.frozensets(st.integers(1990, 2200)),
)
def test_refused_exactly_when_the_year_is_closed(day: date, closed: frozenset[int]) -> None:
    assert (why_closed(day, closed) is None) == (day.year not in closed)
