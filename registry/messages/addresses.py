"""E-mail addresses people give, checked by email-validator (syntax only: no DNS look-up)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from registry.kit.errors import Refusal, ValidationFailed
from registry.messages.errors import MessageRefusal


def checked_address(
    field: str, text: str | None, refusal: Refusal = MessageRefusal.INVALID_ADDRESS
) -> str | None:
    """The normalised address, None for an empty one; refused when it is not an address."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed.single(field, refusal) from exc
