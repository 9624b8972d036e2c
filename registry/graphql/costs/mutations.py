"""Cost pools, entries, participants and runs (directie)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Concatenate, ParamSpec

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.auth.roles import Actor
from registry.costs import models, reading, repository
from registry.costs import pools as cost_pools
from registry.costs import runs as cost_runs
from registry.costs.errors import CostsRefusal
from registry.costs.models import CostCategory, PoolKind
from registry.costs.reading import PoolOverview
from registry.costs.sharing import AllocationKey, LateJoinerPolicy
from registry.graphql.attributes import from_attributes
from registry.graphql.context import Info
from registry.graphql.costs.queries import pool_of
from registry.graphql.costs.types import (
    AllocationRun,
    AllocationRunPayload,
    CostEntry,
    CostEntryPayload,
    CostPoolPayload,
    PoolParticipant,
    PoolParticipantPayload,
)
from registry.graphql.mutating import Answer, act, answer, mutate
from registry.graphql.permissions import mutation
from registry.graphql.relay import known_id
from registry.kit.clock import today
from registry.kit.errors import ValidationFailed

Args = ParamSpec("Args")


@strawberry.input
class CostPoolInput:
    code: str
    name: str
    kind: PoolKind
    key: AllocationKey = AllocationKey.INHABITANTS
    application: str | None = strawberry.field(default=None, description="Application slug.")
    reference_date: date | None = strawberry.field(
        default=None, description="Date of the population figures (inhabitants key)."
    )
    single_payer: str | None = strawberry.field(default=None, description="Member code.")
    usage_metric: str | None = None
    usage_from: date | None = None
    usage_to: date | None = None
    late_joiner_policy: LateJoinerPolicy = LateJoinerPolicy.FULL_COST
    depreciation_years: int = 5


@strawberry.input(description="A pool's new allocation key with what that key needs.")
class AllocationKeyInput:
    key: AllocationKey
    reference_date: date | None = strawberry.field(
        default=None, description="Date of the population figures (inhabitants key)."
    )
    single_payer: str | None = strawberry.field(default=None, description="Member code.")
    usage_metric: str | None = None
    usage_from: date | None = None
    usage_to: date | None = None


@strawberry.input
class CostEntryInput:
    amount: Decimal
    entry_date: date
    category: CostCategory
    description: str
    document_reference: str | None = None
    submission_key: str | None = strawberry.field(
        default=None,
        description="Chosen once per entry (at most 64 characters): sent again, for example by a"
        " retry, it answers with the entry stored the first time instead of storing another.",
    )
    contract: str | None = strawberry.field(
        default=None,
        description="The reference of the contract (contracts register) the cost comes from.",
    )


def _runs(pool: str) -> Answer[cost_runs.RunResult, AllocationRunPayload]:
    """The run an operation on `pool` stored (none when nothing was pending)."""

    def shape(result: cost_runs.RunResult) -> AllocationRunPayload:
        runs = [AllocationRun.of(result.run, pool, False)] if result.run else []
        return AllocationRunPayload(runs=runs, created=result.created)

    return Answer(AllocationRunPayload, shape)


async def _pool_change(
    info: Info,
    change: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[models.CostPool]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> CostPoolPayload:
    """The change `change(session, actor, *args, **kwargs)` of a pool by whoever calls,
    answered with the pool as it reads after the change."""

    async def change_and_read(session: AsyncSession) -> PoolOverview:
        pool = await change(session, info.context.actor, *args, **kwargs)
        return await reading.overview(session, pool)

    return await mutate(
        info, CostPoolPayload, change_and_read, lambda view: CostPoolPayload(pool=pool_of(view))
    )


def _participant(member: str) -> Answer[models.PoolParticipant, PoolParticipantPayload]:
    """The participation of `member` an operation on a pool stored."""
    return answer(
        PoolParticipantPayload, "participant", lambda row: PoolParticipant.of(member, row)
    )


_ENTRY = answer(CostEntryPayload, "entry", CostEntry.of)


@strawberry.type
class CostsMutation:
    @mutation(Permission.COSTS_MANAGE)
    async def cost_pool_create(self, info: Info, input: CostPoolInput) -> CostPoolPayload:
        data = from_attributes(cost_pools.PoolInput, input)
        return await _pool_change(info, cost_pools.create_pool, data)

    @mutation(Permission.COSTS_MANAGE, "Record a cost in a pool; refused in a closed period.")
    async def cost_entry_add(
        self, info: Info, pool: str, input: CostEntryInput
    ) -> CostEntryPayload:
        data = from_attributes(cost_pools.EntryInput, input, amount=str(input.amount))
        return await act(info, _ENTRY, cost_pools.add_entry, pool, data)

    @mutation(Permission.COSTS_MANAGE)
    async def pool_participant_add(
        self,
        info: Info,
        pool: str,
        member: str,
        joined_on: date,
        percentage: Decimal | None = None,
    ) -> PoolParticipantPayload:
        return await act(
            info,
            _participant(member),
            cost_pools.add_participant,
            pool,
            member,
            joined_on,
            percentage,
        )

    @mutation(
        Permission.COSTS_MANAGE,
        "Change a participant's fixed percentage, or end its participation.",
    )
    async def pool_participant_change(
        self,
        info: Info,
        pool: str,
        member: str,
        percentage: Decimal | None = None,
        left_on: date | None = None,
    ) -> PoolParticipantPayload:
        return await act(
            info,
            _participant(member),
            cost_pools.change_participant,
            pool,
            member,
            percentage=percentage,
            left_on=left_on,
        )

    @mutation(
        Permission.COSTS_MANAGE,
        "Change the allocation key of the entries still to allocate; stored runs keep theirs.",
    )
    async def cost_pool_key_change(
        self, info: Info, pool: str, input: AllocationKeyInput
    ) -> CostPoolPayload:
        data = from_attributes(cost_pools.KeyInput, input)
        return await _pool_change(info, cost_pools.change_key, pool, data)

    @mutation(Permission.COSTS_MANAGE, "Refuse new entries dated on or before `until`.")
    async def cost_pool_close(self, info: Info, pool: str, until: date) -> CostPoolPayload:
        return await _pool_change(info, cost_pools.close_period, pool, until)

    @mutation(
        Permission.COSTS_MANAGE,
        "Allocate the pool's pending entries up to a date; nothing pending stores "
        "nothing (created: false).",
    )
    async def allocation_run_create(
        self, info: Info, pool: str, until: date
    ) -> AllocationRunPayload:
        return await act(info, _runs(pool), cost_runs.run_allocation, pool, until, today())

    @mutation(
        Permission.COSTS_MANAGE, "Settle a member that joined the pool after costs were allocated."
    )
    async def settlement_run_create(
        self, info: Info, pool: str, member: str
    ) -> AllocationRunPayload:
        return await act(info, _runs(pool), cost_runs.run_settlement, pool, member, today())

    @mutation(
        Permission.COSTS_MANAGE, "Reverse an allocation run and replace it from today's inputs."
    )
    async def allocation_run_correct(self, info: Info, run: strawberry.ID) -> AllocationRunPayload:

        async def correct(session: AsyncSession) -> AllocationRunPayload:
            number = known_id(run, ValidationFailed.single("run", CostsRefusal.INVALID_RUN_ID))
            reversal, replacement = await cost_runs.correct_run(
                session, info.context.actor, number, today()
            )
            pools = await repository.pools_by_ids(session, [reversal.pool_id])
            code = pools[reversal.pool_id].code
            stored = [
                await repository.run_by_id(session, reversal.id),
                await repository.run_by_id(session, replacement.id),
            ]
            return AllocationRunPayload(
                runs=[AllocationRun.of(r, code, False) for r in stored if r], created=True
            )

        return await mutate(info, AllocationRunPayload, correct, lambda payload: payload)
