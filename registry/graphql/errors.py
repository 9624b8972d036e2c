"""Typed errors for mutation payloads: which input field broke which rule."""

from __future__ import annotations

import re

import strawberry
from strawberry.utils.str_converters import to_camel_case

from registry.kit.errors import DomainError, ValidationFailed

_SEGMENT = re.compile(r"[A-Za-z_]+")


@strawberry.type(
    description="A refused input: the field (path in the input), a stable code, a message."
)
class FieldError:
    field: str
    code: str
    message: str


def field_errors(error: DomainError) -> list[FieldError]:
    """Domain errors use the domain's snake_case names; the API speaks its own camelCase."""
    if isinstance(error, ValidationFailed):
        return [
            FieldError(
                field=_SEGMENT.sub(lambda m: to_camel_case(m.group(0)), e.field),
                code=e.code,
                message=e.message,
            )
            for e in error.errors
        ]
    return [FieldError(field="", code=error.code, message=error.message)]
