"""Read side of the contribution report (directie and auditors; a member's admins its own)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.mutating import answer_or_refuse
from registry.graphql.permissions import field_for
from registry.graphql.reports.types import (
    ContributionReport,
    ContributionReportPayload,
    ReportCheck,
    ReportExportJob,
    ReportFinding,
    ReportMember,
    ReportScope,
    ReportTotals,
)
from registry.reports.collect import member_reports
from registry.reports.model import checks
from registry.reports.service import prepare


@strawberry.type
class ReportsQuery:
    @field_for(
        Permission.REPORTS_EXPORT,
        "Every euro per member for a year: contribution, charges, cost shares, "
        "settlements, usage fees, invoiced, paid and outstanding, with the checks the totals "
        "must pass; as of an audit event (the latest when omitted). The same data as the "
        "exported files.",
        member_argument="member_code",
    )
    async def contribution_report(
        self,
        info: Info,
        year: int,
        member_code: str | None = None,
        as_of: int | None = None,
    ) -> ContributionReportPayload:
        async def report(session: AsyncSession) -> ContributionReport:
            prepared = await prepare(session, info.context.actor, year, member_code, as_of)
            header = prepared.header
            return ContributionReport(
                title=header.title,
                scope=ReportScope.of(header.scope),
                inputs_sha256=header.inputs_sha256,
                members=[
                    ReportMember.of(m)
                    async for m in member_reports(session, header.scope, prepared.later)
                ],
                totals=ReportTotals.of(prepared.totals),
                checks=[ReportCheck.of(c) for c in checks(prepared.totals, header.scope)],
                findings=[ReportFinding.of(f) for f in prepared.findings],
            )

        return await answer_or_refuse(
            info.context.db,
            ContributionReportPayload,
            report,
            lambda made: ContributionReportPayload(report=made),
        )

    @field_for(
        None,
        "An export job by its id, to follow its progress and find its files. "
        "Only the person who started it, the directie and auditors see it; for anyone else "
        "it is null.",
    )
    async def contribution_report_export_job(
        self, info: Info, id: strawberry.ID
    ) -> ReportExportJob | None:
        async with info.context.db() as session:
            job = await info.context.report_jobs.get(session, str(id), info.context.language)
        if job is None or not job.visible_to(info.context.actor):
            return None
        return ReportExportJob.of(job)
