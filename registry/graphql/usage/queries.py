"""Read side of usage: a member's usage fees over a range of months."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.money import Money
from registry.graphql.mutating import Answer, read
from registry.graphql.permissions import field_for
from registry.graphql.usage.types import UsageFeeLine, UsageFeesPayload
from registry.usage import rules, tariffs


def _fees(lines: list[rules.UsageFeeLine]) -> UsageFeesPayload:
    return UsageFeesPayload(
        lines=[UsageFeeLine.of(line) for line in lines],
        total=Money.of_cents(sum(line.amount for line in lines)),
    )


_FEES = Answer(UsageFeesPayload, _fees)


@strawberry.type
class UsageQuery:
    @field_for(
        Permission.MEMBER_READ_PRIVATE,
        "Usage fees of a member from month `from` to month `to` (YYYY-MM), "
        "computed from its records and the tariffs in force.",
        member_argument="member",
    )
    async def usage_fees(
        self,
        info: Info,
        member: str,
        first: Annotated[str, strawberry.argument(description="First month, YYYY-MM.")],
        last: Annotated[str, strawberry.argument(description="Last month, YYYY-MM.")],
    ) -> UsageFeesPayload:
        return await read(info, _FEES, tariffs.usage_fee_preview, member, first, last)
