"""Queries of the billing domain, including the billable records of the other domains."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from registry.billing.document import DocumentKind
from registry.billing.models import (
    BillingAccount,
    GatewayEventRecord,
    Invoice,
    InvoiceLine,
    InvoiceNumberCounter,
    InvoiceStatus,
    LineCategory,
    MemberCredit,
    Settlement,
    VatRule,
)
from registry.catalogue.models import Application
from registry.costs.models import AllocationLine, AllocationRun, CostPool
from registry.db import serialise
from registry.fees.models import FeeLine, FeeRun
from registry.members.models import Member, Membership
from registry.usage.models import UsageRecord, UsageTariff


async def account_of(session: AsyncSession, member_id: int) -> BillingAccount | None:
    return await session.get(BillingAccount, member_id)


async def accounts_of(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, BillingAccount]:
    if not member_ids:
        return {}
    rows = await session.scalars(
        select(BillingAccount).where(BillingAccount.member_id.in_(member_ids))
    )
    return {a.member_id: a for a in rows}


async def all_members(session: AsyncSession) -> list[Member]:
    return list(await session.scalars(select(Member).order_by(Member.code)))


async def vat_rules(session: AsyncSession) -> dict[LineCategory, VatRule]:
    return {rule.category: rule for rule in await session.scalars(select(VatRule))}


async def billed_per_key(
    session: AsyncSession, member_ids: Sequence[int], *, drafts: bool = True
) -> dict[str, int]:
    """What every line so far billed per item key: on drafts too, or on issued documents only."""
    query = (
        select(InvoiceLine.item_key, func.sum(InvoiceLine.net_cents))
        .where(InvoiceLine.member_id.in_(member_ids))
        .group_by(InvoiceLine.item_key)
    )
    if not drafts:
        query = query.join(Invoice, Invoice.id == InvoiceLine.invoice_id).where(
            Invoice.status != InvoiceStatus.DRAFT
        )
    return {key: int(total) for key, total in await session.execute(query)}


async def invoice_by_id(session: AsyncSession, invoice_id: int) -> Invoice | None:
    """The invoice with its lines as stored now, also when the session loaded it before."""
    return await session.scalar(
        select(Invoice)
        .where(Invoice.id == invoice_id)
        .options(selectinload(Invoice.lines))
        .execution_options(populate_existing=True)
    )


async def member_of_invoice(session: AsyncSession, invoice_id: int) -> int | None:
    return await session.scalar(select(Invoice.member_id).where(Invoice.id == invoice_id))


async def numbers_by_ids(
    session: AsyncSession, invoice_ids: Sequence[int]
) -> dict[int, str | None]:
    rows = await session.execute(
        select(Invoice.id, Invoice.number).where(Invoice.id.in_(invoice_ids))
    )
    return {invoice_id: number for invoice_id, number in rows}


async def invoice_by_number(session: AsyncSession, number: str) -> Invoice | None:
    return await session.scalar(
        select(Invoice).where(Invoice.number == number).options(selectinload(Invoice.lines))
    )


async def credited_line_keys(session: AsyncSession, invoice_id: int) -> set[str]:
    """Item keys already credited by credit notes that correct the invoice."""
    return set(
        await session.scalars(
            select(InvoiceLine.item_key)
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(Invoice.corrects_invoice_id == invoice_id)
        )
    )


async def latest_invoice_before(
    session: AsyncSession, member_id: int, moment: datetime | None
) -> Invoice | None:
    """The member's latest issued invoice (not credit note), issued before `moment` if given."""
    query = select(Invoice).where(
        Invoice.member_id == member_id,
        Invoice.kind == DocumentKind.INVOICE,
        Invoice.number.is_not(None),
    )
    if moment is not None:
        query = query.where(Invoice.issued_at < moment)
    return await session.scalar(
        query.order_by(Invoice.issued_at.desc(), Invoice.id.desc()).limit(1)
    )


async def corrections_of(session: AsyncSession, invoice_id: int) -> list[Invoice]:
    """The credit notes that correct an invoice, oldest first."""
    return list(
        await session.scalars(
            select(Invoice)
            .where(Invoice.corrects_invoice_id == invoice_id)
            .order_by(Invoice.issued_at, Invoice.id)
        )
    )


async def invoice_by_intent(session: AsyncSession, intent_id: str) -> Invoice | None:
    return await session.scalar(select(Invoice).where(Invoice.gateway_intent_id == intent_id))


async def invoices(
    session: AsyncSession,
    *,
    member_ids: Sequence[int] | None = None,
    statuses: Sequence[InvoiceStatus] | None = None,
) -> list[Invoice]:
    query = select(Invoice).options(selectinload(Invoice.lines))
    if member_ids is not None:
        query = query.where(Invoice.member_id.in_(member_ids))
    if statuses is not None:
        query = query.where(Invoice.status.in_(statuses))
    query = query.order_by(Invoice.year.desc().nulls_first(), Invoice.sequence.desc(), Invoice.id)
    return list(await session.scalars(query))


async def drafts_of(session: AsyncSession, member_ids: Sequence[int]) -> list[Invoice]:
    return list(
        await session.scalars(
            select(Invoice)
            .where(Invoice.status == InvoiceStatus.DRAFT, Invoice.member_id.in_(member_ids))
            .options(selectinload(Invoice.lines))
        )
    )


async def payment_pending(session: AsyncSession) -> list[Invoice]:
    return list(
        await session.scalars(
            select(Invoice).where(Invoice.payment_pending.is_(True)).order_by(Invoice.id)
        )
    )


