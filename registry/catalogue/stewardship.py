"""Who looks after an application besides the directie: its lead member (trekker)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, allows
from registry.auth.roles import Actor
from registry.catalogue.errors import CatalogueRefusal
from registry.catalogue.models import Application
from registry.kit.errors import Forbidden
from registry.members import repository as members


def may_maintain(actor: Actor, application: Application) -> bool:
    """The directie, and the admins of the application's lead member."""
    if allows(actor, Permission.CATALOGUE_MANAGE):
        return True
    lead = application.lead_member_id
    return lead is not None and allows(actor, Permission.APPLICATION_MAINTAIN, lead)


def sees_interest(actor: Actor, application: Application) -> bool:
    """Who sees which members registered interest: those who maintain the application, and
    whoever reads the lead member's private details (its own people, the directie, auditors)."""
    if may_maintain(actor, application):
        return True
    lead = application.lead_member_id
    return lead is not None and allows(actor, Permission.MEMBER_READ_PRIVATE, lead)


async def maintainer_or_refuse(
    session: AsyncSession, actor: Actor, application: Application
) -> None:
    if may_maintain(actor, application):
        return
    if application.lead_member_id is None:
        raise Forbidden(CatalogueRefusal.NO_LEAD, application=application.name)
    lead = (await members.members_by_ids(session, [application.lead_member_id]))[
        application.lead_member_id
    ]
    raise Forbidden(CatalogueRefusal.LEAD_ONLY, lead=lead.name, application=application.name)


def sees_proposals(actor: Actor) -> bool:
    """Members' unpublished proposals are for the members (anyone with a member role) and the
    cooperative's own people."""
    return allows(actor, Permission.CATALOGUE_READ_UNPUBLISHED) or bool(actor.member_ids)


def may_see(actor: Actor, application: Application) -> bool:
    if application.published or allows(actor, Permission.CATALOGUE_READ_UNPUBLISHED):
        return True
    return application.review_status is not None and sees_proposals(actor)
