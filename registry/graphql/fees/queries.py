"""Read side of decisions, contribution rates and fee runs (directie and auditors)."""

from __future__ import annotations

from datetime import date

import strawberry

from registry.auth.policy import Permission
from registry.fees import repository, service
from registry.graphql.common import Decision
from registry.graphql.context import Info
from registry.graphql.fees.types import (
    ContributionRate,
    FeeRun,
    FeeRunPreview,
    FeeRunPreviewPayload,
)
from registry.graphql.members.types import Membership
from registry.graphql.mutating import answer, queried, queried_one, read
from registry.graphql.permissions import field_for
from registry.graphql.relay import Connection, paginate
from registry.kit.clock import today
from registry.members import repository as members
from registry.members.membership import MembershipStatus, status_on
from registry.members.memberships import membership_dates
from registry.members.models import DecisionBody


@strawberry.type
class FeesQuery:
    @field_for(Permission.FINANCE_READ, "Decisions, newest first.")
    async def decisions(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        body: DecisionBody | None = None,
    ) -> Connection[Decision]:
        return await paginate(
            info,
            first,
            after,
            lambda session, request: members.list_decisions(session, request, body=body),
            Decision.of,
        )

    @field_for(Permission.FINANCE_READ)
    async def decision(self, info: Info, reference: str) -> Decision | None:
        return await queried_one(info, Decision.of, members.decision_by_reference, reference)

    @field_for(
        Permission.FINANCE_READ,
        "Memberships with a status on a date (today when omitted), e.g. the "
        "applications waiting for the RvC; ordered by member code.",
    )
    async def memberships(
        self, info: Info, status: MembershipStatus | None = None, on: date | None = None
    ) -> list[Membership]:
        day = on or today()
        async with info.context.db() as session:
            found = await members.all_memberships(session)
        return [
            Membership.of(m)
            for m in found
            if status is None or status_on(membership_dates(m), day) is status
        ]

    @field_for(Permission.FINANCE_READ, "Contribution rates, newest year first.")
    async def contribution_rates(self, info: Info) -> list[ContributionRate]:
        return await queried(info, ContributionRate.of, repository.rates)

    @field_for(
        Permission.FINANCE_READ,
        "Stored fee runs, newest first; a later run of a year replaces the earlier.",
    )
    async def fee_runs(self, info: Info, year: int | None = None) -> list[FeeRun]:
        return await queried(info, FeeRun.of, repository.runs, year)

    @field_for(
        Permission.FEES_MANAGE,
        "Compute the year's fee run as it would be stored, without storing it.",
    )
    async def fee_run_preview(self, info: Info, year: int) -> FeeRunPreviewPayload:
        return await read(
            info,
            answer(FeeRunPreviewPayload, "preview", FeeRunPreview.of),
            service.preview_fee_run,
            year,
        )
