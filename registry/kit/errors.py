"""Domain errors with stable codes and their Dutch and English texts.

Each domain declares what it refuses as an enumeration of `Refusal` (a stable code, the
Dutch text and the English text, with named placeholders); `registry/refusals.py` lists
them all as the one catalogue. Code raises a refusal with the values that fill its
placeholders; the pages, the API and the command line render it in the reader's language.
The domains never write a message themselves.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from enum import Enum
from typing import NamedTuple, TypeVar

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from registry.kit.labels import label
from registry.kit.language import FORMAT_LOCALES, Language

T = TypeVar("T")


class Text(NamedTuple):
    """A stable code (what programs compare) with the Dutch and English text (what people read)."""

    code: str
    nl: str
    en: str


class Refusal(Enum):
    """Base of each domain's enumeration of refusals; a member's value is its `Text`."""

    _value_: Text

    @property
    def code(self) -> str:
        return self.value.code

    def template(self, language: Language) -> str:
        return self.value.nl if language == "nl" else self.value.en

    def placeholders(self, language: Language) -> frozenset[str]:
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.template(language)) if name
        )


@dataclass(frozen=True, slots=True)
class Euro:
    """An amount in cents that a text shows as euros in the reader's notation (€ 1.234,56)."""

    cents: int


@dataclass(frozen=True, slots=True)
class FileSize:
    """A size in bytes that a text shows as people read it (2 MB, 262 kB)."""

    bytes: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """A refusal with the values for its placeholders, rendered only when a reader is known."""

    refusal: Refusal
    params: Mapping[str, Param] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.refusal.code

    def text(self, language: Language) -> str:
        shown = {name: shown_as(value, language) for name, value in self.params.items()}
        return self.refusal.template(language).format_map(shown)


Param = str | int | Decimal | date | Euro | FileSize | Phrase | Enum
"""An `Enum` that is not a refusal is shown by its label (`registry/kit/labels.py`)."""


def shown_as(value: Param, language: Language) -> str:
    """A value inside a sentence as `language` writes it: euros, days, numbers, enum labels."""
    locale = FORMAT_LOCALES[language]
    if isinstance(value, Phrase):
        return value.text(language)
    if isinstance(value, Refusal):
        return Phrase(value).text(language)
    if isinstance(value, Enum):
        return _in_sentence(label(value, language))
    if isinstance(value, Euro):
        return format_currency(Decimal(value.cents).scaleb(-2), "EUR", locale=locale)
    if isinstance(value, FileSize):
        return file_size(value.bytes, language)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_decimal(value, locale=locale, decimal_quantization=False)
    if isinstance(value, date):
        return format_date(value, format="long", locale=locale)
    return value


def file_size(size: int, language: Language) -> str:
    """A size limit in bytes as people read it (2 MB, 262 kB), rounded down so that a file of
    the size shown is never refused."""
    megabytes = size >= 1_000_000
    amount = Decimal(size) / (1_000_000 if megabytes else 1000)
    shown = amount.quantize(Decimal("0.1") if megabytes else Decimal(1), rounding=ROUND_FLOOR)
    unit = "digital-megabyte" if megabytes else "digital-kilobyte"
    return format_unit(shown.normalize(), unit, length="short", locale=FORMAT_LOCALES[language])


def _in_sentence(name: str) -> str:
    """A label inside a sentence: "In productie" becomes "in productie", "RvC" stays."""
    first, _, _ = name.partition(" ")
    return name[:1].lower() + name[1:] if first[1:].islower() else name


class RefusedValue(ValueError):
    """A parser refused a value; the caller knows the field and raises `ValidationFailed`."""

    def __init__(self, refusal: Refusal, **params: Param) -> None:
        self.phrase = Phrase(refusal, params)
        super().__init__(self.phrase.text("en"))


class Phrased:
    """What carries a `Phrase` reads the same way: its code for programs, its English text
    for logs, and its text in a reader's language (a field error, a domain error)."""

    __slots__ = ()
    phrase: Phrase

    @property
    def code(self) -> str:
        return self.phrase.code

    @property
    def message(self) -> str:
        """The English text, for logs and programs; people get `text(language)`."""
        return self.phrase.text("en")

    def text(self, language: Language) -> str:
        return self.phrase.text(language)


@dataclass(frozen=True, slots=True)
class FieldError(Phrased):
    """One broken rule on one field; `field` is a path such as `licence` or `rows[12].cbs_code`."""

    field: str
    phrase: Phrase


def field_error(field_name: str, refusal: Refusal, **params: Param) -> FieldError:
    return FieldError(field_name, Phrase(refusal, params))


class DomainError(Phrased, Exception):
    """Base of every refusal by a domain rule."""

    def __init__(self, refusal: Refusal | Phrase, **params: Param) -> None:
        self.phrase = refusal if isinstance(refusal, Phrase) else Phrase(refusal, params)
        super().__init__(self.phrase.text("en"))


class Common(Refusal):
    """Refusals that every domain and adapter shares."""

    VALIDATION_FAILED = Text(
        "validation_failed", "De invoer is niet in orde.", "The input is not valid."
    )
    REQUIRED = Text("required", "Vul dit in.", "This is required.")
    TOO_LONG = Text("too_long", "Gebruik ten hoogste {limit} tekens.", "at most {limit} characters")
    FORBIDDEN = Text(
        "forbidden",
        "U mag dit niet doen: hiervoor is het recht {permission} nodig.",
        "requires {permission}",
    )
    CONFLICT = Text(
        "conflict",
        "Iemand anders wijzigde dit op hetzelfde moment. Laad de pagina opnieuw en probeer het"
        " nog eens.",
        "changed by someone else at the same moment; reload and try again",
    )


class ValidationFailed(DomainError):
    """Input broke one or more field rules; every broken rule is listed, not just the first."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__(Common.VALIDATION_FAILED)

    @property
    def message(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)

    def text(self, language: Language) -> str:
        return "; ".join(f"{e.field}: {e.text(language)}" for e in self.errors)

    def __str__(self) -> str:
        return self.message

    @classmethod
    def single(
        cls, field_name: str, refusal: Refusal | Phrase, **params: Param
    ) -> ValidationFailed:
        phrase = refusal if isinstance(refusal, Phrase) else Phrase(refusal, params)
        return cls([FieldError(field_name, phrase)])


class NotFound(DomainError):
    """What was asked for does not exist (or the actor may not know that it does)."""


class Forbidden(DomainError):
    """The actor may not do this; the message says what was refused, never why in detail."""


class Conflict(DomainError):
    """The database refused the change because of a change made at the same moment."""


def prefixed(errors: Sequence[FieldError], prefix: str) -> list[FieldError]:
    """Re-root field paths, e.g. errors of one CSV row under `rows[12]`."""
    return [FieldError(f"{prefix}.{e.field}", e.phrase) for e in errors]


class ErrorCollector:
    """Runs several field checks and reports all broken rules at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, value: Callable[[], T]) -> T | None:
        try:
            return value()
        except ValidationFailed as exc:
            self.errors.extend(exc.errors)
            return None

    async def check_awaitable(self, value: Awaitable[T]) -> T | None:
        """`check` for rules that need the database."""
        try:
            return await value
        except ValidationFailed as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, field_name: str, refusal: Refusal | Phrase, **params: Param) -> None:
        phrase = refusal if isinstance(refusal, Phrase) else Phrase(refusal, params)
        self.errors.append(FieldError(field_name, phrase))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
