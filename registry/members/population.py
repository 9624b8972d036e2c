"""Population figures: reading a CBS export and a member's inhabitants on a date.

Pure functions: no database, so the same rule serves the import, the API and the fee runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from registry.kit.errors import DomainError, ErrorCollector, FieldError, ValidationFailed, prefixed
from registry.members import identifiers

CBS_COLUMNS = ("cbs_code", "name", "year", "population")
MIN_YEAR, MAX_YEAR = 1900, 2200


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """One line of a CBS export: inhabitants of a municipality on 1 January of `year`."""

    line: int
    cbs_code: str
    name: str
    year: int
    population: int

    @property
    def reference_date(self) -> date:
        return date(self.year, 1, 1)


@dataclass(frozen=True, slots=True)
class Figure:
    """A population figure as used in a computation, with where it came from."""

    cbs_code: str
    municipality: str
    reference_date: date
    count: int
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class Inhabitants:
    """A member's inhabitants on a date: the sum of its municipalities' figures, kept itemised."""

    on: date
    total: int
    figures: tuple[Figure, ...]


class PopulationMissing(DomainError):
    code = "population_missing"

    def __init__(self, on: date, cbs_codes: Sequence[str]) -> None:
        self.on = on
        self.cbs_codes = tuple(cbs_codes)
        super().__init__(
            f"no population figure on or before {on.isoformat()} for {', '.join(self.cbs_codes)}"
        )


def _int_field(raw: str, field: str, low: int, high: int, errors: ErrorCollector) -> int | None:
    text = raw.strip()
    if not text.isdigit():
        errors.add(field, "not_a_whole_number", f"'{raw}' is not a whole number")
        return None
    value = int(text)
    if not low <= value <= high:
        errors.add(field, "out_of_range", f"{value} is not between {low} and {high}")
        return None
    return value


def _parse_row(line: int, record: Mapping[str, str | None]) -> PopulationRow:
    errors = ErrorCollector()
    code = errors.check(lambda: identifiers.cbs_code(record.get("cbs_code") or ""))
    name = (record.get("name") or "").strip()
    if not name:
        errors.add("name", "required", "the municipality name is empty")
    year = _int_field(record.get("year") or "", "year", MIN_YEAR, MAX_YEAR, errors)
    count = _int_field(record.get("population") or "", "population", 0, 100_000_000, errors)
    errors.raise_if_any()
    assert code is not None
    assert year is not None
    assert count is not None
    return PopulationRow(line, code, name, year, count)


def parse_cbs_csv(text: str) -> list[PopulationRow]:
    """Parse `cbs_code,name,year,population` (comma or semicolon); report every bad line at once.

    Field paths are `rows[N].column`, N being the line number in the file (header is line 1).
    """
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    missing = [c for c in CBS_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed.single(
            "header",
            "missing_columns",
            f"missing column(s) {', '.join(missing)}; expected {','.join(CBS_COLUMNS)}",
        )
    reader.fieldnames = list(header)
    rows: list[PopulationRow] = []
    errors: list[FieldError] = []
    seen: dict[tuple[str, int], int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            errors.append(
                FieldError(
                    f"rows[{line}]", "too_many_fields", "the line has more fields than the header"
                )
            )
            continue
        try:
            row = _parse_row(line, record)
        except ValidationFailed as exc:
            errors.extend(prefixed(exc.errors, f"rows[{line}]"))
            continue
        key = (row.cbs_code, row.year)
        if key in seen:
            errors.append(
                FieldError(
                    f"rows[{line}].cbs_code",
                    "duplicate",
                    f"{row.cbs_code} for {row.year} already appears on line {seen[key]}",
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed.single("rows", "empty", "the file holds no population figures")
    return rows


def inhabitants_on(cbs_codes: Iterable[str], figures: Iterable[Figure], on: date) -> Inhabitants:
    """Sum, per municipality, the latest figure with a reference date on or before `on`."""
    wanted = sorted(set(cbs_codes))
    latest: dict[str, Figure] = {}
    for figure in figures:
        if figure.cbs_code not in wanted or figure.reference_date > on:
            continue
        current = latest.get(figure.cbs_code)
        if current is None or figure.reference_date > current.reference_date:
            latest[figure.cbs_code] = figure
    missing = [code for code in wanted if code not in latest]
    if missing:
        raise PopulationMissing(on, missing)
    used = tuple(latest[code] for code in wanted)
    return Inhabitants(on=on, total=sum(f.count for f in used), figures=used)
