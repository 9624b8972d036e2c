"""Licences as SPDX expressions, checked against the SPDX licence list by `license-expression`."""

from __future__ import annotations

from functools import lru_cache

from license_expression import ExpressionError, Licensing, get_spdx_licensing

from registry.kit.errors import ValidationFailed

DEFAULT_LICENCE = "EUPL-1.2"


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return get_spdx_licensing()


def spdx_expression(value: str, field: str = "licence") -> str:
    """Validate an SPDX licence expression and return it in its normalised spelling."""
    text = value.strip()
    if not text:
        raise ValidationFailed.single(field, "required", "a licence expression is required")
    try:
        parsed = _licensing().parse(text, validate=True, strict=True)
    except ExpressionError as exc:
        raise ValidationFailed.single(
            field, "invalid_spdx", f"'{value}' is not a valid SPDX licence expression: {exc}"
        ) from exc
    if parsed is None:
        raise ValidationFailed.single(field, "required", "a licence expression is required")
    return str(parsed.render("{symbol.key}"))
