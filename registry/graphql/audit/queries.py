"""Read side of the audit log, for auditors (and admins)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import models, repository, service
from registry.auth.policy import Permission
from registry.graphql.audit.types import AuditChainStatus, AuditEvent
from registry.graphql.context import Info
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection, paginate
from registry.kit.pagination import Page, PageRequest
from registry.members import repository as members


@strawberry.input
class AuditEventFilter:
    entity_type: str | None = strawberry.UNSET
    entity_id: str | None = strawberry.UNSET
    operation: str | None = strawberry.UNSET
    actor_label: str | None = strawberry.field(
        default=strawberry.UNSET, description="Part of the actor label, any case."
    )
    member_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="Code of the member the change concerns."
    )
    since: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="From this moment on (UTC if no offset is given)."
    )
    until: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="Up to and including this moment (UTC if no offset)."
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@strawberry.type
class AuditQuery:
    @field_for(Permission.AUDIT_READ, "Audit events, newest first.")
    async def audit_events(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> Connection[AuditEvent]:
        f = filter or AuditEventFilter()

        async def events(session: AsyncSession, request: PageRequest) -> Page[models.AuditEvent]:
            member_id: int | None = None
            if f.member_code:
                member = await members.member_by_code(session, f.member_code)
                if member is None:
                    return Page([], request.offset, 0)
                member_id = member.id
            return await repository.list_events(
                session,
                request,
                repository.AuditFilter(
                    entity_type=f.entity_type or None,
                    entity_id=f.entity_id or None,
                    operation=f.operation or None,
                    actor_label=f.actor_label or None,
                    member_id=member_id,
                    since=_utc(f.since or None),
                    until=_utc(f.until or None),
                ),
            )

        return await paginate(info, first, after, events, AuditEvent.of)

    @field_for(
        Permission.AUDIT_READ, "Checks the whole hash chain: intact, or the first broken link."
    )
    async def audit_chain_status(self, info: Info) -> AuditChainStatus:
        async with info.context.db() as session:
            verdict = await service.verify_log(session)
        return AuditChainStatus.of(verdict)
