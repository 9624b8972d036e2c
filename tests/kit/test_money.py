"""The money rules: one half-up rounding, exact parsing, largest-remainder splitting."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.kit.errors import RefusedValue
from registry.kit.money import (
    MAX_AMOUNT,
    Cents,
    allocate,
    parse_euro,
    parse_number,
    parse_rate,
    to_cents,
    to_euro,
)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("18304.65", 1830465),
        ("0.005", 1),
        ("0.0049999", 0),
        ("2.675", 268),  # a float would give 267
        ("-0.005", -1),  # half away from zero for credits as well
        ("21003.15", 2100315),
    ],
)
def test_to_cents_rounds_half_up_once(amount: str, cents: int) -> None:
    assert to_cents(Decimal(amount)) == cents


def test_to_euro_is_exact() -> None:
    assert to_euro(1830465) == Decimal("18304.65")
    assert str(to_euro(5)) == "0.05"


def test_parse_rate_accepts_comma_and_refuses_bad_values() -> None:
    assert parse_rate("0,35") == Decimal("0.35")
    assert parse_rate(" 1.234567 ") == Decimal("1.234567")
    with pytest.raises(ValueError, match="decimals"):
        parse_rate("0.1234567")
    with pytest.raises(ValueError, match="negative"):
        parse_rate("-1")
    with pytest.raises(ValueError, match="not a number"):
        parse_rate("NaN")
    with pytest.raises(ValueError, match="not a number"):
        parse_rate("twee")


def test_parse_euro_refuses_fractions_of_a_cent() -> None:
    assert parse_euro("92500") == Decimal("92500")
    with pytest.raises(ValueError, match="2 decimals"):
        parse_euro("1,005")
    with pytest.raises(ValueError, match="2 decimals"):
        parse_euro("0.005")


def test_allocate_founding_costs_fifty_twenty_five_twenty_five() -> None:
    shares = allocate(Cents(9_250_000), {"a": 50, "b": 25, "c": 25}, str)
    assert shares == {"a": 4_625_000, "b": 2_312_500, "c": 2_312_500}


def test_allocate_breaks_ties_by_code() -> None:
    assert allocate(Cents(100), {"b": 1, "a": 1, "c": 1}, str) == {"a": 34, "b": 33, "c": 33}
    assert allocate(Cents(-100), {"b": 1, "a": 1, "c": 1}, str) == {"a": -34, "b": -33, "c": -33}


def test_allocate_refuses_what_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="nothing"):
        allocate(Cents(1), {}, str)
    with pytest.raises(ValueError, match="zero"):
        allocate(Cents(1), {"a": 0}, str)
    with pytest.raises(ValueError, match="negative"):
        allocate(Cents(1), {"a": 1, "b": -1}, str)


weights = st.dictionaries(
    st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=4),
    st.integers(min_value=0, max_value=10**9),
    min_size=1,
    max_size=30,
).filter(lambda w: sum(w.values()) > 0)


@given(total=st.integers(min_value=-(10**12), max_value=10**12), weights=weights)
def test_allocate_sums_exactly_and_stays_within_a_cent(total: int, weights: dict[str, int]) -> None:
    shares = allocate(Cents(total), weights, str)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for key, share in shares.items():
        exact = Decimal(total) * weights[key] / weight_sum
        assert abs(Decimal(share) - exact) < 1
        if total >= 0:
            assert share >= 0


@given(total=st.integers(min_value=0, max_value=10**10), weights=weights, seed=st.integers())
def test_allocate_does_not_depend_on_input_order(
    total: int, weights: dict[str, int], seed: int
) -> None:
    items = list(weights.items())
    random.Random(seed).shuffle(items)
    assert allocate(Cents(total), dict(items), str) == allocate(Cents(total), weights, str)


def _largest_remainder(total: int, weights: dict[str, Decimal]) -> dict[str, int]:
    """The rule as written: exact shares as fractions, floors, the cents left over one each
    to the largest remainders, ties by code. A second computation to compare with."""
    weight_sum = sum(weights.values(), Decimal(0))
    exact = {k: Fraction(total) * Fraction(w) / Fraction(weight_sum) for k, w in weights.items()}
    floors = {k: math.floor(v) for k, v in exact.items()}
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[: total - sum(floors.values())]:
        floors[k] += 1
    return floors


decimal_weights = st.dictionaries(
    st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=4),
    st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
).filter(lambda w: sum(w.values()) > 0)


@given(total=st.integers(min_value=0, max_value=10**12), weights=decimal_weights)
def test_allocate_gives_the_largest_remainder_shares_of_exact_fractions(
    total: int, weights: dict[str, Decimal]
) -> None:
    """Whole-number arithmetic (fast) gives the shares of the exact fractions (the definition),
    also for weights with decimals such as usage quantities or percentages."""
    assert allocate(Cents(total), weights, str) == _largest_remainder(total, weights)


@pytest.mark.parametrize("text", ["1000000000000", "9" * 40, "-1.000.000.000.000"])
def test_huge_amounts_and_rates_are_refused_not_overflowed(text: str) -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_euro(text)
    with pytest.raises(ValueError, match=r"too large|negative"):
        parse_rate(text)
    largest = parse_euro("999999999999.99")
    assert largest < MAX_AMOUNT
    assert to_cents(largest) == 99_999_999_999_999


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("40.000,00", "40000.00"),
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567"),
        ("€ 1.234,56", "1234.56"),
        ("-5,00", "-5.00"),
        ("0.345", "0.345"),
        ("1,000", "1.000"),
    ],
)
def test_numbers_are_read_in_dutch_and_plain_notation(typed: str, value: str) -> None:
    assert parse_rate(typed.lstrip("-")) == Decimal(value.lstrip("-"))
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["1.000", "12.500", "-250.000"])
def test_a_single_dot_before_three_digits_is_ambiguous_and_refused(typed: str) -> None:
    with pytest.raises(RefusedValue) as refused:
        parse_number(typed)
    assert refused.value.phrase.code == "ambiguous_number"
    whole, fraction = typed.split(".")
    assert refused.value.phrase.text("nl") == (
        f"'{typed}' is niet eenduidig: schrijf {whole}{fraction} (zonder punt) voor het duizendtal"
        f" of {whole},{fraction} (met een komma) voor het getal met decimalen."
    )


@pytest.mark.parametrize(
    "typed", ["1.2.3", "1,2,3", "12,34.5", "1.234,5,6", "", "€", "abc", "1e5", "1E+30", "1e999999"]
)
def test_malformed_numbers_are_refused(typed: str) -> None:
    with pytest.raises(RefusedValue) as refused:
        parse_number(typed)
    assert refused.value.phrase.code == "not_a_number"
    assert "geen getal" in refused.value.phrase.text("nl")
