"""Read side of members and municipalities."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.graphql.context import Info
from registry.graphql.members.types import Member, Municipality
from registry.graphql.mutating import queried_one
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection, paginate
from registry.members import repository
from registry.members.models import MemberType


@strawberry.input
class MemberFilter:
    search: str | None = strawberry.UNSET
    type: MemberType | None = strawberry.UNSET


@strawberry.input
class MunicipalityFilter:
    search: str | None = strawberry.UNSET
    valid_on: date | None = strawberry.UNSET


@strawberry.type
class MembersQuery:
    @field_for(None, "Members, ordered by name.")
    async def members(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: MemberFilter | None = None,
    ) -> Connection[Member]:
        f = filter or MemberFilter()
        return await paginate(
            info,
            first,
            after,
            lambda session, request: repository.list_members(
                session, request, search=f.search or None, type_=f.type or None
            ),
            Member.of,
        )

    @field_for()
    async def member(self, info: Info, code: str) -> Member | None:
        return await queried_one(info, Member.of, repository.member_by_code, code)

    @field_for(None, "Municipalities, ordered by name.")
    async def municipalities(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: MunicipalityFilter | None = None,
    ) -> Connection[Municipality]:
        f = filter or MunicipalityFilter()
        return await paginate(
            info,
            first,
            after,
            lambda session, request: repository.list_municipalities(
                session, request, search=f.search or None, valid_on=f.valid_on or None
            ),
            Municipality.of,
        )

    @field_for()
    async def municipality(self, info: Info, cbs_code: str) -> Municipality | None:
        return await queried_one(
            info, Municipality.of, repository.municipality_by_code, cbs_code.strip().upper()
        )
