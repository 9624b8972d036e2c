from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.demo import shipped_population_csv
from registry.kit.errors import ValidationFailed
from registry.members.population import (
    Figure,
    PopulationMissing,
    inhabitants_on,
    parse_cbs_csv,
)

HEADER = "cbs_code,name,year,population\n"


def _figure(code: str, year: int, count: int) -> Figure:
    return Figure(code, code, date(year, 1, 1), count, "test", "final")


def test_shipped_cbs_figures_are_complete() -> None:
    rows = parse_cbs_csv(shipped_population_csv())
    assert len(rows) == 355
    assert sum(r.population for r in rows) == 17_407_585  # CBS total for 1 January 2020
    by_code = {r.cbs_code: r for r in rows}
    assert by_code["GM0632"].population == 52_299
    assert by_code["GM0632"].name == "Woerden"
    assert by_code["GM0632"].reference_date == date(2020, 1, 1)


def test_semicolon_export_with_bom_is_read() -> None:
    rows = parse_cbs_csv("\ufeffcbs_code;name;year;population\nGM0632;Woerden;2021;53000\n")
    assert [(r.cbs_code, r.year, r.population) for r in rows] == [("GM0632", 2021, 53000)]


def test_every_bad_line_is_named_with_its_field() -> None:
    text = (
        HEADER
        + "GM0632,Woerden,2020,52299\n"
        + "GM12,Nergens,2020,5\n"
        + "GM0001,,20x0,-1\n"
        + "GM0632,Woerden,2020,52300\n"
        + "GM0002,Ergens,2020,1,9\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_csv(text)
    found = {(e.field, e.code) for e in caught.value.errors}
    assert found == {
        ("rows[3].cbs_code", "invalid_cbs_code"),
        ("rows[4].name", "required"),
        ("rows[4].year", "not_a_whole_number"),
        ("rows[4].population", "not_a_whole_number"),
        ("rows[5].cbs_code", "duplicate"),
        ("rows[6]", "too_many_fields"),
    }


def test_missing_columns_and_empty_files_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_csv("code,name,year\nGM0632,Woerden,2020\n")
    assert caught.value.errors[0].field == "header"
    assert "cbs_code" in caught.value.errors[0].message
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_csv(HEADER)
    assert caught.value.errors[0].code == "empty"


def test_inhabitants_of_a_gr_are_the_sum_of_its_municipalities() -> None:
    figures = [_figure("GM0757", 2020, 30_801), _figure("GM0845", 2020, 29_208)]
    result = inhabitants_on(["GM0757", "GM0845"], figures, date(2020, 1, 1))
    assert result.total == 60_009
    assert [f.cbs_code for f in result.figures] == ["GM0757", "GM0845"]


def test_latest_figure_on_or_before_the_date_is_used() -> None:
    figures = [_figure("GM0632", 2020, 52_299), _figure("GM0632", 2021, 52_800)]
    assert inhabitants_on(["GM0632"], figures, date(2020, 12, 31)).total == 52_299
    assert inhabitants_on(["GM0632"], figures, date(2021, 1, 1)).total == 52_800
    with pytest.raises(PopulationMissing) as caught:
        inhabitants_on(["GM0632", "GM0772"], figures, date(2019, 6, 1))
    assert caught.value.cbs_codes == ("GM0632", "GM0772")


@given(
    counts=st.dictionaries(
        st.integers(1, 9999).map(lambda n: f"GM{n:04d}"),
        st.lists(st.integers(0, 1_000_000), min_size=1, max_size=4),
        min_size=1,
        max_size=12,
    ),
    year=st.integers(2000, 2005),
)
def test_total_is_the_sum_of_the_itemised_figures(counts: dict[str, list[int]], year: int) -> None:
    figures = [
        _figure(code, 2000 + i, count)
        for code, per_year in counts.items()
        for i, count in enumerate(per_year)
    ]
    result = inhabitants_on(counts, figures, date(year, 12, 31))
    assert result.total == sum(f.count for f in result.figures)
    for f in result.figures:
        per_year = counts[f.cbs_code]
        assert f.count == per_year[min(year - 2000, len(per_year) - 1)]
