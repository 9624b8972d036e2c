"""Financial years: their state and what was invoiced in them (directie and auditors); closing
and reopening (the directie, by a decision)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.approvals import service as approvals
from registry.approvals.rules import CloseYear
from registry.auth.policy import Permission
from registry.billing.opening_balances import ImportResult, import_opening_balances
from registry.graphql.approvals.api import ApprovalRequest
from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.mutating import act, answer, mutate, queried
from registry.graphql.permissions import field_for, mutation
from registry.kit.clock import today
from registry.years import service
from registry.years.models import YearStatus
from registry.years.overview import YearOverview, year_overview

strawberry.enum(YearStatus, name="FinancialYearStatus")


@strawberry.type(description="A financial year: open, or closed after the accountant's sign-off.")
class FinancialYear:
    year: int
    status: YearStatus
    documents: int = strawberry.field(description="Invoices and credit notes issued in the year.")
    invoiced: Money = strawberry.field(description="The gross of the invoices issued in the year.")
    credited: Money = strawberry.field(
        description="The gross of the credit notes issued in the year (negative)."
    )
    closed_by_decision: str | None = strawberry.field(
        description="Reference of the directie decision that closed the year last."
    )
    reopened_by_decision: str | None = strawberry.field(
        description="Reference of the decision that reopened the year last."
    )

    @classmethod
    def of(cls, y: YearOverview) -> FinancialYear:
        return from_attributes(cls, y, **amounts(y, "invoiced", "credited"))


@strawberry.type
class FinancialYearPayload:
    year: FinancialYear | None = None
    approval_request: ApprovalRequest | None = strawberry.field(
        default=None,
        description="Closing with four-eyes approval on: the request a second director "
        "decides on; the year stays open until then (and `year` shows it open).",
    )
    errors: list[FieldError] = strawberry.field(default_factory=list)


async def _shown(session: AsyncSession, year: int) -> FinancialYear:
    return FinancialYear.of(
        next(y for y in await year_overview(session, today()) if y.year == year)
    )


def _answer(year: FinancialYear) -> FinancialYearPayload:
    return FinancialYearPayload(year=year)


@strawberry.type
class YearsQuery:
    @field_for(
        Permission.FINANCE_READ,
        "Financial years with their state and what was issued in them, newest first.",
    )
    async def financial_years(self, info: Info) -> list[FinancialYear]:
        return await queried(info, FinancialYear.of, year_overview, today())


@strawberry.type
class YearsMutation:
    @mutation(
        Permission.YEARS_CLOSE,
        "Close a financial year after the accountant's sign-off, by a directie decision: "
        "afterwards nothing can be dated in it. With four-eyes approval on, a second director "
        "approves it first (see approvalRequest).",
    )
    async def financial_year_close(
        self, info: Info, year: int, decision: str
    ) -> FinancialYearPayload:
        async def change(session: AsyncSession) -> FinancialYearPayload:
            submitted = await approvals.submit(
                session,
                info.context.actor,
                info.context.settings,
                CloseYear(year, decision),
                today(),
            )
            waiting = submitted.request
            return FinancialYearPayload(
                year=await _shown(session, year),
                approval_request=None if waiting is None else ApprovalRequest.of(waiting),
            )

        return await mutate(info, FinancialYearPayload, change, lambda answer: answer)

    @mutation(Permission.YEARS_CLOSE, "Reopen a closed financial year by a new decision.")
    async def financial_year_reopen(
        self, info: Info, year: int, decision: str
    ) -> FinancialYearPayload:
        async def change(session: AsyncSession) -> FinancialYear:
            await service.reopen_year(session, info.context.actor, year, decision)
            return await _shown(session, year)

        return await mutate(
            info, FinancialYearPayload, change, lambda y: FinancialYearPayload(year=y)
        )


@strawberry.type(description="What an import of opening balances stored.")
class OpeningBalancesImport:
    invoices: int = strawberry.field(description="Open invoices of the previous bookkeeping.")
    credits: int = strawberry.field(description="Credit balances, carried to the next invoice.")
    receivable: Money
    credit: Money

    @classmethod
    def of(cls, done: ImportResult) -> OpeningBalancesImport:
        return from_attributes(cls, done, **amounts(done, "receivable", "credit"))


@strawberry.type
class OpeningBalancesPayload:
    result: OpeningBalancesImport | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class OpeningBalancesMutation:
    @mutation(
        Permission.BILLING_MANAGE,
        "Import the open invoices and credit balances of the previous bookkeeping, once, before "
        "the first run: CSV with member;document;date;due_date;amount;description.",
    )
    async def opening_balances_import(self, info: Info, csv: str) -> OpeningBalancesPayload:
        return await act(
            info,
            answer(OpeningBalancesPayload, "result", OpeningBalancesImport.of),
            import_opening_balances,
            csv.encode(),
        )
