"""The bar chart's geometry, exactly: bars, ticks, labels and the zero line."""

from __future__ import annotations

from fractions import Fraction

import pytest

from registry.kit.charts import Bar, Tick, bar_chart, step_for, svg_number


def test_two_series_over_two_years() -> None:
    chart = bar_chart(["2025", "2026"], [[100_000, 150_000], [50_000, 0]])
    # €1,500 at most: ticks every €500, from 0 to €1,500, over 180 units (12 to 192).
    assert chart.ticks == (
        Tick(0, Fraction(192)),
        Tick(50_000, Fraction(132)),
        Tick(100_000, Fraction(72)),
        Tick(150_000, Fraction(12)),
    )
    assert chart.zero_y == 192
    # 288 units of plot in two groups of 144; a quarter of each is gap; two bars of 54.
    assert chart.bars == (
        Bar(0, 0, 100_000, Fraction(82), Fraction(72), Fraction(54), Fraction(120)),
        Bar(0, 1, 50_000, Fraction(136), Fraction(132), Fraction(54), Fraction(60)),
        Bar(1, 0, 150_000, Fraction(226), Fraction(12), Fraction(54), Fraction(180)),
        Bar(1, 1, 0, Fraction(280), Fraction(192), Fraction(54), Fraction(0)),
    )
    assert [(label.text, label.x) for label in chart.labels] == [("2025", 136), ("2026", 280)]
    assert (chart.width, chart.height, chart.plot_left, chart.plot_right) == (360, 220, 64, 352)


def test_a_credit_hangs_below_the_zero_line() -> None:
    chart = bar_chart(["2025", "2026"], [[-30_000, 20_000]])
    assert [t.cents for t in chart.ticks] == [-40_000, -20_000, 0, 20_000]
    assert [t.y for t in chart.ticks] == [192, 132, 72, 12]
    assert chart.zero_y == 72
    credit, charge = chart.bars
    assert (credit.y, credit.height) == (72, 90)  # from the zero line down
    assert (charge.y, charge.height) == (12, 60)  # up to the zero line
    assert credit.width == 108  # one series: the whole group of 144 less its gap


def test_nothing_but_zeros_still_has_a_scale() -> None:
    chart = bar_chart(["2026"], [[0], [0]])
    assert [t.cents for t in chart.ticks] == [0, 100]
    assert all(bar.height == 0 and bar.y == 192 for bar in chart.bars)


@pytest.mark.parametrize(
    ("span", "step"),
    [(1, 100), (400, 100), (401, 200), (150_000, 50_000), (9_000_000, 5_000_000)],
)
def test_ticks_fall_on_round_euros(span: int, step: int) -> None:
    assert step_for(span) == step


def test_every_series_needs_an_amount_per_year() -> None:
    with pytest.raises(ValueError, match="one amount per category"):
        bar_chart(["2025", "2026"], [[1]])


def test_svg_numbers_have_at_most_two_decimals() -> None:
    assert svg_number(Fraction(1, 3)) == "0.33"
    assert svg_number(72) == "72"
    assert svg_number(Fraction(-5, 2)) == "-2.5"
    assert svg_number(Fraction(2, 3)) == "0.67"
