"""Checks of the texts and web addresses the catalogue stores, shared by its services."""

from __future__ import annotations

from pydantic import HttpUrl, TypeAdapter, ValidationError

from registry.catalogue.errors import CatalogueRefusal
from registry.kit.errors import Common, ErrorCollector, ValidationFailed

_URL = TypeAdapter(HttpUrl)
URL_MAX_LENGTH = 500
"""The length of the catalogue's URL columns."""


def required_text(errors: ErrorCollector, name: str, value: str, max_length: int) -> str:
    text = value.strip()
    if not text:
        errors.add(name, Common.REQUIRED)
    elif len(text) > max_length:
        errors.add(name, Common.TOO_LONG, limit=max_length)
    return text


def web_address(value: str | None, field_name: str = "repository_url") -> str | None:
    """An http(s) address of at most 500 characters (the columns' length), or None when empty."""
    if value is None or not value.strip():
        return None
    try:
        url = str(_URL.validate_python(value.strip()))
    except ValidationError:
        raise ValidationFailed.single(
            field_name, CatalogueRefusal.INVALID_URL, value=value
        ) from None
    if len(url) > URL_MAX_LENGTH:
        raise ValidationFailed.single(field_name, Common.TOO_LONG, limit=URL_MAX_LENGTH)
    return url
