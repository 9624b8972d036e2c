"""What a contribution report says, member by member, as plain data for every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Contribution:
    fee_run_id: int
    inhabitants: int
    reference_date: date
    population_basis: str
    figures_source: str
    rate: Decimal
    decision_reference: str
    days_billable: int
    days_in_year: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Charge:
    """An entry fee or exit charge billed in the year."""

    kind: str
    amount_cents: int
    basis: str


@dataclass(frozen=True, slots=True)
class SettlementShare:
    run_id: int
    booked_on: date
    amount_cents: int
    """Positive: the member is debited (it joined late); negative: it is credited."""


@dataclass(frozen=True, slots=True)
class PoolShare:
    pool_code: str
    pool_name: str
    application: str | None
    key: str
    pool_total_cents: int
    """What the pool allocated in the year over all its participants."""
    share_cents: int
    run_ids: tuple[int, ...]
    settlements: tuple[SettlementShare, ...]


@dataclass(frozen=True, slots=True)
class UsageFee:
    application: str
    metric: str
    quantity: Decimal
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Account:
    """The member's invoices and credit notes issued in the year, and how they were settled.

    invoiced = prepaid + paid + credited + outstanding, for every document.
    """

    documents: int
    invoiced_cents: int
    prepaid_cents: int
    paid_stripe_cents: int
    paid_bank_cents: int
    refunded_cents: int
    credited_cents: int
    credit_carried_cents: int
    outstanding_cents: int
    opening_balance_cents: int = 0
    """Of `invoiced`: the open invoices of the previous bookkeeping (beginbalans)."""

    @property
    def paid_cents(self) -> int:
        return self.paid_stripe_cents + self.paid_bank_cents + self.refunded_cents


@dataclass(frozen=True, slots=True)
class MemberReport:
    code: str
    name: str
    contribution: Contribution | None
    charges: tuple[Charge, ...]
    pools: tuple[PoolShare, ...]
    usage: tuple[UsageFee, ...]
    account: Account
    billable_cents: int
    """Everything the rules charge the member for the year."""
    billed_cents: int
    """What invoice lines (of any year) billed of those same items."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A reconciliation that does not hold; reported, never hidden."""

    code: str
    member_code: str | None
    detail: str
    """For programs (JSON, the API); people read `reports.labels.finding_sentence`."""
    left_cents: int = 0
    right_cents: int = 0
    """The two sides that differ, e.g. invoice lines (left) against billable (right)."""
    member_name: str | None = None


@dataclass(slots=True)
class Totals:
    """The cooperative's totals over the members in the report; they must reconcile."""

    contributions_cents: int = 0
    charges_cents: int = 0
    member_shares_cents: int = 0
    settlements_cents: int = 0
    usage_fees_cents: int = 0
    billable_cents: int = 0
    billed_cents: int = 0
    invoiced_cents: int = 0
    prepaid_cents: int = 0
    paid_cents: int = 0
    credited_cents: int = 0
    outstanding_cents: int = 0
    credit_carried_cents: int = 0
    pool_totals_cents: dict[str, int] = field(default_factory=dict)

    def add(self, member: MemberReport) -> None:
        self.contributions_cents += member.contribution.amount_cents if member.contribution else 0
        self.charges_cents += sum(c.amount_cents for c in member.charges)
        for pool in member.pools:
            self.member_shares_cents += pool.share_cents
            self.settlements_cents += sum(s.amount_cents for s in pool.settlements)
            self.pool_totals_cents[pool.pool_code] = pool.pool_total_cents
        self.usage_fees_cents += sum(u.amount_cents for u in member.usage)
        self.billable_cents += member.billable_cents
        self.billed_cents += member.billed_cents
        account = member.account
        self.invoiced_cents += account.invoiced_cents
        self.prepaid_cents += account.prepaid_cents
        self.paid_cents += account.paid_cents
        self.credited_cents += account.credited_cents
        self.outstanding_cents += account.outstanding_cents
        self.credit_carried_cents += account.credit_carried_cents

    @property
    def pools_cents(self) -> int:
        return sum(self.pool_totals_cents.values())


@dataclass(frozen=True, slots=True)
class ReportScope:
    year: int
    member_code: str | None
    as_of_seq: int
    """The audit-log position the report reflects: later changes are left out."""
    as_of_hash: str
    """The hash of that audit event, so an auditor can check the log is the same one."""


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What every file of a report states first."""

    scope: ReportScope
    inputs_sha256: str
    """SHA-256 of the member sections as canonical JSON: what the report was made from."""
    members: int
    title: str
    """For example "Contributierapport 2026" or "Contributierapport 2026 — woerden"."""


@dataclass(frozen=True, slots=True)
class Check:
    """One reconciliation: `left` must equal `right`."""

    code: str
    label: str
    left_cents: int
    right_cents: int

    @property
    def holds(self) -> bool:
        return self.left_cents == self.right_cents


def checks(totals: Totals, scope: ReportScope) -> list[Check]:
    """The reconciliations of the cooperative's totals, each stated whether it holds or not.

    The pool checks only make sense over all members; billed against billable is the sum
    of the per-member check.
    """
    result = []
    if scope.member_code is None:
        result += [
            Check(
                "pool_shares",
                "aandelen leden = totalen kostenpools",
                totals.member_shares_cents,
                totals.pools_cents,
            ),
            Check(
                "settlements_zero_sum", "verrekeningen tellen op tot 0", totals.settlements_cents, 0
            ),
        ]
    settled = totals.prepaid_cents + totals.paid_cents + totals.credited_cents
    return [
        *result,
        Check(
            "payments",
            "vooruitbetaald + betaald + gecrediteerd + openstaand = gefactureerd",
            settled + totals.outstanding_cents,
            totals.invoiced_cents,
        ),
        Check(
            "billed",
            "gefactureerd op regels = te factureren",
            totals.billed_cents,
            totals.billable_cents,
        ),
    ]


def reconcile(totals: Totals, scope: ReportScope) -> list[Finding]:
    """A finding for every cooperative-level check that does not hold.

    Billed against billable is reported per member (`member_findings`), not again here.
    """
    return [
        Finding(
            check.code,
            None,
            f"{check.label}: {check.left_cents} ≠ {check.right_cents}",
            check.left_cents,
            check.right_cents,
        )
        for check in checks(totals, scope)
        if not check.holds and check.code != "billed"
    ]


def member_findings(member: MemberReport) -> list[Finding]:
    """Per member: what the rules charge for the year against what invoices billed of it."""
    if member.billed_cents == member.billable_cents:
        return []
    code = "not_yet_invoiced" if member.billed_cents < member.billable_cents else "over_invoiced"
    return [
        Finding(
            code,
            member.code,
            f"billable {member.billable_cents}, invoice lines {member.billed_cents}",
            member.billed_cents,
            member.billable_cents,
            member.name,
        )
    ]
