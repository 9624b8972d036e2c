"""Typed errors for mutation payloads: which input field broke which rule, in the reader's words."""

from __future__ import annotations

import re
from enum import Enum

import strawberry
from strawberry.utils.str_converters import to_camel_case

from registry.graphql.context import Info
from registry.kit.errors import DomainError, Phrase, ValidationFailed
from registry.refusals import codes

_SEGMENT = re.compile(r"[A-Za-z_]+")

_CODES: type[Enum] = Enum("ErrorCode", {code: code for code in codes()})  # type: ignore[misc]
ErrorCode = strawberry.enum(
    _CODES,
    description=(
        "Every stable code the registry refuses with; the values are the codes as they were"
        " strings before, so clients that compared strings keep working."
    ),
)


@strawberry.type(
    description=(
        "A refused input: the field (path in the input), a stable code, and a message in the"
        " language of the request's Accept-Language (Dutch or English; English by default)."
    )
)
class FieldError:
    field: str
    code: ErrorCode  # type: ignore[valid-type]
    phrase: strawberry.Private[Phrase]

    @strawberry.field
    def message(self, info: Info) -> str:
        return self.phrase.text(info.context.language)


def _error(field: str, phrase: Phrase) -> FieldError:
    return FieldError(field=field, code=ErrorCode[phrase.code], phrase=phrase)


def field_errors(error: DomainError) -> list[FieldError]:
    """Domain errors use the domain's snake_case names; the API speaks its own camelCase."""
    if isinstance(error, ValidationFailed):
        return [
            _error(_SEGMENT.sub(lambda m: to_camel_case(m.group(0)), e.field), e.phrase)
            for e in error.errors
        ]
    return [_error("", error.phrase)]
