"""Leaving an application's community: allowed until the member adopts the application."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record_deletion
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, require_for
from registry.auth.roles import Actor
from registry.catalogue import repository as catalogue
from registry.catalogue.communities import visible_application
from registry.catalogue.errors import CatalogueRefusal
from registry.kit.errors import ValidationFailed
from registry.members.lookup import member_or_refuse
from registry.usage import repository


async def leave_community(session: AsyncSession, actor: Actor, slug: str, member_code: str) -> None:
    """The member leaves the community; an adopter stays (its adoption made it a participant)."""
    member = await member_or_refuse(session, member_code)
    require_for(actor, Permission.COMMUNITY_TAKE_PART, CatalogueRefusal.COMMUNITY_FORBIDDEN, member)
    application = await visible_application(session, actor, slug)
    rows = [
        c for c in await catalogue.community_of(session, application.id) if c.member_id == member.id
    ]
    if not rows:
        raise ValidationFailed.single(
            "member", CatalogueRefusal.NOT_IN_COMMUNITY, member=member.name
        )
    adoptions = (await repository.adoptions_of_members(session, [member.id]))[member.id]
    if any(a.application_id == application.id for a in adoptions):
        raise ValidationFailed.single(
            "member",
            CatalogueRefusal.LEAVING_AFTER_ADOPTION,
            member=member.name,
            application=application.name,
        )
    (row,) = rows
    before = snapshot(row)
    await session.delete(row)
    await session.flush()
    await record_deletion(session, actor, "community_member", row, before, member_id=member.id)
