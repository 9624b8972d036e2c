"""Domain errors with stable codes; the API and the pages translate them, never invent them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule on one field; `field` is a path such as `licence` or `rows[12].cbs_code`."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    """Base of every refusal by a domain rule."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input broke one or more field rules; every broken rule is listed, not just the first."""

    code = "validation_failed"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, code, message)])


class NotFound(DomainError):
    code = "not_found"


def prefixed(errors: Sequence[FieldError], prefix: str) -> list[FieldError]:
    """Re-root field paths, e.g. errors of one CSV row under `rows[12]`."""
    return [FieldError(f"{prefix}.{e.field}", e.code, e.message) for e in errors]


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

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


class Forbidden(DomainError):
    """The actor may not do this; the message says what was refused, never why in detail."""

    code = "forbidden"


class Conflict(DomainError):
    """The database refused the change because of a change made at the same moment."""

    code = "conflict"
