"""Money: exact decimals in computation, integer euro cents in storage, rounding in one place.

Every amount the registry bills is computed as a `Decimal` and turned into cents by
`to_cents` exactly once, at the line level (half-up). Splitting an amount over several
parties goes through `allocate`, which never creates or loses a cent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NewType, TypeVar

from registry.kit.errors import Refusal, RefusedValue, Text

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


class NumberRefusal(Refusal):
    """Why a typed amount or rate is refused."""

    NOT_A_NUMBER = Text(
        "not_a_number",
        "Dit is geen getal; schrijf bijvoorbeeld 1234,56 of 1.234,56.",
        "not a number; write for example 1234.56 or 1,234.56",
    )
    AMBIGUOUS = Text(
        "ambiguous_number",
        "'{value}' is niet eenduidig: schrijf {plain} (zonder punt) voor het duizendtal of"
        " {decimal} (met een komma) voor het getal met decimalen.",
        "'{value}' is ambiguous: write {plain} (without separator) for the thousands or"
        " {decimal} (with a decimal comma) for the number with decimals",
    )
    TOO_MANY_DECIMALS = Text(
        "too_many_decimals",
        "Gebruik ten hoogste {decimals} decimalen.",
        "at most {decimals} decimals",
    )
    NEGATIVE = Text("negative", "Het bedrag mag niet negatief zijn.", "must not be negative")
    TOO_LARGE = Text("too_large", "Te groot: ten hoogste {limit}.", "too large (at most {limit})")


def parse_euro(text: str) -> Decimal:
    """Parse a euro amount with at most two decimals, in Dutch or plain notation."""
    value = parse_number(text)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise RefusedValue(NumberRefusal.TOO_MANY_DECIMALS, decimals=2)
    return value


def parse_rate(text: str) -> Decimal:
    """Parse a non-negative rate such as euro per inhabitant, exact to six decimals."""
    value = parse_number(text)
    if value < 0:
        raise RefusedValue(NumberRefusal.NEGATIVE)
    if value.as_tuple().exponent < -RATE_MAX_DECIMALS:  # type: ignore[operator]
        raise RefusedValue(NumberRefusal.TOO_MANY_DECIMALS, decimals=RATE_MAX_DECIMALS)
    return value


_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def parse_number(text: str) -> Decimal:
    """Read "1.234,56" (Dutch), "1234,56", "1234.56" and "1,234.56"; refuse what reads two ways.

    The last separator is the decimal one when both kinds occur, and a separator that occurs
    more than once groups thousands. A single separator followed by exactly three digits
    after a non-zero whole ("1.000", "12.500") groups thousands in Dutch and marks decimals in
    plain notation: it is refused with both readings rather than guessed. A single comma is
    always the decimal comma, as Dutch writes it.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).removeprefix("€").removeprefix("EUR")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0].replace("+", ""), cleaned[1:]
    if not re.fullmatch(r"[\d.,]+", cleaned) or not re.search(r"\d", cleaned):
        raise RefusedValue(NumberRefusal.NOT_A_NUMBER)
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        if not _GROUPED.fullmatch(whole) or not fraction.isdigit():
            raise RefusedValue(NumberRefusal.NOT_A_NUMBER)
        digits = re.sub(r"[.,]", "", whole) + "." + fraction
    elif dots + commas > 1:
        if not _GROUPED.fullmatch(cleaned):
            raise RefusedValue(NumberRefusal.NOT_A_NUMBER)
        digits = re.sub(r"[.,]", "", cleaned)
    elif dots + commas == 1:
        whole, _, fraction = cleaned.replace(",", ".").partition(".")
        if not whole.isdigit() or not fraction.isdigit():
            raise RefusedValue(NumberRefusal.NOT_A_NUMBER)
        if dots and len(fraction) == 3 and not whole.startswith("0"):
            raise RefusedValue(
                NumberRefusal.AMBIGUOUS,
                value=text.strip(),
                plain=f"{sign}{whole}{fraction}",
                decimal=f"{sign}{whole},{fraction}",
            )
        digits = whole + "." + fraction
    else:
        digits = cleaned
    value = Decimal(sign + digits)
    if abs(value) >= MAX_AMOUNT:
        raise RefusedValue(NumberRefusal.TOO_LARGE, limit=MAX_AMOUNT)
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

    # Whole numbers keep the shares exact whatever the size of the weights: each weight as
    # numerator over a common denominator, so share = total × n / Σn, remainder included.
    ratios = {key: Decimal(w).as_integer_ratio() for key, w in weights.items()}
    common = math.lcm(*(d for _, d in ratios.values()))
    scaled = {key: n * (common // d) for key, (n, d) in ratios.items()}
    scaled_sum = sum(scaled.values())
    floors: dict[K, int] = {}
    remainders: dict[K, int] = {}
    for key, weight in scaled.items():
        floors[key], remainders[key] = divmod(total * weight, scaled_sum)
    left_over = total - sum(floors.values())
    by_remainder = sorted(remainders, key=lambda key: (-remainders[key], tie_break(key)))
    for key in by_remainder[:left_over]:
        floors[key] += 1
    return {key: Cents(value) for key, value in floors.items()}