async def with_intent(session: AsyncSession) -> list[Invoice]:
    return list(
        await session.scalars(
            select(Invoice).where(Invoice.gateway_intent_id.is_not(None)).order_by(Invoice.id)
        )
    )


async def take_number(session: AsyncSession, year: int) -> int:
    """The next number of `year`, counter row locked until commit (no gaps, no duplicates).

    The year's first number creates the row; the lock on the year's numbering makes the
    second of two such issues wait for the first one's row instead of inserting another.
    """
    await serialise(session, f"invoice_numbers:{year}")
    counter = await session.scalar(
        select(InvoiceNumberCounter)
        .where(InvoiceNumberCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if counter is None:
        counter = InvoiceNumberCounter(year=year, last_number=0)
        session.add(counter)
    counter.last_number += 1
    await session.flush()
    return counter.last_number


async def settlements_of(session: AsyncSession, invoice_ids: Sequence[int]) -> list[Settlement]:
    return list(
        await session.scalars(
            select(Settlement)
            .where(Settlement.invoice_id.in_(invoice_ids))
            .order_by(Settlement.settled_on, Settlement.id)
        )
    )


async def settlement_by_reference(
    session: AsyncSession, kind: str, reference: str
) -> Settlement | None:
    return await session.scalar(
        select(Settlement).where(Settlement.kind == kind, Settlement.reference == reference)
    )


async def credit_balance(session: AsyncSession, member_id: int) -> int:
    total = await session.scalar(
        select(func.sum(MemberCredit.amount_cents)).where(MemberCredit.member_id == member_id)
    )
    return int(total or 0)


async def credit_balances(session: AsyncSession, member_ids: Sequence[int]) -> dict[int, int]:
    """The credit balance per member (0 for members without credit)."""
    result = dict.fromkeys(member_ids, 0)
    if member_ids:
        rows = await session.execute(
            select(MemberCredit.member_id, func.sum(MemberCredit.amount_cents))
            .where(MemberCredit.member_id.in_(member_ids))
            .group_by(MemberCredit.member_id)
        )
        for member_id, total in rows:
            result[member_id] = int(total or 0)
    return result


async def credit_by_reason(session: AsyncSession, reason: str) -> MemberCredit | None:
    return await session.scalar(select(MemberCredit).where(MemberCredit.reason == reason))


async def gateway_event(session: AsyncSession, event_id: str) -> GatewayEventRecord | None:
    return await session.get(GatewayEventRecord, event_id)


async def gateway_events_of(session: AsyncSession, invoice_id: int) -> list[GatewayEventRecord]:
    return list(
        await session.scalars(
            select(GatewayEventRecord)
            .where(GatewayEventRecord.invoice_id == invoice_id)
            .order_by(GatewayEventRecord.received_at)
        )
    )


# The billable records of the other domains.


async def fee_lines(
    session: AsyncSession, member_ids: Sequence[int]
) -> list[tuple[FeeRun, FeeLine]]:
    """Every fee line of the members, oldest run first (the latest run per year counts)."""
    rows = await session.execute(
        select(FeeRun, FeeLine)
        .join(FeeLine, FeeLine.run_id == FeeRun.id)
        .where(FeeLine.member_id.in_(member_ids))
        .order_by(FeeRun.year, FeeRun.sequence, FeeLine.membership_id)
    )
    return [(run, line) for run, line in rows]


async def latest_fee_runs(session: AsyncSession) -> dict[int, int]:
    """The id of the latest fee run of every year."""
    rows = await session.execute(
        select(FeeRun.year, FeeRun.id).order_by(FeeRun.year, FeeRun.sequence)
    )
    return dict(rows.all())


async def memberships(session: AsyncSession, member_ids: Sequence[int]) -> list[Membership]:
    return list(
        await session.scalars(
            select(Membership).where(Membership.member_id.in_(member_ids)).order_by(Membership.id)
        )
    )


async def allocation_totals(
    session: AsyncSession, member_ids: Sequence[int]
) -> list[tuple[AllocationRun, CostPool, int, int]]:
    """Per run and member, the member's total share: (run, pool, member id, cents)."""
    rows = await session.execute(
        select(
            AllocationRun,
            CostPool,
            AllocationLine.member_id,
            func.sum(AllocationLine.amount_cents),
        )
        .join(AllocationLine, AllocationLine.run_id == AllocationRun.id)
        .join(CostPool, CostPool.id == AllocationRun.pool_id)
        .where(AllocationLine.member_id.in_(member_ids))
        .group_by(AllocationRun.id, CostPool.id, AllocationLine.member_id)
        .order_by(AllocationRun.id, AllocationLine.member_id)
    )
    return [(run, pool, member_id, int(total)) for run, pool, member_id, total in rows]


async def usage_records(
    session: AsyncSession, member_ids: Sequence[int], before: date
) -> list[tuple[UsageRecord, str]]:
    """Usage of months starting before `before`, with the application's slug."""
    rows = await session.execute(
        select(UsageRecord, Application.slug)
        .join(Application, Application.id == UsageRecord.application_id)
        .where(UsageRecord.member_id.in_(member_ids), UsageRecord.period < before)
        .order_by(UsageRecord.member_id, Application.slug, UsageRecord.period, UsageRecord.metric)
    )
    return [(record, slug) for record, slug in rows]


async def tariffs(session: AsyncSession, application_ids: Sequence[int]) -> list[UsageTariff]:
    return list(
        await session.scalars(
            select(UsageTariff).where(UsageTariff.application_id.in_(application_ids))
        )
    )
