"""What the member operations share: the access check and the audit of what they create."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_row
from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.kit.errors import Forbidden
from registry.members.errors import MembersRefusal
from registry.members.models import (
    Decision,
    Membership,
    Municipality,
)


def authorise(actor: Actor) -> None:
    if not allows(actor, Permission.MEMBERS_MANAGE):
        raise Forbidden(MembersRefusal.DIRECTIE_ONLY)


async def audit_create(
    session: AsyncSession,
    actor: Actor,
    row: Decision | Membership | Municipality,
    entity_id: str,
    **extra: Any,
) -> None:
    await record_row(
        session,
        actor,
        "create",
        row.__tablename__,
        row,
        entity_id=entity_id,
        member_id=getattr(row, "member_id", None),
        **extra,
    )
