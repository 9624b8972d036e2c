"""GraphQL types of the contribution report, mirroring `registry.reports.model` field by field,
and of its export jobs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.reports import model
from registry.reports.jobs import JobStatus, ReportJob, content_type

strawberry.enum(JobStatus, name="ReportExportStatus")


@strawberry.type(description="What the report reflects: a year, maybe one member, one audit event.")
class ReportScope:
    year: int
    member: str | None = strawberry.field(description="Member code; null for all members.")
    audit_event: int = strawberry.field(
        description="Sequence number of the audit event the report reflects."
    )
    audit_event_hash: str = strawberry.field(
        description="Hash of that audit event, to check it is the same audit log."
    )

    @classmethod
    def of(cls, scope: model.ReportScope) -> ReportScope:
        return cls(
            year=scope.year,
            member=scope.member_code,
            audit_event=scope.as_of_seq,
            audit_event_hash=scope.as_of_hash,
        )


@strawberry.type(description="The member's contribution for the year with the inputs it came from.")
class ReportContribution:
    fee_run_id: strawberry.ID
    inhabitants: int
    reference_date: date
    population_basis: str
    figures_source: str
    rate: Decimal = strawberry.field(description="Euro per inhabitant, exact.")
    decision_reference: str
    days_billable: int
    days_in_year: int
    amount: Money

    @classmethod
    def of(cls, c: model.Contribution) -> ReportContribution:
        return from_attributes(
            cls,
            c,
            fee_run_id=strawberry.ID(str(c.fee_run_id)),
            amount=Money.of_cents(c.amount_cents),
        )


@strawberry.type(description="An entry fee or exit charge billed in the year.")
class ReportCharge:
    kind: str
    amount: Money
    basis: str

    @classmethod
    def of(cls, c: model.Charge) -> ReportCharge:
        return from_attributes(cls, c, **amounts(c, "amount"))


@strawberry.type(
    description="A settlement run's share: positive when the member is debited (it joined "
    "late), negative when it is credited."
)
class ReportSettlementShare:
    run_id: strawberry.ID
    booked_on: date
    amount: Money

    @classmethod
    def of(cls, s: model.SettlementShare) -> ReportSettlementShare:
        return from_attributes(cls, s, run_id=strawberry.ID(str(s.run_id)), **amounts(s, "amount"))


@strawberry.type(description="The member's share of a cost pool in the year.")
class ReportPoolShare:
    pool_code: str
    pool_name: str
    application: str | None
    key: str = strawberry.field(description="The allocation key of the pool.")
    pool_total: Money = strawberry.field(
        description="What the pool allocated in the year over all its participants."
    )
    share: Money
    run_ids: list[strawberry.ID]
    settlements: list[ReportSettlementShare]

    @classmethod
    def of(cls, p: model.PoolShare) -> ReportPoolShare:
        return from_attributes(
            cls,
            p,
            **amounts(p, "pool_total", "share"),
            run_ids=[strawberry.ID(str(r)) for r in p.run_ids],
            settlements=[ReportSettlementShare.of(s) for s in p.settlements],
        )


@strawberry.type(description="A usage fee of the year: application, metric and quantity.")
class ReportUsageFee:
    application: str
    metric: str
    quantity: Decimal
    amount: Money

    @classmethod
    def of(cls, u: model.UsageFee) -> ReportUsageFee:
        return from_attributes(cls, u, amount=Money.of_cents(u.amount_cents))


@strawberry.type(
    description="The member's invoices and credit notes issued in the year and how they were "
    "settled: invoiced = prepaid + paid + credited + outstanding."
)
class ReportAccount:
    documents: int
    invoiced: Money
    prepaid: Money
    paid_stripe: Money = strawberry.field(description="Paid online by card.")
    paid_bank: Money = strawberry.field(description="Paid by bank transfer.")
    refunded: Money
    paid: Money = strawberry.field(description="Card, bank and refunds together.")
    credited: Money
    credit_carried: Money
    outstanding: Money

    @classmethod
    def of(cls, a: model.Account) -> ReportAccount:
        money = amounts(a, "invoiced", "prepaid", "paid_stripe", "paid_bank", "refunded")
        money |= amounts(a, "paid", "credited", "credit_carried", "outstanding")
        return from_attributes(cls, a, **money)


@strawberry.type(description="Every euro of one member in the report's year.")
class ReportMember:
    code: str
    name: str
    contribution: ReportContribution | None
    charges: list[ReportCharge]
    pools: list[ReportPoolShare]
    usage: list[ReportUsageFee]
    account: ReportAccount
    billable: Money = strawberry.field(description="Everything the rules charge for the year.")
    billed: Money = strawberry.field(
        description="What invoice lines (of any year) billed of those same items."
    )

    @classmethod
    def of(cls, m: model.MemberReport) -> ReportMember:
        return from_attributes(
            cls,
            m,
            contribution=ReportContribution.of(m.contribution) if m.contribution else None,
            charges=[ReportCharge.of(c) for c in m.charges],
            pools=[ReportPoolShare.of(p) for p in m.pools],
            usage=[ReportUsageFee.of(u) for u in m.usage],
            account=ReportAccount.of(m.account),
            **amounts(m, "billable", "billed"),
        )


@strawberry.type(description="What a cost pool allocated in the year.")
class ReportPoolTotal:
    pool_code: str
    total: Money


@strawberry.type(description="The cooperative's totals over the members in the report.")
class ReportTotals:
    contributions: Money
    charges: Money
    member_shares: Money
    settlements: Money
    usage_fees: Money
    billable: Money
    billed: Money
    invoiced: Money
    prepaid: Money
    paid: Money
    credited: Money
    outstanding: Money
    credit_carried: Money
    pools: list[ReportPoolTotal]
    pools_total: Money

    @classmethod
    def of(cls, t: model.Totals) -> ReportTotals:
        return cls(
            **amounts(t, "contributions", "charges", "member_shares", "settlements"),
            **amounts(t, "usage_fees", "billable", "billed", "invoiced", "prepaid", "paid"),
            **amounts(t, "credited", "outstanding", "credit_carried"),
            pools=[
                ReportPoolTotal(pool_code=code, total=Money.of_cents(cents))
                for code, cents in sorted(t.pool_totals_cents.items())
            ],
            pools_total=Money.of_cents(t.pools_cents),
        )


@strawberry.type(description="One reconciliation of the totals: left must equal right.")
class ReportCheck:
    code: str
    label: str
    left: Money
    right: Money
    holds: bool

    @classmethod
    def of(cls, c: model.Check) -> ReportCheck:
        return from_attributes(cls, c, **amounts(c, "left", "right"))


@strawberry.type(description="A reconciliation that does not hold; reported, never hidden.")
class ReportFinding:
    code: str
    member_code: str | None
    detail: str

    @classmethod
    def of(cls, f: model.Finding) -> ReportFinding:
        return from_attributes(cls, f)


@strawberry.type(
    description="The contribution report: every euro per member for a year, with totals that "
    "must reconcile, as the registry stood at one audit event."
)
class ContributionReport:
    title: str
    scope: ReportScope
    inputs_sha256: str = strawberry.field(
        description="SHA-256 of the member sections as canonical JSON, as in the files."
    )
    members: list[ReportMember]
    totals: ReportTotals
    checks: list[ReportCheck]
    findings: list[ReportFinding]


@strawberry.type
class ContributionReportPayload:
    report: ContributionReport | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(description="A file of a finished export.")
class ReportFile:
    name: str
    content_type: str
    download_url: str = strawberry.field(description="Path on the registry's own address.")


@strawberry.type(description="A report export running in the background, into one folder.")
class ReportExportJob:
    job: strawberry.Private[ReportJob]
    id: strawberry.ID
    url: str = strawberry.field(description="The job's page: its progress, then its files.")
    status: JobStatus
    scope: ReportScope
    formats: list[str]
    members_done: int
    members_total: int | None = strawberry.field(
        description="Null while the report is being prepared."
    )
    error: str | None = strawberry.field(
        description="Why the export failed; while queued again, why the last attempt failed."
    )
    attempts: int = strawberry.field(description="Attempts started so far.")

    @classmethod
    def of(cls, job: ReportJob) -> ReportExportJob:
        return cls(
            job=job,
            id=strawberry.ID(job.id),
            url=job.url,
            status=job.status,
            scope=ReportScope.of(job.scope),
            formats=list(job.formats),
            members_done=job.done,
            members_total=job.total,
            error=job.error,
            attempts=job.attempts,
        )

    @strawberry.field(description="The files once the export is done, the manifest last.")
    def files(self) -> list[ReportFile]:
        return [
            ReportFile(
                name=path.name,
                content_type=content_type(path),
                download_url=f"{self.job.url}/{path.name}",
            )
            for path in self.job.files
        ]

    @strawberry.field(description="Equal to the report's inputsSha256 once done.")
    def inputs_sha256(self) -> str | None:
        return self.job.inputs_sha256


@strawberry.type
class ReportExportPayload:
    job: ReportExportJob | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
