"""Pure rules of adoption and usage: lifecycle, months, tariffs and usage fees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.catalogue.models import ApplicationStatus as Status
from registry.kit.errors import ValidationFailed
from registry.usage.models import AdoptionStage as S
from registry.usage.models import Metric
from registry.usage.rules import (
    Tariff,
    Usage,
    check_advance,
    parse_metric,
    parse_period,
    right_covers,
    usage_fees,
)

TODAY = date(2026, 11, 23)


def _code(call: object) -> str:
    assert isinstance(call, ValidationFailed)
    return call.errors[0].code


@pytest.mark.parametrize(
    ("current", "target", "on", "status", "code"),
    [
        (S.PLANNED, S.ACQUISITION, TODAY, Status.PRODUCTION, "invalid_transition"),
        (S.PLANNED, S.PLANNED, TODAY, Status.PRODUCTION, "invalid_transition"),
        (S.ACQUISITION, S.PLANNED, date(2026, 12, 1), Status.PRODUCTION, "in_future"),
        (S.ACQUISITION, S.PLANNED, date(2019, 1, 1), Status.PRODUCTION, "before_previous_stage"),
        (S.PLANNED, S.IN_PRODUCTION, TODAY, Status.BUILD, "application_not_ready"),
    ],
)
def test_advance_refusals(current: S, target: S, on: date, status: Status, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_advance(current, target, on, date(2020, 1, 1), TODAY, status)
    assert _code(refused.value) == code


def test_advance_forward_and_skipping_is_allowed() -> None:
    check_advance(S.PLANNED, S.IN_PRODUCTION, TODAY, date(2020, 1, 1), TODAY, Status.ACCEPTANCE)
    check_advance(S.ACQUISITION, S.PHASED_OUT, TODAY, TODAY, TODAY, Status.IDEA)


def test_advance_refusals_name_the_stages_and_status_in_the_readers_language() -> None:
    with pytest.raises(ValidationFailed) as backwards:
        check_advance(S.IN_PRODUCTION, S.PLANNED, TODAY, TODAY, TODAY, Status.PRODUCTION)
    assert backwards.value.errors[0].text("nl") == (
        "U kunt niet van in productie naar gepland: de fasen van het gebruik gaan alleen vooruit."
    )
    assert backwards.value.errors[0].message == (
        "cannot move from in production to planned: the lifecycle only goes forward"
    )
    with pytest.raises(ValidationFailed) as not_ready:
        check_advance(S.PLANNED, S.IN_PRODUCTION, TODAY, TODAY, TODAY, Status.BUILD)
    assert not_ready.value.errors[0].text("nl").startswith("De applicatie is in de fase bouw;")
    with pytest.raises(ValidationFailed) as early:
        check_advance(
            S.ACQUISITION, S.PLANNED, date(2019, 1, 1), date(2020, 1, 1), TODAY, Status.IDEA
        )
    assert (
        early.value.errors[0].text("nl")
        == "1 januari 2019 ligt vóór de vorige fase (1 januari 2020)."
    )


def test_periods_and_metrics() -> None:
    assert parse_period("2026-02") == date(2026, 2, 1)
    for bad in ("2026-13", "2026-2", "feb 2026", "1800-01"):
        with pytest.raises(ValidationFailed) as refused:
            parse_period(bad)
        assert _code(refused.value) == "invalid_period"
    assert parse_metric(" Transactions ") is Metric.TRANSACTIONS
    with pytest.raises(ValidationFailed) as unknown:
        parse_metric("kopjes koffie")
    assert _code(unknown.value) == "unknown_metric"


def test_right_covers_any_day_of_the_month() -> None:
    assert right_covers(date(2026, 3, 31), None, date(2026, 3, 1))
    assert not right_covers(date(2026, 4, 1), None, date(2026, 3, 1))
    assert right_covers(date(2020, 1, 1), date(2026, 3, 1), date(2026, 3, 1))
    assert not right_covers(date(2020, 1, 1), date(2026, 2, 28), date(2026, 3, 1))
    assert right_covers(date(2020, 1, 1), None, date(2026, 12, 1))


def test_usage_fees_use_the_tariff_in_force_and_round_each_line_once() -> None:
    tariffs = [
        Tariff("zaak", Metric.CASES_HANDLED, Decimal("0.12"), date(2024, 1, 1), "ALV-1"),
        Tariff("zaak", Metric.CASES_HANDLED, Decimal("0.125"), date(2026, 7, 1), "ALV-2"),
    ]
    usage = [
        Usage("zaak", date(2026, 6, 1), Metric.CASES_HANDLED, Decimal(1003)),
        Usage("zaak", date(2026, 7, 1), Metric.CASES_HANDLED, Decimal(1003)),
        Usage("zaak", date(2023, 12, 1), Metric.CASES_HANDLED, Decimal(500)),  # no tariff yet
        Usage("zaak", date(2026, 7, 1), Metric.ACTIVE_USERS, Decimal(40)),  # no tariff
    ]
    lines = usage_fees(usage, tariffs)
    # June: 1003 × 0.12 = 120.36; July: 1003 × 0.125 = 125.375 → 125.38 (half up)
    assert [(line.period.month, line.amount, line.decision) for line in lines] == [
        (6, 12_036, "ALV-1"),
        (7, 12_538, "ALV-2"),
    ]


@given(
    quantity=st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False),
    price=st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False),
)
def test_a_usage_fee_is_the_exact_product_rounded_half_up(
    quantity: Decimal, price: Decimal
) -> None:
    tariff = Tariff("a", Metric.TRANSACTIONS, price, date(2020, 1, 1), "d")
    (line,) = usage_fees([Usage("a", date(2026, 1, 1), Metric.TRANSACTIONS, quantity)], [tariff])
    exact = quantity * price * 100
    assert abs(Decimal(line.amount) - exact) <= Decimal("0.5")
    assert line.amount >= 0
