from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.demo import shipped_population_csv
from registry.kit.errors import FieldError, ValidationFailed
from registry.members import population
from registry.members.population import (
    MAX_ERRORS,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_LINES,
    Figure,
    PopulationMissing,
    inhabitants_on,
    parse_cbs_csv,
    parse_cbs_file,
    source_label,
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
    assert caught.value.code == "population_missing"
    assert caught.value.message == (
        "no population figure on or before 1 June 2019 for GM0632, GM0772"
    )
    assert caught.value.text("nl") == (
        "Er is geen bevolkingscijfer op of vóór 1 juni 2019 voor GM0632, GM0772."
    )


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


def _refusals(source: bytes | str) -> dict[str, FieldError]:
    """The errors of a refused file by field."""
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_file(io.BytesIO(data))
    return {e.field: e for e in caught.value.errors}


def _refused(source: bytes | str) -> dict[str, tuple[str, str]]:
    """The errors of a refused file: field -> (code, message)."""
    return {field: (e.code, e.message) for field, e in _refusals(source).items()}


FRYSLAN = "GM1900,Súdwest-Fryslân,2020,90000\n"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_byte_order_mark_is_read(bom: bytes) -> None:
    rows = parse_cbs_file(io.BytesIO(bom + (HEADER + FRYSLAN).encode("utf-8")))
    assert [(r.cbs_code, r.name) for r in rows] == [("GM1900", "Súdwest-Fryslân")]


def test_a_latin1_line_is_named_with_byte_and_column() -> None:
    data = (HEADER + "GM0632,Woerden,2020,52299\n" + FRYSLAN).encode("latin-1")
    assert _refused(data) == {
        "rows[3]": (
            "not_utf8",
            "line 3: not UTF-8 (byte 0xfa at column 9); save the file as UTF-8",
        )
    }


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ((HEADER + FRYSLAN).encode("utf-16"), "not_utf8"),  # with byte order mark
        ((HEADER + FRYSLAN).encode("utf-16-be"), "not_text"),  # without: NUL bytes
        (b"\x00" * 100, "not_text"),
    ],
)
def test_utf16_and_binary_files_are_refused_on_the_first_line(data: bytes, code: str) -> None:
    errors = _refused(data)
    assert errors["rows[1]"][0] == code
    assert "save it as UTF-8" in errors["rows[1]"][1]


def test_invalid_utf8_and_lone_surrogates_are_refused_per_line() -> None:
    data = HEADER.encode() + b"GM0632,Woe\xffrden,2020,1\nGM0772,Eindhoven,2020,2\n"
    assert _refused(data)["rows[2]"][0] == "not_utf8"
    assert _refused(HEADER + "GM0632,Woe\ud800rden,2020,1\n")["rows[2]"] == (
        "not_utf8",
        "line 2: not UTF-8 (byte 0xed at column 11); save the file as UTF-8",
    )


@pytest.mark.parametrize(
    "value", ["²", "٣", "５", "1_000", "+5", "-5", "5.0", "52.299", "1e3", "0x10", "\u00a05", ""]
)
def test_numbers_are_ascii_digits_only(value: str) -> None:
    errors = _refused(HEADER + f"GM0632,Woerden,2020,{value}\n")
    assert errors["rows[2].population"][0] in {"not_a_whole_number"}


def test_plain_spaces_around_a_number_are_allowed() -> None:
    rows = parse_cbs_csv(HEADER + "GM0632,Woerden, 2020 , 52299 \n")
    assert (rows[0].year, rows[0].population) == (2020, 52299)


@pytest.mark.parametrize(
    ("year", "count", "field"),
    [
        ("2020", "9" * 4000, "population"),
        ("2020", "20000001", "population"),
        ("1899", "5", "year"),
        ("99999999999999999999999", "5", "year"),
    ],
)
def test_numbers_are_within_a_sane_range(year: str, count: str, field: str) -> None:
    errors = _refused(HEADER + f"GM0632,Woerden,{year},{count}\n")
    assert errors[f"rows[2].{field}"][0] == "out_of_range"
    assert len(errors[f"rows[2].{field}"][1]) < 200


def test_a_year_out_of_range_is_written_as_a_year_and_a_count_grouped() -> None:
    year = _refusals(HEADER + "GM0632,Woerden,1899,5\n")["rows[2].year"]
    assert year.message == "1899 is not between 1900 and 2200"
    assert year.text("nl") == "1899 ligt niet tussen 1900 en 2200."
    count = _refusals(HEADER + "GM0632,Woerden,2020,20000001\n")["rows[2].population"]
    assert count.message == "20,000,001 is not between 0 and 20,000,000"
    assert count.text("nl") == "20.000.001 ligt niet tussen 0 en 20.000.000."


