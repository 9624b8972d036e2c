"""Population figures: reading a CBS export and a member's inhabitants on a date.

Pure functions: no database, so the same rule serves the import, the API and the fee runs.

A CBS export is read as a stream of lines with hard limits (line length, file size, number of
lines), so a wrong or endless file is refused after a bounded read, never read whole into
memory. The file must be UTF-8 (with or without byte order mark), as the CBS files are.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from registry.kit.errors import (
    DomainError,
    ErrorCollector,
    FieldError,
    FileSize,
    Param,
    Phrase,
    ValidationFailed,
    field_error,
    prefixed,
)
from registry.members import identifiers
from registry.members.errors import MembersRefusal

CBS_COLUMNS = ("cbs_code", "name", "year", "population")
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_POPULATION = 20_000_000
"""More than the whole country (18 million in 2025): a larger figure is a typing error."""

MAX_LINE_BYTES = 4 * 1024
"""Longest line read, in bytes, end of line included; a CBS line is about 40 bytes."""
MAX_FILE_BYTES = 16_000_000
"""Largest file read; the CBS export of one year is about 12 KiB."""
MAX_LINES = 100_000
"""Most lines read (header included): 355 municipalities a year for more than 250 years."""
MAX_ERRORS = 100
"""Reading stops after this many errors: enough to see what is wrong with a file."""
MAX_NAME_LENGTH = 200
"""Longest municipality name, as stored."""

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_FORMULA_START = ("=", "+", "-", "@")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Readable(Protocol):
    """A binary file opened for reading (or anything else that reads lines that way)."""

    def readline(self, size: int = -1, /) -> bytes: ...


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
    """Some municipalities have no figure on a date; the caller knows which field that refuses."""

    def __init__(self, on: date, cbs_codes: Sequence[str]) -> None:
        self.on = on
        self.cbs_codes = tuple(cbs_codes)
        super().__init__(
            MembersRefusal.POPULATION_MISSING, on=on, municipalities=", ".join(self.cbs_codes)
        )


def _shown(value: str, limit: int = 40) -> str:
    """A value from the file, safe to show in a message: escaped and shortened."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def _invisible(text: str) -> tuple[int, str] | None:
    """The first control, format or line-separator character in `text`: (column, U+XXXX)."""
    for index, char in enumerate(text):
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}:
            return index + 1, f"U+{ord(char):04X}"
    return None


def _int_field(
    raw: str,
    field: str,
    low: int,
    high: int,
    errors: ErrorCollector,
    shown: Callable[[int], Param] = int,
) -> int | None:
    """A whole number written with the ASCII digits 0-9 only (plain spaces around it allowed).

    `shown` turns a number into what the refusal shows: a count is grouped per language
    (20.000.000), a year is written as is (`str`), never as 2.200.
    """
    text = raw.strip(" ")
    if not _DIGITS.fullmatch(text):
        errors.add(field, MembersRefusal.NOT_A_WHOLE_NUMBER, value=_shown(raw))
        return None
    bounds = {"low": shown(low), "high": shown(high)}
    if len(text.lstrip("0")) > len(str(high)):
        errors.add(field, MembersRefusal.OUT_OF_RANGE, value=_shown(text), **bounds)
        return None
    value = int(text)
    if not low <= value <= high:
        errors.add(field, MembersRefusal.OUT_OF_RANGE, value=shown(value), **bounds)
        return None
    return value


def _name_field(raw: str, errors: ErrorCollector) -> str | None:
    """A municipality name: printable text that a spreadsheet will not take for a formula."""
    name = raw.strip()
    if not name:
        errors.add("name", MembersRefusal.MUNICIPALITY_NAME_EMPTY)
        return None
    if len(name) > MAX_NAME_LENGTH:
        errors.add("name", MembersRefusal.NAME_TOO_LONG, limit=MAX_NAME_LENGTH)
        return None
    if name[0] in _FORMULA_START:
        errors.add("name", MembersRefusal.NAME_IS_FORMULA, char=name[0])
        return None
    return name


def _parse_row(line: int, record: Mapping[str, str]) -> PopulationRow:
    errors = ErrorCollector()
    fields: dict[str, str] = {}
    for column in CBS_COLUMNS:
        value = record.get(column, "")
        found = _invisible(value)
        if found is None:
            fields[column] = value
        else:
            column_at, char = found
            errors.add(column, MembersRefusal.CONTROL_CHARACTER, char=char, position=column_at)
    code = None
    if "cbs_code" in fields and len(fields["cbs_code"]) > 20:
        errors.add("cbs_code", MembersRefusal.INVALID_CBS_CODE, value=_shown(fields["cbs_code"]))
    elif "cbs_code" in fields:
        code = errors.check(lambda: identifiers.cbs_code(fields["cbs_code"]))
    name = _name_field(fields["name"], errors) if "name" in fields else None
    year = count = None
    if "year" in fields:
        year = _int_field(fields["year"], "year", MIN_YEAR, MAX_YEAR, errors, shown=str)
    if "population" in fields:
        count = _int_field(fields["population"], "population", 0, MAX_POPULATION, errors)
    errors.raise_if_any()
    assert code is not None
    assert name is not None
    assert year is not None
    assert count is not None
    return PopulationRow(line, code, name, year, count)


def _stop(errors: Sequence[FieldError], stop: FieldError) -> ValidationFailed:
    """Everything found so far, and the reason reading stopped."""
    return ValidationFailed([*errors, stop])


