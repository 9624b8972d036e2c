"""Who am I, and who holds which role."""

from __future__ import annotations

import strawberry

from registry.auth import repository
from registry.auth.policy import Permission
from registry.graphql.auth.types import Me, User
from registry.graphql.context import Info
from registry.graphql.permissions import field_for
from registry.members import repository as members


@strawberry.type
class AuthQuery:
    @field_for(None, "The caller and their roles.")
    def me(self, info: Info) -> Me:
        return Me.of(info.context.actor)

    @field_for(
        Permission.MEMBER_USERS_MANAGE,
        "People with roles; a member admin lists those of its own member.",
        member_argument="member",
    )
    async def users(self, info: Info, member: str | None = None) -> list[User]:
        async with info.context.db() as session:
            member_id = None
            if member is not None:
                found = await members.member_by_code(session, member)
                if found is None:
                    return []
                member_id = found.id
            rows = await repository.users_with_assignments(session, member_id)
        return [User.of(user, assignments) for user, assignments in rows]