@pytest.mark.parametrize("code", ["GM٠٦٣٢", "GM０６３２", "GM0632" + " " * 30 + "x"])
def test_cbs_codes_are_ascii(code: str) -> None:
    assert _refused(HEADER + f"{code},Woerden,2020,5\n")["rows[2].cbs_code"][0] == (
        "invalid_cbs_code"
    )


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ('=HYPERLINK("http://x")', "formula"),
        ("+31 70", "formula"),
        ("-2+3", "formula"),
        ("@SUM(A1)", "formula"),
        ('" =1+1"', "formula"),
        ("Woer\x07den", "control_character"),
        ("Woer\tden", "control_character"),
        ("\x1b[31mWoerden", "control_character"),
        ("Woer\u202eden", "control_character"),
        ("Woer\u200bden", "control_character"),
        ("Woer\u2028den", "control_character"),
        ("W" * 201, "too_long"),
    ],
)
def test_formulas_and_invisible_characters_in_names_are_refused(name: str, code: str) -> None:
    errors = _refused(HEADER + "GM0772,Eindhoven,2020,1\n" + f"GM0632,{name},2020,5\n")
    assert list(errors) == ["rows[3].name"]
    assert errors["rows[3].name"][0] == code


def test_a_carriage_return_inside_a_line_is_refused() -> None:
    error = _refusals(HEADER + "GM0632,Woer\rden,2020,5\n")["rows[2]"]
    assert (error.code, error.message) == (
        "invalid_csv",
        "line 2: control character U+000D at column 12",
    )
    assert error.text("nl") == "Regel 2: stuurteken U+000D in kolom 12."


def test_an_unclosed_quote_does_not_swallow_the_next_lines() -> None:
    errors = _refused(HEADER + 'GM0632,"Woerden,2020,5\nGM0772,Eindhoven,2020,x\n')
    assert errors["rows[2]"] == (
        "invalid_csv",
        "line 2: a quote is not closed or not followed directly by the separator",
    )
    assert errors["rows[3].population"][0] == "not_a_whole_number"


def test_a_line_over_the_limit_stops_the_read() -> None:
    # A field over the csv module's own limit (128 KiB) is a line over ours.
    errors = _refused(HEADER + "GM0632," + "x" * 200_000 + ",2020,5\n")
    assert errors["rows[2]"][0] == "line_too_long"
    assert f"{MAX_LINE_BYTES:,} bytes" in errors["rows[2]"][1]


class Endless:
    """An endless file: `line(n)` forever, counting what was read from it."""

    def __init__(self, line: Callable[[int], bytes]) -> None:
        self.line = line
        self.lines = 0
        self.read = 0

    def readline(self, size: int = -1, /) -> bytes:
        data = self.line(self.lines)[:size]
        self.lines += 1
        self.read += len(data)
        return data


def _valid(n: int, padding: int = 0) -> bytes:
    note = "x" * padding
    return f"GM{n % 10_000:04d},Ergens,{1900 + n // 10_000},{n},{note}\n".encode()


def test_an_endless_file_stops_at_the_line_limit() -> None:
    source = Endless(lambda n: b"cbs_code,name,year,population,note\n" if n == 0 else _valid(n))
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_file(source)
    assert [e.code for e in caught.value.errors] == ["too_many_lines"]
    assert source.lines == MAX_LINES + 1


def test_an_endless_file_of_long_lines_stops_at_the_size_limit() -> None:
    header = b"cbs_code,name,year,population,note\n"
    source = Endless(lambda n: header if n == 0 else _valid(n, MAX_LINE_BYTES - 40))
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_file(source)
    assert [e.code for e in caught.value.errors] == ["file_too_large"]
    assert source.read <= MAX_FILE_BYTES + MAX_LINE_BYTES


def test_an_endless_stream_of_zeros_stops_after_one_line() -> None:
    source = Endless(lambda n: b"\x00" * 1_000_000)
    assert _refused_from(source) == ["line_too_long"]
    assert source.read == MAX_LINE_BYTES + 1


def _refused_from(source: Endless) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_cbs_file(source)
    return [e.code for e in caught.value.errors]


def test_reading_stops_after_too_many_errors() -> None:
    source = Endless(lambda n: HEADER.encode() if n == 0 else b"GM0632,Woerden,2020,x\n")
    codes = _refused_from(source)
    assert len(codes) == MAX_ERRORS + 1
    assert codes[-1] == "too_many_errors"
    assert source.lines < MAX_ERRORS + 5


def test_limits_are_the_documented_constants() -> None:
    assert (MAX_LINE_BYTES, MAX_FILE_BYTES, MAX_LINES) == (4096, 16_000_000, 100_000)
    assert population.MAX_POPULATION < 100_000_000


@pytest.mark.parametrize("value", ["", " ", "x" * 301, "CBS\x1b[0m"])
def test_the_source_label_is_short_printable_text(value: str) -> None:
    with pytest.raises(ValidationFailed):
        source_label(value)
    assert source_label(" CBS StatLine ") == "CBS StatLine"
