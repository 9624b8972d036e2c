"""Read side of cost pools (directie and auditors) and run previews (directie)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.auth.policy import Permission
from registry.costs import reading, repository
from registry.costs import runs as cost_runs
from registry.costs.reading import PoolOverview
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.costs.types import (
    AllocationPreview,
    AllocationPreviewPayload,
    AllocationRun,
    CostEntry,
    CostPool,
    PoolParticipant,
)
from registry.graphql.money import Money
from registry.graphql.mutating import answer, read
from registry.graphql.permissions import field_for


def pool_of(view: PoolOverview) -> CostPool:
    pool = view.pool
    return from_attributes(
        CostPool,
        pool,
        application_slug=view.application_slug,
        single_payer=view.single_payer,
        entries=[CostEntry.of(e) for e in view.entries],
        participants=[PoolParticipant.of(code, p) for code, p in view.participants],
        runs=[AllocationRun.of(r, pool.code, r.id in view.reversed_runs) for r in view.runs],
        total=Money.of_cents(view.total),
    )


_PREVIEW = answer(AllocationPreviewPayload, "preview", AllocationPreview.of)


@strawberry.type
class CostsQuery:
    @field_for(Permission.FINANCE_READ, "Every cost pool, by code.")
    async def cost_pools(self, info: Info) -> list[CostPool]:
        async with info.context.db() as session:
            views = [await reading.overview(session, p) for p in await repository.pools(session)]
        return [pool_of(v) for v in views]

    @field_for(Permission.FINANCE_READ)
    async def cost_pool(self, info: Info, code: str) -> CostPool | None:
        async with info.context.db() as session:
            pool = await repository.pool_by_code(session, code)
            view = await reading.overview(session, pool) if pool else None
        return pool_of(view) if view else None

    @field_for(
        Permission.COSTS_MANAGE,
        "The allocation run of the pending entries up to a date, not stored.",
    )
    async def allocation_preview(
        self, info: Info, pool: str, until: date
    ) -> AllocationPreviewPayload:
        return await read(info, _PREVIEW, cost_runs.preview_allocation, pool, until)

    @field_for(
        Permission.COSTS_MANAGE,
        "The settlement for a member that joined the pool later, not stored.",
    )
    async def settlement_preview(
        self, info: Info, pool: str, member: str
    ) -> AllocationPreviewPayload:
        return await read(info, _PREVIEW, cost_runs.preview_settlement, pool, member)
