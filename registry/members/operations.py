"""What the member operations share: the access check and storing what they create, audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.members.errors import MembersRefusal
from registry.members.models import (
    Decision,
    Membership,
    Municipality,
)


def authorise(actor: Actor) -> None:
    require(actor, Permission.MEMBERS_MANAGE, MembersRefusal.DIRECTIE_ONLY)


async def add_audited(
    session: AsyncSession,
    actor: Actor,
    row: Decision | Membership | Municipality,
    entity_id: str | None = None,
    **extra: Any,
) -> None:
    """Store a new member row and record its creation under the member it belongs to; the
    entity is named by `entity_id` (a CBS code, a decision's reference), or else by its id."""
    await add_recorded(
        session,
        actor,
        row,
        entity_id=entity_id,
        member_id=getattr(row, "member_id", None),
        **extra,
    )
