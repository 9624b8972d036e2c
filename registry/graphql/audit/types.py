"""GraphQL types of the audit log."""

from __future__ import annotations

import json
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from registry.audit import models
from registry.audit.chain import Verdict
from registry.auth.roles import ActorKind
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.members.types import Member, member_of


@strawberry.type(
    description="One change in the append-only, hash-chained audit log (auditregel). "
    "Every field but `member` is covered by `hash`."
)
class AuditEvent:
    seq: int = strawberry.field(description="Position in the chain, 1, 2, 3, … without gaps.")
    occurred_at: datetime
    actor_kind: ActorKind
    actor_label: str = strawberry.field(description="Who acted, as known at the time.")
    actor_user_id: int | None
    actor_token_id: int | None
    role: str = strawberry.field(description="The actor's roles, e.g. `member_admin@12`.")
    member_id: int | None = strawberry.field(description="The member the change concerns.")
    operation: str = strawberry.field(description="create, update, delete or a transition.")
    entity_type: str
    entity_id: str
    before: JSON | None = strawberry.field(description="The values before; null on create.")
    after: JSON | None = strawberry.field(description="The values after; null on delete.")
    prev_hash: str = strawberry.field(description="SHA-256 (hex) of the event before.")
    hash: str = strawberry.field(description="SHA-256 (hex) of this event's content.")

    @classmethod
    def of(cls, e: models.AuditEvent) -> AuditEvent:
        return from_attributes(
            cls,
            e,
            actor_kind=ActorKind(e.actor_kind),
            before=None if e.before is None else json.loads(e.before),
            after=None if e.after is None else json.loads(e.after),
        )

    @strawberry.field(description="The member the change concerns, if it still exists.")
    async def member(self, info: Info) -> Member | None:
        return await member_of(info, self.member_id)


@strawberry.type(description="Result of checking the whole hash chain of the audit log.")
class AuditChainStatus:
    intact: bool
    events: int = strawberry.field(
        description="Intact events: all, or those before the first broken."
    )
    first_broken_seq: int | None
    reason: str | None = strawberry.field(description="Why the first broken link is broken.")

    @classmethod
    def of(cls, verdict: Verdict[models.AuditEvent]) -> AuditChainStatus:
        broken = verdict.broken
        return cls(
            intact=broken is None,
            events=verdict.events,
            first_broken_seq=None if broken is None else broken.seq,
            reason=None if broken is None else f"{broken.reason.value}: {broken.detail}",
        )
