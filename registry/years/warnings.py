"""Warnings for a change to a year that was already invoiced: allowed until the year is
closed, but shown with the amount it will bill or credit before it is confirmed.

A new contribution rate for a year: the fee run it leads to (the same computation as
`preview_fee_run`) against what the issued invoices and credit notes billed for the year's
contributions (their lines with the year's contribution keys). The difference is what the
next fee run and invoice run bill (positive) or credit (negative).

It reads the invoices, so it sits above billing, like `overview`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.billing.items import billable_items
from registry.billing.models import Invoice, InvoiceLine, InvoiceStatus, LineCategory
from registry.billing.repository import billed_per_key
from registry.fees.models import ContributionRate
from registry.fees.service import RateInput, preview_fee_run, set_rate
from registry.kit.errors import DomainError, Euro, Phrase
from registry.members.models import Member
from registry.usage.models import UsageTariff
from registry.usage.tariffs import TariffInput, set_tariff
from registry.years.errors import YearsWarning

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChangeWarning:
    """What a change does to an invoiced year: `amount_cents` billed (+) or credited (−)."""

    field: str
    year: int
    amount_cents: int
    billed_cents: int
    usage: bool = False
    """Usage fees (a tariff) rather than contributions (a rate)."""

    @property
    def phrase(self) -> Phrase:
        more = self.amount_cents > 0
        if self.usage:
            refusal = YearsWarning.USAGE_BILLS_MORE if more else YearsWarning.USAGE_CREDITS
        else:
            refusal = (
                YearsWarning.CONTRIBUTION_BILLS_MORE if more else YearsWarning.CONTRIBUTION_CREDITS
            )
        return Phrase(
            refusal,
            {
                "year": str(self.year),
                "billed": Euro(self.billed_cents),
                "amount": Euro(abs(self.amount_cents)),
            },
        )


async def billed_contributions(session: AsyncSession, year: int) -> int | None:
    """Net cents the issued invoices and credit notes billed for the year's contributions;
    None when nothing was ever invoiced for them."""
    found = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(InvoiceLine.net_cents), 0))
            .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
            .where(
                InvoiceLine.category == LineCategory.CONTRIBUTION,
                InvoiceLine.item_key.like(f"contribution:%:year={year}"),
                Invoice.status != InvoiceStatus.DRAFT,
            )
        )
    ).one()
    count, total = found
    return int(total) if count else None


async def contribution_warning(
    session: AsyncSession, actor: Actor, year: int
) -> ChangeWarning | None:
    """The warning for the year's contributions as the stored inputs now compute them."""
    billed = await billed_contributions(session, year)
    if billed is None:
        return None
    try:
        preview = await preview_fee_run(session, actor, year)
    except DomainError:
        return None  # the fee run itself will say what is missing
    difference = int(preview.total) - billed
    if difference == 0:
        return None
    return ChangeWarning("rate", year, difference, billed)


async def _in_savepoint(session: AsyncSession, work: Callable[[], Awaitable[T]]) -> T:
    """`work()` inside a savepoint that is always rolled back: nothing it writes stays."""
    savepoint = await session.begin_nested()
    try:
        return await work()
    finally:
        await savepoint.rollback()


async def preview_rate(session: AsyncSession, actor: Actor, data: RateInput) -> list[ChangeWarning]:
    """What setting the rate would warn about, without storing it (refusals as `set_rate`)."""

    async def change() -> list[ChangeWarning]:
        await set_rate(session, actor, data)
        found = await contribution_warning(session, actor, data.year)
        return [found] if found else []

    return await _in_savepoint(session, change)


async def set_rate_warned(
    session: AsyncSession, actor: Actor, data: RateInput
) -> tuple[ContributionRate, list[ChangeWarning]]:
    """Set the rate (`set_rate`) and say what it does to an already invoiced year."""
    rate = await set_rate(session, actor, data)
    found = await contribution_warning(session, actor, data.year)
    return rate, [found] if found else []


async def _invoiced_usage(session: AsyncSession, until: date) -> tuple[int, int]:
    """Over the usage fees already invoiced: (what the rules charge now − what was billed,
    what was billed)."""
    member_ids = list((await session.scalars(select(Member.id))).all())
    billed = await billed_per_key(session, member_ids, drafts=False)
    items = [
        i
        for i in await billable_items(session, member_ids, until)
        if i.category is LineCategory.USAGE_FEE and i.key in billed
    ]
    return (
        sum(i.amount_cents - billed[i.key] for i in items),
        sum(billed[i.key] for i in items),
    )


async def set_tariff_warned(
    session: AsyncSession, actor: Actor, data: TariffInput, today: date
) -> tuple[UsageTariff, list[ChangeWarning]]:
    """Set a usage tariff (`set_tariff`) and say what it does to usage already invoiced: the
    difference the next invoice run bills or credits for months that were invoiced."""
    before, _ = await _invoiced_usage(session, today)
    tariff = await set_tariff(session, actor, data)
    after, billed = await _invoiced_usage(session, today)
    if after == before:
        return tariff, []
    warning = ChangeWarning("price", tariff.valid_from.year, after - before, billed, usage=True)
    return tariff, [warning]


async def preview_tariff(
    session: AsyncSession, actor: Actor, data: TariffInput, today: date
) -> list[ChangeWarning]:
    """What setting the tariff would warn about, without storing it (refusals as `set_tariff`)."""

    async def change() -> list[ChangeWarning]:
        _, found = await set_tariff_warned(session, actor, data, today)
        return found

    return await _in_savepoint(session, change)
