"""The charts of the member and pool pages: which amounts they draw, per year.

The geometry is `registry.kit.charts`; the template `_chart.html` draws it as SVG, with a
title, a description and the table of the same amounts as its text alternative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry.costs.reading import MemberShare, PoolOverview
from registry.fees.models import FeeLine


@dataclass(frozen=True, slots=True)
class ChartData:
    """Amounts in cents per series (one row per series) and category (a year)."""

    categories: tuple[str, ...]
    series: tuple[str, ...]
    """The series' names (already in the page language, or a member's name)."""
    values: tuple[tuple[int, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.categories

    def rows(self) -> list[tuple[str, list[int]]]:
        """Per category its amounts, series by series: the rows of the data table."""
        return [
            (category, [values[c] for values in self.values])
            for c, category in enumerate(self.categories)
        ]


def member_chart(
    contributions: Iterable[tuple[int, FeeLine]] | None,
    shares: Sequence[MemberShare] | None,
    names: Sequence[str],
) -> ChartData:
    """A member's contribution and cost shares per year; `names` are the two series' names."""
    contributed = {year: line.amount_cents for year, line in contributions or ()}
    shared: dict[int, int] = {}
    for share in shares or ():
        year = share.run.booked_on.year
        shared[year] = shared.get(year, 0) + share.amount
    years = sorted(set(contributed) | set(shared))
    return ChartData(
        categories=tuple(str(year) for year in years),
        series=tuple(names),
        values=(
            tuple(contributed.get(year, 0) for year in years),
            tuple(shared.get(year, 0) for year in years),
        ),
    )


def pool_chart(view: PoolOverview, names: Mapping[str, str]) -> ChartData:
    """What each member bears in a pool per year (the year its runs were booked)."""
    per_member: dict[str, dict[int, int]] = {}
    for run in view.runs:
        for code, cents in view.run_totals(run).items():
            found = per_member.setdefault(code, {})
            found[run.booked_on.year] = found.get(run.booked_on.year, 0) + cents
    years = sorted({year for found in per_member.values() for year in found})
    codes = sorted(per_member, key=lambda code: (names.get(code, code), code))
    return ChartData(
        categories=tuple(str(year) for year in years),
        series=tuple(names.get(code, code) for code in codes),
        values=tuple(tuple(per_member[code].get(year, 0) for year in years) for code in codes),
    )


CHART_GLOBALS: Mapping[str, Any] = {"member_chart": member_chart, "pool_chart": pool_chart}
