"""Refusals of the members domain."""

from __future__ import annotations

from registry.kit.errors import ValidationFailed
from registry.members.models import DecisionBody, MemberType

GOVERNMENT_TYPES = ", ".join(t.value for t in MemberType)


def member_type(value: str, field: str = "type") -> MemberType:
    """Only government bodies may be members; anything else is refused with the allowed list."""
    try:
        return MemberType(value.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            field,
            "not_government_body",
            f"'{value}' is not a government body; a member must be one of: {GOVERNMENT_TYPES}",
        ) from None


def decision_body(value: str, field: str = "body") -> DecisionBody:
    try:
        return DecisionBody(value.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            field,
            "unknown_body",
            f"'{value}' is not a decision-making body; use one of: "
            + ", ".join(b.value for b in DecisionBody),
        ) from None
