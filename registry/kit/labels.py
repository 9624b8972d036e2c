"""What people read instead of an enum's internal value, in Dutch and English.

Each domain declares the labels of its enums next to them (`registry/<domain>/labels.py`):

    METRIC = labels(Metric, {Metric.ACTIVE_USERS: Label("Actieve gebruikers", "Active users"), ...})

A declaration that leaves a member out is refused when the module is imported, so a new
member cannot reach a page or an export as "cases_handled". Pages use the Jinja filter
`label` (the page language), exports `label(value, language)` (the export's language).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import NamedTuple, TypeVar

from registry.kit.language import Language

E = TypeVar("E", bound=Enum)


class Label(NamedTuple):
    nl: str
    en: str

    def text(self, language: Language) -> str:
        return self.nl if language == "nl" else self.en


_DECLARED: dict[type[Enum], Mapping[Enum, Label]] = {}


def labels(enum: type[E], declared: Mapping[E, Label]) -> Mapping[E, Label]:
    """Register the labels of every member of `enum`; refused when one is missing."""
    missing = [member.name for member in enum if member not in declared]
    if missing:
        raise ValueError(f"{enum.__qualname__}: no label for {', '.join(missing)}")
    if enum in _DECLARED and _DECLARED[enum] != declared:
        raise ValueError(f"{enum.__qualname__}: labels declared twice")
    _DECLARED[enum] = {member: declared[member] for member in enum}
    return declared


def label(value: Enum, language: Language) -> str:
    """The label of `value` in `language`; an enum without labels is a programming error."""
    try:
        return _DECLARED[type(value)][value].text(language)
    except KeyError:
        raise LookupError(f"{type(value).__qualname__}.{value.name} has no label") from None


def has_labels(enum: type[Enum]) -> bool:
    return enum in _DECLARED


def labelled() -> frozenset[type[Enum]]:
    return frozenset(_DECLARED)
