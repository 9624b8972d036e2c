"""The operation counters of `/metrics` take whatever a client sends as the operation's name:
a name that is not a string is counted as another operation, never an internal error."""

from __future__ import annotations

from typing import Any

from registry.graphql.schema import schema
from registry.http.observability import GRAPHQL_OPERATIONS, OTHER_OPERATION


def _count() -> float:
    return GRAPHQL_OPERATIONS.labels(OTHER_OPERATION, "error")._value.get()  # type: ignore[attr-defined, no-any-return]


async def test_an_operation_name_that_is_not_a_string_is_counted_as_another() -> None:
    before = _count()
    name: Any = [True]  # as a client's JSON body can carry it
    result = await schema.execute("µ!", operation_name=name)
    assert result.errors is not None
    assert result.errors[0].message.startswith("Syntax Error"), result.errors[0].message
    assert _count() == before + 1
