"""Money: exact decimals in computation, integer euro cents in storage, rounding in one place.

Every amount the registry bills is computed as a `Decimal` and turned into cents by
`to_cents` exactly once, at the line level (half-up). Splitting an amount over several
parties goes through `allocate`, which never creates or loses a cent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import NewType, TypeVar

Cents = NewType("Cents", int)
"""An amount in euro cents; the only money type that is stored."""

K = TypeVar("K", bound=Hashable)

CURRENCY = "EUR"
RATE_MAX_DECIMALS = 6
MAX_AMOUNT = Decimal(10) ** 12
"""Largest amount or rate accepted (a trillion euro): far beyond any budget, and its cents fit
in 64 bits and in exact decimal arithmetic (28 digits), so rounding can never overflow."""
_ONE = Decimal(1)


def to_cents(amount: Decimal) -> Cents:
    """Round an exact euro amount half-up to whole cents: the registry's one rounding rule."""
    return Cents(int((amount * 100).quantize(_ONE, rounding=ROUND_HALF_UP)))


def to_euro(cents: int) -> Decimal:
    """The exact euro value of a cent amount, with two decimals."""
    return Decimal(cents).scaleb(-2)


def format_euro_nl(cents: int) -> str:
    """Cents as Dutch write euros (€ 18.304,65), as documents and descriptions write them."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"€\u00a0{sign}{whole:,}".replace(",", ".") + f",{rest:02d}"


def parse_euro(text: str) -> Decimal:
    """Parse a euro amount with at most two decimals ("1234.50" or "1234,50")."""
    value = _parse_decimal(text)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("at most two decimals (whole cents)")
    return value


def parse_rate(text: str) -> Decimal:
    """Parse a non-negative rate such as euro per inhabitant, exact to six decimals."""
    value = _parse_decimal(text)
    if value < 0:
        raise ValueError("must not be negative")
    if value.as_tuple().exponent < -RATE_MAX_DECIMALS:  # type: ignore[operator]
        raise ValueError(f"at most {RATE_MAX_DECIMALS} decimals")
    return value


def _parse_decimal(text: str) -> Decimal:
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(f"too large (at most {MAX_AMOUNT:,.0f})")
    return value


def allocate(
    total: Cents,
    weights: Mapping[K, Decimal | int],
    tie_break: Callable[[K], str],
) -> dict[K, Cents]:
    """Split `total` cents in proportion to `weights`, exactly (largest remainder).

    Every party first gets the floor of its exact share; the cents left over go one each
    to the parties with the largest fractional remainders. Equal remainders are broken
    by `tie_break` (the member code), so the result does not depend on input order.
    A negative total (a credit) is split as the mirror image of its positive amount.
    """
    if not weights:
        raise ValueError("nothing to allocate over")
    if any(Decimal(w) < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum((Decimal(w) for w in weights.values()), Decimal(0))
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    if total < 0:
        credit = allocate(Cents(-total), weights, tie_break)
        return {key: Cents(-share) for key, share in credit.items()}

    # Fractions keep the shares exact whatever the size of the weights.
    denominator = Fraction(weight_sum)
    exact = {key: Fraction(total) * Fraction(w) / denominator for key, w in weights.items()}
    floors = {key: math.floor(value) for key, value in exact.items()}
    left_over = total - sum(floors.values())
    by_remainder = sorted(exact, key=lambda key: (floors[key] - exact[key], tie_break(key)))
    for key in by_remainder[:left_over]:
        floors[key] += 1
    return {key: Cents(value) for key, value in floors.items()}
