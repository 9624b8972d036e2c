"""Property tests of the contribution arithmetic over rates, populations and join/leave dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from registry.fees.contribution import (
    MembershipPeriod,
    RateTerms,
    contribution,
    days_in_year,
    inputs_digest,
)
from registry.fees.models import PopulationPolicy, ProRata
from registry.members.population import Figure

rates = st.decimals(min_value=0, max_value=100, places=6, allow_nan=False, allow_infinity=False)
populations = st.integers(min_value=0, max_value=2_000_000)
years = st.integers(min_value=2000, max_value=2040)


def _terms(year: int, rate: Decimal, pro_rata: ProRata = ProRata.BY_DAYS) -> RateTerms:
    return RateTerms(year, rate, "ALV-1", pro_rata, PopulationPolicy.JANUARY_FIRST)


def _figure(year: int, count: int, code: str = "GM0001") -> Figure:
    return Figure(code, "Gemeente", date(year, 1, 1), count, "CBS", "final")


def _half_up_cents(value: Fraction) -> int:
    """Independent oracle: half-up rounding of an exact fraction of euros to cents."""
    cents = value * 100
    floor = cents.numerator // cents.denominator
    return floor + (1 if cents - floor >= Fraction(1, 2) else 0)


@given(rate=rates, population=populations, year=years, data=st.data())
def test_pro_rata_by_days_matches_exact_arithmetic(
    rate: Decimal, population: int, year: int, data: st.DataObject
) -> None:
    total = days_in_year(year)
    first = data.draw(st.integers(min_value=0, max_value=total - 1))
    last = data.draw(st.integers(min_value=first, max_value=total - 1))
    start = date(year, 1, 1) + timedelta(days=first)
    end = date(year, 1, 1) + timedelta(days=last)
    period = MembershipPeriod("m", 1, start, end, ("GM0001",))
    line = contribution(_terms(year, rate), period, [_figure(year, population)])
    assert line is not None
    days = last - first + 1
    assert line.days_billable == days
    assert line.amount == _half_up_cents(Fraction(rate) * population * days / total)


@given(rate=rates, population=populations, year=years)
def test_a_whole_year_by_days_equals_the_full_year_policy(
    rate: Decimal, population: int, year: int
) -> None:
    period = MembershipPeriod("m", 1, date(year - 3, 5, 1), None, ("GM0001",))
    figures = [_figure(year, population)]
    by_days = contribution(_terms(year, rate), period, figures)
    full = contribution(_terms(year, rate, ProRata.FULL_YEAR), period, figures)
    assert by_days is not None
    assert full is not None
    assert by_days.amount == full.amount == _half_up_cents(Fraction(rate) * population)


@given(rate=rates, population=populations, year=years, split=st.integers(1, 364))
def test_leaving_and_a_successor_joining_cost_the_year_within_a_cent(
    rate: Decimal, population: int, year: int, split: int
) -> None:
    switch = date(year, 1, 1) + timedelta(days=split)
    figures = [_figure(year, population)]
    before = contribution(
        _terms(year, rate),
        MembershipPeriod("a", 1, date(year, 1, 1), switch - timedelta(days=1), ("GM0001",)),
        figures,
    )
    after = contribution(
        _terms(year, rate), MembershipPeriod("b", 2, switch, None, ("GM0001",)), figures
    )
    full = _half_up_cents(Fraction(rate) * population)
    assert before is not None
    assert after is not None
    assert abs(before.amount + after.amount - full) <= 1


@given(year=years, offset=st.integers(min_value=1, max_value=800))
def test_no_line_outside_the_membership(year: int, offset: int) -> None:
    ended = MembershipPeriod(
        "m", 1, date(year - 5, 1, 1), date(year, 1, 1) - timedelta(days=offset), ("GM0001",)
    )
    starts_later = MembershipPeriod(
        "m", 2, date(year, 12, 31) + timedelta(days=offset), None, ("GM0001",)
    )
    figures = [_figure(year, 1000)]
    assert contribution(_terms(year, Decimal("0.35")), ended, figures) is None
    assert contribution(_terms(year, Decimal("0.35")), starts_later, figures) is None


def test_digest_changes_with_any_input() -> None:
    year, rate = 2020, Decimal("0.35")
    period = MembershipPeriod("m", 1, date(2020, 1, 1), None, ("GM0001",))
    base = contribution(_terms(year, rate), period, [_figure(year, 100)])
    corrected = contribution(_terms(year, rate), period, [_figure(year, 101)])
    assert base is not None
    assert corrected is not None
    digest = inputs_digest(_terms(year, rate), [base])
    assert digest == inputs_digest(_terms(year, rate), [base])
    assert digest != inputs_digest(_terms(year, rate), [corrected])
    assert digest != inputs_digest(_terms(year, Decimal("0.36")), [base])
