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
from registry.graphql.attributes import from_attributes
from registry.graphql.auth.types import (
    ApiTokenCreatePayload,
    ApiTokenPayload,
    RolePayload,
    UserSessionsRevokePayload,
)
from registry.graphql.context import Info
from registry.graphql.members.types import ApiToken
from registry.graphql.mutating import Answer, acknowledge, act, act_on, answer
from registry.graphql.permissions import mutation
from registry.kit.errors import NotFound


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
        return from_attributes(service.RoleInput, self)


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
    return await act(info, acknowledge(RolePayload), change, input.to_domain())


@strawberry.type
class AuthMutation:
    @mutation(
        Permission.MEMBER_USERS_MANAGE,
        "Give a person a role (registered on first use, keyed on issuer + subject).",
        member_argument="input.member",
    )
    async def role_assign(self, info: Info, input: RoleInput) -> RolePayload:
        return await _role_change(info, input, service.assign_role)

    @mutation(
        Permission.MEMBER_USERS_MANAGE,
        "Take a role away from a person.",
        member_argument="input.member",
    )
    async def role_revoke(self, info: Info, input: RoleInput) -> RolePayload:
        return await _role_change(info, input, service.revoke_role)

    @mutation(
        Permission.ROLES_MANAGE,
        "Log a person out everywhere: every login session of theirs ends at once.",
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
        return await act(
            info,
            Answer(
                UserSessionsRevokePayload,
                lambda revoked: UserSessionsRevokePayload(revoked_sessions=revoked),
            ),
            sessions.log_out_person_everywhere,
            issuer=issuer,
            subject=subject,
        )

    @mutation(
        Permission.TOKENS_MANAGE,
        "Create an API token for a machine client of a member.",
        member_argument="input.member",
    )
    async def api_token_create(self, info: Info, input: ApiTokenInput) -> ApiTokenCreatePayload:
        data = service.TokenInput(input.member, input.name, input.permissions, input.application)
        return await act(
            info,
            Answer(
                ApiTokenCreatePayload,
                lambda created: ApiTokenCreatePayload(
                    token=ApiToken.of(created[0]), secret=created[1]
                ),
            ),
            service.create_token,
            data,
        )

    @mutation(
        Permission.TOKENS_MANAGE,
        "Revoke an API token; it stops working at once.",
        member_argument="member",
    )
    async def api_token_revoke(self, info: Info, member: str, id: strawberry.ID) -> ApiTokenPayload:
        return await act_on(
            info,
            answer(ApiTokenPayload, "token", ApiToken.of),
            service.revoke_token,
            id,
            NotFound(AuthRefusal.NO_TOKEN, token=str(id)),
        )
