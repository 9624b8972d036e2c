"""Exporting the contribution report into files, in the background."""

from __future__ import annotations

from typing import Annotated

import strawberry

from registry.auth.policy import Permission
from registry.graphql.context import Info
from registry.graphql.mutating import act, answer
from registry.graphql.permissions import mutation
from registry.graphql.reports.types import ReportExportJob, ReportExportPayload
from registry.reports.export import FORMATS


@strawberry.type
class ReportsMutation:
    @mutation(
        Permission.REPORTS_EXPORT,
        "Start exporting the contribution report into files (csv, xlsx, pdf, json; "
        "all when formats is omitted) with a manifest of their SHA-256. Answers at once with "
        "the job; follow it with contributionReportExportJob or on its page.",
        member_argument="member_code",
    )
    async def contribution_report_export(
        self,
        info: Info,
        year: int,
        member_code: str | None = None,
        as_of: int | None = None,
        formats: list[str] | None = None,
        decimal_comma: Annotated[
            bool, strawberry.argument(description="CSV amounts with a decimal comma (1234,56).")
        ] = False,
    ) -> ReportExportPayload:
        jobs = info.context.report_jobs
        payload = await act(
            info,
            answer(ReportExportPayload, "job", ReportExportJob.of),
            jobs.start,
            year=year,
            member_code=member_code,
            as_of=as_of,
            formats=FORMATS if formats is None else formats,
            decimal_comma=decimal_comma,
        )
        if payload.job is not None:  # stored and committed: now the queue may have it
            await jobs.enqueue(info.context.session_factory, payload.job.job)
        return payload
