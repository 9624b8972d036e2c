"""Licences as SPDX expressions, checked against the SPDX licence list by `license-expression`."""

from __future__ import annotations

from functools import lru_cache

from license_expression import ExpressionError, Licensing, get_spdx_licensing

from registry.catalogue.errors import CatalogueRefusal
from registry.kit.errors import ValidationFailed

DEFAULT_LICENCE = "EUPL-1.2"


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    return get_spdx_licensing()


def spdx_expression(value: str, field: str = "licence") -> str:
    """Validate an SPDX licence expression and return it in its normalised spelling."""
    text = value.strip()
    if not text:
        raise ValidationFailed.single(field, CatalogueRefusal.LICENCE_REQUIRED)
    try:
        parsed = _licensing().parse(text, validate=True, strict=True)
    except ExpressionError as exc:
        raise ValidationFailed.single(field, CatalogueRefusal.INVALID_LICENCE, value=value) from exc
    if parsed is None:
        raise ValidationFailed.single(field, CatalogueRefusal.LICENCE_REQUIRED)
    return str(parsed.render("{symbol.key}"))
