"""The contracts' rules over plain values: no database, no clock, no I/O."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from registry.kit.money import Cents, to_cents


def needs_rvc_approval(amount_cents: int, threshold_cents: int) -> bool:
    """A contract over the threshold (EUR 50,000 by default) needs an approval of the RvC."""
    return amount_cents > threshold_cents


def notice_near(notice_date: date | None, today: date, days_before: int) -> bool:
    """Whether the notice date lies from today up to `days_before` days ahead."""
    return notice_date is not None and today <= notice_date <= today + timedelta(days_before)


def still_to_come(amount_cents: int, start: date, end: date, on: date) -> Cents:
    """What is still to come of a contract's amount after the day `on`, pro rata by days of
    the period (both ends counted), rounded half-up once."""
    if on < start:
        return Cents(amount_cents)
    if on >= end:
        return Cents(0)
    total_days = (end - start).days + 1
    remaining = (end - on).days
    return to_cents(Decimal(amount_cents).scaleb(-2) * remaining / total_days)
