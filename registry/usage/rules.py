"""Pure rules of adoption and usage: the lifecycle, periods, and usage fees.

No I/O, so the API, the pages, the bulk import and invoicing use the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from registry.catalogue.models import ApplicationStatus
from registry.kit.errors import RefusedValue, ValidationFailed
from registry.kit.money import Cents, parse_number, to_cents
from registry.usage.errors import UsageRefusal
from registry.usage.models import AdoptionStage, Metric

ORDER = tuple(AdoptionStage)
PRODUCTION_READY = (ApplicationStatus.ACCEPTANCE, ApplicationStatus.PRODUCTION)
"""Application statuses in which a member may take it into production."""

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def stage_field(stage: AdoptionStage) -> str:
    """The adoption column holding the date a stage was reached."""
    return f"{stage.value}_on"


def check_advance(
    current: AdoptionStage,
    target: AdoptionStage,
    on: date,
    previous_date: date,
    today: date,
    application_status: ApplicationStatus,
) -> None:
    """Forward only (stages may be skipped), dated on or after the previous stage, not in the
    future; in production only for an application in acceptance or production."""
    if ORDER.index(target) <= ORDER.index(current):
        raise ValidationFailed.single(
            "stage",
            UsageRefusal.STAGE_BACKWARDS,
            current=current,
            target=target,
        )
    if on > today:
        raise ValidationFailed.single("date", UsageRefusal.STAGE_IN_FUTURE, day=on)
    if on < previous_date:
        raise ValidationFailed.single(
            "date", UsageRefusal.BEFORE_PREVIOUS_STAGE, day=on, previous=previous_date
        )
    if target is AdoptionStage.IN_PRODUCTION and application_status not in PRODUCTION_READY:
        raise ValidationFailed.single(
            "stage", UsageRefusal.APPLICATION_NOT_READY, status=application_status
        )


def parse_period(text: str, field: str = "period") -> date:
    """A month as YYYY-MM, stored as its first day."""
    match = _PERIOD.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1990 <= int(match.group(1)) <= 2200:
        raise ValidationFailed.single(field, UsageRefusal.INVALID_PERIOD, value=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_of(day: date) -> date:
    return day.replace(day=1)


def parse_metric(text: str, field: str = "metric") -> Metric:
    try:
        return Metric(text.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            field,
            UsageRefusal.UNKNOWN_METRIC,
            value=text,
            metrics=", ".join(m.value for m in Metric),
        ) from None


def parse_quantity(value: Decimal | str, field: str = "quantity") -> Decimal:
    """A quantity, also as a person types it (Dutch or plain notation; "1.000" reads two ways)."""
    if isinstance(value, str):
        try:
            value = parse_number(value)
        except RefusedValue as exc:
            raise ValidationFailed.single(field, exc.phrase) from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed.single(field, UsageRefusal.NEGATIVE_QUANTITY)
    return value


def right_covers(start: date, end: date | None, period: date) -> bool:
    """Whether a usage right runs on any day of the month `period`."""
    next_month = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return start < next_month and (end is None or end >= period)


@dataclass(frozen=True, slots=True)
class Usage:
    application: str
    period: date
    metric: Metric
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Tariff:
    application: str
    metric: Metric
    price: Decimal
    valid_from: date
    decision: str


@dataclass(frozen=True, slots=True)
class UsageFeeLine:
    """One billable line: a quantity at the tariff in force, rounded to the cent once."""

    application: str
    period: date
    metric: Metric
    quantity: Decimal
    price: Decimal
    decision: str
    amount: Cents


def tariff_for(
    tariffs: Sequence[Tariff], application: str, metric: Metric, period: date
) -> Tariff | None:
    """The tariff in force in a month: the latest one valid from that month or earlier."""
    valid = [
        t
        for t in tariffs
        if t.application == application and t.metric is metric and t.valid_from <= period
    ]
    return max(valid, key=lambda t: t.valid_from) if valid else None


def usage_fees(usage: Iterable[Usage], tariffs: Sequence[Tariff]) -> list[UsageFeeLine]:
    """Usage fees: quantity × tariff per (application, month, metric); usage without a tariff
    costs nothing. Ordered by application, month and metric."""
    lines = []
    for item in usage:
        tariff = tariff_for(tariffs, item.application, item.metric, item.period)
        if tariff is None:
            continue
        lines.append(
            UsageFeeLine(
                application=item.application,
                period=item.period,
                metric=item.metric,
                quantity=item.quantity,
                price=tariff.price,
                decision=tariff.decision,
                amount=to_cents(item.quantity * tariff.price),
            )
        )
    return sorted(lines, key=lambda line: (line.application, line.period, line.metric.value))
