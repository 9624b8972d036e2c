"""Contribution rates and fee runs (directie)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.fees import models, service
from registry.fees.models import PopulationPolicy, ProRata
from registry.graphql.context import Info
from registry.graphql.fees.types import (
    ContributionRate,
    ContributionRatePayload,
    FeeRun,
    FeeRunPayload,
)
from registry.graphql.mutating import mutate
from registry.graphql.permissions import mutation
from registry.graphql.years.types import ChangeWarning
from registry.years import warnings


@strawberry.input
class ContributionRateInput:
    year: int
    rate: Decimal = strawberry.field(description="Euro per inhabitant, exact (e.g. 0.35).")
    decision: str = strawberry.field(description="Reference of the ALV decision.")
    pro_rata: ProRata = ProRata.BY_DAYS
    population_policy: PopulationPolicy = PopulationPolicy.JANUARY_FIRST


@strawberry.type
class FeesMutation:
    @mutation(Permission.FEES_MANAGE, "Set the contribution rate of a year from its ALV decision.")
    async def contribution_rate_set(
        self, info: Info, input: ContributionRateInput
    ) -> ContributionRatePayload:
        data = service.RateInput(
            input.year, str(input.rate), input.decision, input.pro_rata, input.population_policy
        )

        async def change(
            session: AsyncSession,
        ) -> tuple[models.ContributionRate, list[warnings.ChangeWarning]]:
            return await warnings.set_rate_warned(session, info.context.actor, data)

        return await mutate(
            info,
            ContributionRatePayload,
            change,
            lambda done: ContributionRatePayload(
                rate=ContributionRate.of(done[0]),
                warnings=[ChangeWarning.of(w) for w in done[1]],
            ),
        )

    @mutation(
        Permission.FEES_MANAGE,
        "Compute and store the year's fee run; unchanged inputs store nothing.",
    )
    async def fee_run_create(self, info: Info, year: int) -> FeeRunPayload:

        async def run(session: AsyncSession) -> FeeRunPayload:
            result = await service.run_fees(session, info.context.actor, year)
            return FeeRunPayload(run=FeeRun.of(result.run), created=result.created)

        return await mutate(info, FeeRunPayload, run, lambda answer: answer)
