"""The contracts register, the budget, the quarterly report figures and the statutory
calendar: the directie writes, the directie and auditors read (FINANCE_READ)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from registry.auth.policy import Permission
from registry.budget import reporting
from registry.budget import service as budgets
from registry.budget.calendar import Deadline, DeadlineKind, DeadlineState
from registry.budget.models import BudgetItem, BudgetStatus
from registry.budget.quarterly import BudgetRow, ContractRow, QuarterlyReport
from registry.budget.service import BudgetVersion
from registry.catalogue.models import ApplicationStatus
from registry.contracts import models
from registry.contracts import service as contracts
from registry.contracts.models import ContractStatus
from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.mutating import Answer, acknowledge, act, answer, listed, read
from registry.graphql.permissions import field_for, mutation
from registry.kit.clock import today

strawberry.enum(ContractStatus, name="ContractStatus")
strawberry.enum(BudgetStatus, name="BudgetStatus")
strawberry.enum(BudgetItem, name="BudgetItem")
strawberry.enum(DeadlineKind, name="DeadlineKind")
strawberry.enum(DeadlineState, name="DeadlineState")


@strawberry.type(description="A contract of the cooperative with a supplier.")
class Contract:
    reference: str
    supplier: str
    subject: str
    amount: Money
    start_date: date
    end_date: date
    notice_date: date | None
    notice_period_months: int | None
    status: ContractStatus
    signed_on: date | None
    ended_on: date | None

    @classmethod
    def of(cls, c: models.Contract) -> Contract:
        return from_attributes(cls, c, **amounts(c, "amount"))


@strawberry.type
class ContractPayload:
    contract: Contract | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.input
class ContractInput:
    reference: str
    supplier: str
    subject: str
    amount: Decimal = strawberry.field(description="In euros, over the whole term.")
    start_date: date
    end_date: date
    notice_date: date | None = strawberry.field(
        default=None, description="The last day notice can be given (opzegdatum)."
    )
    notice_period_months: int | None = None
    application: str | None = strawberry.field(default=None, description="Application slug.")
    pool: str | None = strawberry.field(default=None, description="Cost pool code.")


@strawberry.type(description="A line of a budget: income by kind, or the costs of one pool.")
class BudgetLine:
    item: BudgetItem
    pool: str | None
    amount: Money


@strawberry.type(description="One version of a year's budget.")
class Budget:
    year: int
    version: int
    status: BudgetStatus
    decision: str | None = strawberry.field(description="The ALV decision that adopted it.")
    lines: list[BudgetLine]
    income: Money
    costs: Money

    @classmethod
    def of(cls, v: BudgetVersion) -> Budget:
        return cls(
            year=v.budget.year,
            version=v.budget.version,
            status=v.budget.status,
            decision=v.decision_reference,
            lines=[
                BudgetLine(
                    item=line.item,
                    pool=v.pool_codes.get(line.pool_id) if line.pool_id else None,
                    amount=Money.of_cents(line.amount_cents),
                )
                for line in v.lines
            ],
            **amounts(v, "income", "costs"),
        )


@strawberry.type
class BudgetPayload:
    budgets: list[Budget] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class BudgetChangePayload:
    ok: bool = False
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(description="Budget against actual for one line.")
class BudgetActual:
    item: BudgetItem
    pool: str | None
    own: bool = strawberry.field(description="A pool of the cooperative itself.")
    budget: Money | None
    actual: Money

    @classmethod
    def of(cls, r: BudgetRow) -> BudgetActual:
        return cls(
            item=r.item,
            pool=r.pool_code,
            own=r.own,
            budget=Money.maybe(r.budget_cents),
            actual=Money.of_cents(r.actual_cents),
        )


@strawberry.type
class Commitment:
    reference: str
    supplier: str
    amount: Money
    end_date: date
    notice_date: date | None
    still_to_come: Money

    @classmethod
    def of(cls, r: ContractRow) -> Commitment:
        return from_attributes(cls, r, **amounts(r, "amount", "still_to_come"))


@strawberry.type
class PortfolioCount:
    status: ApplicationStatus
    applications: int
    adopters: int


@strawberry.type(description="The quarterly report to the RvC, as at one audit event.")
class QuarterlyReportFigures:
    year: int
    quarter: int
    as_of: int
    as_of_hash: str
    budget_version: int | None
    budget_decision: str | None
    income: list[BudgetActual]
    costs: list[BudgetActual]
    invoiced: Money
    paid: Money
    outstanding: Money
    overdue: Money
    overdue_invoices: int
    portfolio: list[PortfolioCount]
    contracts: list[Commitment]
    notices_next_quarter: list[Commitment]

    @classmethod
    def of(cls, r: QuarterlyReport) -> QuarterlyReportFigures:
        money = r.liquidity
        return cls(
            year=r.year,
            quarter=r.quarter,
            as_of=r.as_of_seq,
            as_of_hash=r.as_of_hash,
            budget_version=r.budget_version,
            budget_decision=r.budget_decision,
            income=[BudgetActual.of(x) for x in r.income],
            costs=[BudgetActual.of(x) for x in r.costs],
            **amounts(money, "invoiced", "paid", "outstanding", "overdue"),
            overdue_invoices=money.overdue_invoices,
            portfolio=[
                PortfolioCount(status=p.status, applications=p.applications, adopters=p.adopters)
                for p in r.portfolio
            ],
            contracts=[Commitment.of(c) for c in r.contracts],
            notices_next_quarter=[Commitment.of(c) for c in r.notices_next_quarter],
        )


@strawberry.type
class QuarterlyReportPayload:
    report: QuarterlyReportFigures | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(description="A deadline of the statutory calendar.")
class StatutoryDeadline:
    kind: DeadlineKind
    year: int
    quarter: int | None
    due: date
    state: DeadlineState
    done_on: date | None

    @classmethod
    def of(cls, d: Deadline) -> StatutoryDeadline:
        return from_attributes(cls, d)


@strawberry.type
class StatutoryCalendarPayload:
    deadlines: list[StatutoryDeadline] = strawberry.field(default_factory=list)
    errors: list[FieldError] = strawberry.field(default_factory=list)


_BUDGETS: Answer[list[BudgetVersion], BudgetPayload] = Answer(
    BudgetPayload, lambda found: BudgetPayload(budgets=[Budget.of(v) for v in found])
)
_REPORT = answer(QuarterlyReportPayload, "report", QuarterlyReportFigures.of)
_CALENDAR: Answer[list[Deadline], StatutoryCalendarPayload] = Answer(
    StatutoryCalendarPayload,
    lambda found: StatutoryCalendarPayload(deadlines=[StatutoryDeadline.of(d) for d in found]),
)


@strawberry.type
class ContractsQuery:
    @field_for(Permission.FINANCE_READ, "The contracts register, newest first (at most 500).")
    async def contracts(self, info: Info) -> list[Contract]:
        return await listed(info, Contract.of, contracts.list_contracts)

    @field_for(Permission.FINANCE_READ, "Every version of a year's budget, the newest last.")
    async def budgets(self, info: Info, year: int) -> BudgetPayload:
        return await read(info, _BUDGETS, budgets.budget_versions, year)

    @field_for(
        Permission.FINANCE_READ,
        "The quarterly report's figures as at an audit event (default: the last event of an "
        "ended quarter, else the latest). Reading is not an export.",
    )
    async def quarterly_report(
        self, info: Info, year: int, quarter: int, as_of: int | None = None
    ) -> QuarterlyReportPayload:
        return await read(info, _REPORT, reporting.read_quarterly, year, quarter, as_of, today())

    @field_for(Permission.FINANCE_READ, "The statutory deadlines of a year and what is late.")
    async def statutory_calendar(self, info: Info, year: int) -> StatutoryCalendarPayload:
        return await read(
            info,
            _CALENDAR,
            reporting.statutory_calendar,
            year,
            today(),
            info.context.settings.quarterly_report_weeks,
        )


_CONTRACT = answer(ContractPayload, "contract", Contract.of)


@strawberry.type
class ContractsMutation:
    @mutation(Permission.CONTRACTS_MANAGE, "Record a contract as a draft.")
    async def contract_create(self, info: Info, input: ContractInput) -> ContractPayload:
        data = from_attributes(contracts.ContractInput, input, amount=str(input.amount))
        return await act(info, _CONTRACT, contracts.create_contract, data)

    @mutation(
        Permission.CONTRACTS_MANAGE,
        "Mark a draft signed; over the threshold (a setting, EUR 50,000) only with the "
        "reference of an RvC approval decision.",
    )
    async def contract_sign(
        self, info: Info, reference: str, signed_on: date, approval: str | None = None
    ) -> ContractPayload:
        return await act(
            info,
            _CONTRACT,
            contracts.sign_contract,
            reference,
            signed_on,
            approval,
            info.context.settings.contract_rvc_threshold,
        )

    @mutation(Permission.CONTRACTS_MANAGE, "A signed contract ends.")
    async def contract_end(self, info: Info, reference: str, ended_on: date) -> ContractPayload:
        return await act(info, _CONTRACT, contracts.end_contract, reference, ended_on)

    @mutation(
        Permission.BUDGET_MANAGE,
        "The year's draft budget: the open one, or a new version from the adopted one.",
    )
    async def budget_start(self, info: Info, year: int) -> BudgetChangePayload:
        return await act(info, acknowledge(BudgetChangePayload), budgets.start_budget, year)

    @mutation(Permission.BUDGET_MANAGE, "Set one line of the year's draft budget.")
    async def budget_line_set(
        self,
        info: Info,
        year: int,
        item: BudgetItem,
        amount: Decimal,
        pool: str | None = None,
    ) -> BudgetChangePayload:
        return await act(
            info,
            acknowledge(BudgetChangePayload),
            budgets.set_line,
            year,
            item.value,
            str(amount),
            pool,
        )

    @mutation(
        Permission.BUDGET_MANAGE,
        "The ALV's decision adopts the year's draft; from then on it is read-only.",
    )
    async def budget_adopt(self, info: Info, year: int, decision: str) -> BudgetChangePayload:
        return await act(
            info,
            acknowledge(BudgetChangePayload),
            budgets.adopt_budget,
            year,
            decision,
        )
