"""Date and DateTime as Strawberry defines them, refusing years no real input has.

A date like 9999-12-31 is valid ISO but makes date arithmetic in the rules overflow; it is
refused at the API boundary with a clear message instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

MIN_YEAR = 1900
MAX_YEAR = 2199


def _in_range(name: str, parse: Callable[[object], object] | None) -> Callable[[object], object]:
    assert parse is not None

    def inner(value: object) -> object:
        parsed = parse(value)
        if isinstance(parsed, dt.date) and not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise StrawberryInputCoercionError(
                f'Value cannot represent a {name}: "{value}". '
                f"The year must be between {MIN_YEAR} and {MAX_YEAR}."
            )
        return parsed

    return inner


SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.date: dataclasses.replace(
        DateDefinition, parse_value=_in_range("Date", DateDefinition.parse_value)
    ),
    dt.datetime: dataclasses.replace(
        DateTimeDefinition, parse_value=_in_range("DateTime", DateTimeDefinition.parse_value)
    ),
}
