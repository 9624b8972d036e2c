"""Finding a member by its code for an operation, with the one refusal when there is none."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.kit.errors import FieldError, ValidationFailed, field_error
from registry.members.errors import MembersRefusal
from registry.members.models import Member
from registry.members.repository import member_by_code


def unknown_member(field: str, code: str) -> FieldError:
    """The error for a member code that names no member, on `field`."""
    return field_error(field, MembersRefusal.UNKNOWN_MEMBER, code=code)


async def member_or_refuse(session: AsyncSession, code: str, field: str = "member") -> Member:
    """The member with `code`; refuses with `unknown_member` on `field` when there is none."""
    member = await member_by_code(session, code)
    if member is None:
        raise ValidationFailed([unknown_member(field, code)])
    return member
