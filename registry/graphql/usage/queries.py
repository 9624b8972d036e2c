"""Read side of usage: a member's usage fees over a range of months."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.graphql.money import Money
from registry.graphql.permissions import policy
from registry.graphql.usage.types import UsageFeeLine, UsageFeesPayload
from registry.kit.errors import DomainError
from registry.usage import tariffs


@strawberry.type
class UsageQuery:
    @strawberry.field(
        extensions=policy(Permission.MEMBER_READ_PRIVATE, member_argument="member"),
        description="Usage fees of a member from month `from` to month `to` (YYYY-MM), "
        "computed from its records and the tariffs in force.",
    )
    async def usage_fees(
        self,
        info: Info,
        member: str,
        first: Annotated[str, strawberry.argument(description="First month, YYYY-MM.")],
        last: Annotated[str, strawberry.argument(description="Last month, YYYY-MM.")],
    ) -> UsageFeesPayload:
        try:
            async with info.context.db() as session:
                lines = await tariffs.usage_fee_preview(
                    session, info.context.actor, member, first, last
                )
        except DomainError as error:
            return UsageFeesPayload(errors=field_errors(error))
        return UsageFeesPayload(
            lines=[UsageFeeLine.of(line) for line in lines],
            total=Money.of_cents(sum(line.amount for line in lines)),
        )
