"""GraphQL types for people, roles and API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from registry.auth import models
from registry.auth.roles import Actor, ActorKind, Role
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.members.types import ApiToken, Member, member_of

strawberry.enum(Role, name="Role")
strawberry.enum(ActorKind, name="ActorKind")


@strawberry.type(description="A role held by a person; member roles name their member.")
class RoleGrant:
    role: Role
    member_id: strawberry.Private[int | None]

    @strawberry.field
    async def member(self, info: Info) -> Member | None:
        return await member_of(info, self.member_id)


@strawberry.type(description="Who is calling: a person, a machine client, or nobody.")
class Me:
    kind: ActorKind
    label: str
    roles: list[RoleGrant]

    @classmethod
    def of(cls, actor: Actor) -> Me:
        grants = sorted(actor.grants, key=lambda g: (g.role.value, g.member_id or 0))
        return cls(
            kind=actor.kind,
            label=actor.label,
            roles=[RoleGrant(role=g.role, member_id=g.member_id) for g in grants],
        )


@strawberry.type(description="A person known through an identity provider.")
class User:
    issuer: str
    subject: str
    name: str
    email: str
    last_login_at: datetime | None
    roles: list[RoleGrant]

    @classmethod
    def of(cls, user: models.User, assignments: list[models.RoleAssignment]) -> User:
        return from_attributes(
            cls,
            user,
            roles=[RoleGrant(role=a.role, member_id=a.member_id) for a in assignments],
        )


@strawberry.type
class ApiTokenCreatePayload:
    token: ApiToken | None = None
    secret: str | None = strawberry.field(
        default=None, description="The token itself: shown only in this response."
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class UserSessionsRevokePayload:
    revoked_sessions: int = strawberry.field(
        default=0, description="How many sessions that still worked were ended."
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class RolePayload:
    ok: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class ApiTokenPayload:
    token: ApiToken | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
