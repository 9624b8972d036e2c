"""The geometry of a grouped bar chart, drawn by the pages as SVG: pure, no I/O.

Categories (years) run along the bottom; each category has one bar per series (contribution,
cost shares; or one member). Amounts are integer cents; the value axis starts at zero (or at
the most negative amount, for credits) and ends at a round number, with a tick per step. All
coordinates are in the SVG's own units (its `viewBox`): the chart is drawn `WIDTH` units wide,
about a phone's width, so its 12-unit text stays readable at 375 px and the SVG scales up on
wider screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

WIDTH = 360
HEIGHT = 220
LEFT = 64
"""Room for the value labels ("€ 120.000")."""
RIGHT = 8
TOP = 12
BOTTOM = 28
"""Room for the category labels."""
GROUP_GAP = Fraction(1, 4)
"""The gap between two categories, as a share of a category's width."""
STEPS = (1, 2, 5)
"""Ticks fall on 1, 2 or 5 times a power of ten (of euros)."""
MAX_TICKS = 5


@dataclass(frozen=True, slots=True)
class Bar:
    category: int
    series: int
    cents: int
    x: Fraction
    y: Fraction
    width: Fraction
    height: Fraction


@dataclass(frozen=True, slots=True)
class Tick:
    cents: int
    y: Fraction


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    x: Fraction
    """The middle of the category."""


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    zero_y: Fraction
    """Where the zero line is; bars above it are charges, below it credits."""
    plot_left: int
    plot_right: int


def step_for(span_cents: int) -> int:
    """The smallest round step (1, 2 or 5 × 10ⁿ whole euros) that covers `span_cents` in at
    most `MAX_TICKS - 1` steps."""
    step = 100
    while True:
        for factor in STEPS:
            candidate = step * factor
            if candidate * (MAX_TICKS - 1) >= span_cents:
                return candidate
        step *= 10


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def bar_chart(categories: Sequence[str], series: Sequence[Sequence[int]]) -> BarChart:
    """The bars of `series[s][c]` cents for series `s` in category `c`."""
    if any(len(values) != len(categories) for values in series):
        raise ValueError("every series has one amount per category")
    amounts = [cents for values in series for cents in values]
    high = max([0, *amounts])
    low = min([0, *amounts])
    step = step_for(max(high - low, 1))
    top = _ceil_to(high, step)
    bottom = -_ceil_to(-low, step)
    if top == bottom:
        top = step
    plot_top, plot_bottom = Fraction(TOP), Fraction(HEIGHT - BOTTOM)
    scale = (plot_bottom - plot_top) / (top - bottom)

    def y_of(cents: int) -> Fraction:
        return plot_bottom - (cents - bottom) * scale

    zero = y_of(0)
    plot_width = Fraction(WIDTH - LEFT - RIGHT)
    group = plot_width / max(len(categories), 1)
    bar_width = group * (1 - GROUP_GAP) / max(len(series), 1)
    bars = []
    for c in range(len(categories)):
        start = LEFT + c * group + group * GROUP_GAP / 2
        for s, values in enumerate(series):
            cents = values[c]
            y = y_of(cents)
            bars.append(
                Bar(
                    category=c,
                    series=s,
                    cents=cents,
                    x=start + s * bar_width,
                    y=min(y, zero),
                    width=bar_width,
                    height=abs(zero - y),
                )
            )
    ticks = tuple(Tick(cents, y_of(cents)) for cents in range(bottom, top + 1, step))
    labels = tuple(Label(text, LEFT + c * group + group / 2) for c, text in enumerate(categories))
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=tuple(bars),
        ticks=ticks,
        labels=labels,
        zero_y=zero,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
    )


def svg_number(value: Fraction | int) -> str:
    """A coordinate as the SVG writes it: at most two decimals, no trailing zeros."""
    hundredths = round(Fraction(value) * 100)
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(hundredths), 100)
    return f"{sign}{whole}" + (f".{rest:02d}".rstrip("0") if rest else "")