def _decoded_lines(source: Readable, errors: list[FieldError]) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, read within the limits; broken lines go to `errors`.

    A line that cannot be decoded is reported and skipped (the header stops the read); a line,
    file or error count over its limit stops the read at once, with everything found so far.
    """
    number = size = 0
    while True:
        raw = source.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        size += len(raw)
        field = f"rows[{number}]"
        if len(raw) > MAX_LINE_BYTES:
            raise _stop(
                errors,
                field_error(field, MembersRefusal.LINE_TOO_LONG, line=number, limit=MAX_LINE_BYTES),
            )
        if size > MAX_FILE_BYTES:
            raise _stop(
                errors,
                field_error(
                    "rows",
                    MembersRefusal.FILE_TOO_LARGE,
                    limit=FileSize(MAX_FILE_BYTES),
                    line=number,
                ),
            )
        if number > MAX_LINES:
            raise _stop(errors, field_error("rows", MembersRefusal.TOO_MANY_LINES, limit=MAX_LINES))
        if number == 1:
            if raw.startswith(_UTF16_BOMS):
                raise _stop(errors, field_error(field, MembersRefusal.FILE_IS_UTF16))
            raw = raw.removeprefix(codecs.BOM_UTF8)
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[: exc.start].decode("utf-8")) + 1
            errors.append(
                field_error(
                    field,
                    MembersRefusal.NOT_UTF8,
                    line=number,
                    byte=f"{raw[exc.start]:02x}",
                    column=column,
                )
            )
            if number == 1:
                raise ValidationFailed(errors) from None
            continue
        if "\x00" in text:
            errors.append(
                field_error(
                    field, MembersRefusal.NUL_BYTE, line=number, column=text.index(chr(0)) + 1
                )
            )
            if number == 1:
                raise ValidationFailed(errors)
            continue
        yield number, text


def _split(text: str, delimiter: str) -> list[str]:
    return next(csv.reader([text], delimiter=delimiter, strict=True), [])


def _csv_refusal(line: int, text: str) -> Phrase:
    """Why the csv module refused a line: a control character, else its quotes.

    Each line is read on its own, within MAX_LINE_BYTES and without NUL, so what is left for
    the csv module to refuse is a quote that is not closed or not followed by the separator.
    """
    found = _invisible(text)
    if found is not None:
        column, char = found
        return Phrase(
            MembersRefusal.CSV_CONTROL_CHARACTER, {"line": line, "char": char, "column": column}
        )
    return Phrase(MembersRefusal.CSV_QUOTES, {"line": line})


def parse_cbs_file(source: Readable) -> list[PopulationRow]:
    """Read `cbs_code,name,year,population` (comma or semicolon) from a UTF-8 stream.

    Every bad line is reported at once (up to MAX_ERRORS); field paths are `rows[N].column`,
    N being the line number in the file (header is line 1). Each line is one record: a field
    cannot span lines. Reading stops at MAX_LINE_BYTES per line, MAX_FILE_BYTES or MAX_LINES.
    """
    errors: list[FieldError] = []
    lines = _decoded_lines(source, errors)
    first = next(lines, None)
    header_text = first[1] if first else ""
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    try:
        header = tuple(h.strip() for h in _split(header_text, delimiter))
    except csv.Error:
        header = ()
    missing = [c for c in CBS_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed.single(
            "header",
            MembersRefusal.MISSING_COLUMNS,
            missing=", ".join(missing),
            expected=",".join(CBS_COLUMNS),
        )
    rows: list[PopulationRow] = []
    seen: dict[tuple[str, int], int] = {}
    for line, text in lines:
        if len(errors) >= MAX_ERRORS:
            raise _stop(errors, field_error("rows", MembersRefusal.TOO_MANY_ERRORS, line=line))
        if not text.strip():
            continue
        try:
            values = _split(text, delimiter)
        except csv.Error:
            errors.append(FieldError(f"rows[{line}]", _csv_refusal(line, text)))
            continue
        if len(values) > len(header):
            errors.append(field_error(f"rows[{line}]", MembersRefusal.TOO_MANY_FIELDS))
            continue
        record = dict(zip(header, values, strict=False))
        try:
            row = _parse_row(line, record)
        except ValidationFailed as exc:
            errors.extend(prefixed(exc.errors, f"rows[{line}]"))
            continue
        key = (row.cbs_code, row.year)
        if key in seen:
            errors.append(
                field_error(
                    f"rows[{line}].cbs_code",
                    MembersRefusal.DUPLICATE_FIGURE,
                    code=row.cbs_code,
                    year=str(row.year),
                    first=seen[key],
                )
            )
            continue
        seen[key] = line
        rows.append(row)
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed.single("rows", MembersRefusal.NO_FIGURES)
    return rows


def parse_cbs_csv(text: str) -> list[PopulationRow]:
    """`parse_cbs_file` on text already in memory (the shipped figures, tests)."""
    return parse_cbs_file(io.BytesIO(text.encode("utf-8", "surrogatepass")))


def source_label(value: str) -> str:
    """The source recorded with imported figures: printable text of at most 300 characters."""
    label = value.strip()
    if not label or len(label) > 300 or _invisible(label) is not None:
        raise ValidationFailed.single("source", MembersRefusal.INVALID_SOURCE)
    return label


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
