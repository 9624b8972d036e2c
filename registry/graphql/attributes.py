"""GraphQL types made from a record whose attributes carry the same names as their fields (and
a domain's input made from a GraphQL input with the same field names)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from registry.graphql.money import Money

T = TypeVar("T")


def from_attributes(cls: type[T], source: object, **values: Any) -> T:
    """An instance of the GraphQL type (or domain input dataclass) `cls`: each of its fields
    (not the resolved ones) from `values` when given there, otherwise from `source`'s
    attribute of the same name."""
    fields = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    return cls(
        **{name: values[name] if name in values else getattr(source, name) for name in fields}
    )


def amounts(source: object, *names: str) -> dict[str, Money]:
    """The money fields `names`, each from `source`'s attribute of that name in cents
    (`<name>_cents`): the values to give `from_attributes` or the type itself."""
    return {name: Money.of_cents(getattr(source, f"{name}_cents")) for name in names}
