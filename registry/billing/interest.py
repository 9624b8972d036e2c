"""Statutory commercial interest (wettelijke handelsrente) on a late invoice: pure rules.

Simple interest per day, day count actual/365, at the rate of each half year the days fall
in (the rates ship in data/statutory_commercial_interest.csv with their source); the sum is
exact and rounded once, in `registry.kit.money`. Compounding after a full year (art. 6:119
lid 2 BW) is not applied: the registry only shows the interest on a notice, it never adds it
to an invoice."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from registry.kit.money import Cents, to_cents, to_euro

RATES_FILE = Path(__file__).resolve().parent / "data" / "statutory_commercial_interest.csv"
DAYS_IN_YEAR = Decimal(365)


@dataclass(frozen=True, slots=True)
class Rate:
    since: date
    percent: Decimal


def read_rates(text: str) -> tuple[Rate, ...]:
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    rates = tuple(Rate(date.fromisoformat(r["from"]), Decimal(r["percent"])) for r in rows)
    if list(rates) != sorted(rates, key=lambda r: r.since):
        raise ValueError("interest rates are not in date order")
    return rates


@lru_cache(maxsize=1)
def shipped_rates() -> tuple[Rate, ...]:
    return read_rates(RATES_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class InterestPart:
    """The days of one rate period."""

    first_day: date
    last_day: date
    percent: Decimal
    days: int
    exact: Decimal
    """In euros, unrounded."""


@dataclass(frozen=True, slots=True)
class Interest:
    cents: Cents
    parts: tuple[InterestPart, ...]


def interest(
    amount_cents: int, due: date, until: date, rates: Sequence[Rate] | None = None
) -> Interest:
    """Interest on `amount_cents` for the days after `due` up to and including `until`."""
    table = tuple(rates if rates is not None else shipped_rates())
    first = due + timedelta(days=1)
    if amount_cents <= 0 or until < first:
        return Interest(to_cents(Decimal(0)), ())
    if first < table[0].since:
        raise ValueError(f"no interest rate known before {table[0].since}")
    parts = []
    for index, rate in enumerate(table):
        next_since = table[index + 1].since if index + 1 < len(table) else None
        start = max(first, rate.since)
        end = until if next_since is None else min(until, next_since - timedelta(days=1))
        if end < start:
            continue
        days = (end - start).days + 1
        exact = to_euro(amount_cents) * rate.percent / 100 * days / DAYS_IN_YEAR
        parts.append(InterestPart(start, end, rate.percent, days, exact))
    return Interest(to_cents(sum((p.exact for p in parts), Decimal(0))), tuple(parts))
