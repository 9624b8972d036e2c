"""Role assignments (admin, member admins for their own member) and API tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth import service, sessions
from registry.auth.errors import AuthRefusal
from registry.auth.policy import Permission
from registry.auth.roles import Actor
from registry.graphql.auth.types import (
    ApiTokenCreatePayload,
    ApiTokenPayload,
    RolePayload,
    UserSessionsRevokePayload,
)
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.graphql.members.types import ApiToken
from registry.graphql.mutating import mutate, ok
from registry.graphql.permissions import policy
from registry.graphql.relay import database_id
from registry.kit.errors import DomainError, NotFound


@strawberry.input
class RoleInput:
    issuer: str = strawberry.field(description="Issuer URL of the person's identity provider.")
    subject: str = strawberry.field(description="The person's id at that provider (sub).")
    role: str = strawberry.field(
        description="member_user, member_admin, directie, auditor or admin."
    )
    member: str | None = strawberry.field(default=None, description="Member code (member roles).")
    name: str = ""

    def to_domain(self) -> service.RoleInput:
        return service.RoleInput(self.issuer, self.subject, self.role, self.member, self.name)


@strawberry.input
class ApiTokenInput:
    member: str
    name: str
    permissions: list[str] = strawberry.field(default_factory=lambda: ["usage:write"])
    application: str | None = strawberry.field(
        default=None, description="Limit the token to one application (slug)."
    )


async def _role_change(
    info: Info,
    input: RoleInput,
    change: Callable[[AsyncSession, Actor, service.RoleInput], Awaitable[object]],
) -> RolePayload:
    return await mutate(
        info,
        RolePayload,
        lambda session: change(session, info.context.actor, input.to_domain()),
        ok(RolePayload),
    )


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        extensions=policy(Permission.MEMBER_USERS_MANAGE, member_argument="input.member"),
        description="Give a person a role (registered on first use, keyed on issuer + subject).",
    )
    async def role_assign(self, info: Info, input: RoleInput) -> RolePayload:
        return await _role_change(info, input, service.assign_role)

    @strawberry.mutation(
        extensions=policy(Permission.MEMBER_USERS_MANAGE, member_argument="input.member"),
        description="Take a role away from a person.",
    )
    async def role_revoke(self, info: Info, input: RoleInput) -> RolePayload:
        return await _role_change(info, input, service.revoke_role)

    @strawberry.mutation(
        extensions=policy(Permission.ROLES_MANAGE),
        description="Log a person out everywhere: every login session of theirs ends at once.",
    )
    async def user_sessions_revoke(
        self,
        info: Info,
        issuer: Annotated[
            str, strawberry.argument(description="Issuer URL of the person's provider.")
        ],
        subject: Annotated[
            str, strawberry.argument(description="The person's id at that provider.")
        ],
    ) -> UserSessionsRevokePayload:
        return await mutate(
            info,
            UserSessionsRevokePayload,
            lambda session: sessions.log_out_person_everywhere(
                session, info.context.actor, issuer=issuer, subject=subject
            ),
            lambda revoked: UserSessionsRevokePayload(revoked_sessions=revoked),
        )

    @strawberry.mutation(
        extensions=policy(Permission.TOKENS_MANAGE, member_argument="input.member"),
        description="Create an API token for a machine client of a member.",
    )
    async def api_token_create(self, info: Info, input: ApiTokenInput) -> ApiTokenCreatePayload:
        data = service.TokenInput(input.member, input.name, input.permissions, input.application)
        return await mutate(
            info,
            ApiTokenCreatePayload,
            lambda session: service.create_token(session, info.context.actor, data),
            lambda created: ApiTokenCreatePayload(token=ApiToken.of(created[0]), secret=created[1]),
        )

    @strawberry.mutation(
        extensions=policy(Permission.TOKENS_MANAGE, member_argument="member"),
        description="Revoke an API token; it stops working at once.",
    )
    async def api_token_revoke(self, info: Info, member: str, id: strawberry.ID) -> ApiTokenPayload:
        try:
            number = database_id(id)
            if number is None:
                raise NotFound(AuthRefusal.NO_TOKEN, token=str(id))
            async with info.context.transaction() as session:
                token = await service.revoke_token(session, info.context.actor, number)
        except DomainError as error:
            return ApiTokenPayload(errors=field_errors(error))
        return ApiTokenPayload(token=ApiToken.of(token))
