"""Dutch government identifiers: CBS municipality code, OIN and KvK number."""

from __future__ import annotations

import re

from registry.kit.errors import ValidationFailed
from registry.members.errors import MembersRefusal

# [0-9], not \d: \d also matches other scripts' digits, such as '٣'.
_CBS = re.compile(r"GM[0-9]{4}")
_OIN = re.compile(r"[0-9]{20}")
_KVK = re.compile(r"[0-9]{8}")


def cbs_code(value: str, field: str = "cbs_code") -> str:
    """A CBS municipality code: `GM` and four digits (GM0632 is Woerden)."""
    code = value.strip().upper()
    if not _CBS.fullmatch(code):
        raise ValidationFailed.single(field, MembersRefusal.INVALID_CBS_CODE, value=value)
    return code


def oin(value: str, field: str = "oin") -> str:
    """Organisatie-identificatienummer: exactly 20 digits."""
    digits = value.strip()
    if not _OIN.fullmatch(digits):
        raise ValidationFailed.single(field, MembersRefusal.INVALID_OIN, value=value)
    return digits


def kvk(value: str, field: str = "kvk") -> str:
    """Kamer van Koophandel number: exactly 8 digits."""
    digits = value.strip()
    if not _KVK.fullmatch(digits):
        raise ValidationFailed.single(field, MembersRefusal.INVALID_KVK, value=value)
    return digits
