"""A new rate for a year that was already invoiced: allowed, with a warning that names the
amount the next runs bill or credit, and that amount is what the next invoice run drafts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.invoicing import issue, preview_invoice_run, run_invoices
from registry.fees.models import ContributionRate
from registry.fees.service import RateInput, run_fees
from registry.usage.tariffs import TariffInput
from registry.years.warnings import preview_rate, set_rate_warned, set_tariff_warned
from tests.helpers.billing import ACTOR, SETTINGS, TODAY


async def _invoice_everything(session: AsyncSession) -> None:
    for draft in await run_invoices(session, ACTOR, TODAY, today=TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)


async def _next_contributions_of_2020(session: AsyncSession) -> int:
    await run_fees(session, ACTOR, 2020)
    previews = await preview_invoice_run(session, ACTOR, TODAY, today=TODAY)
    return sum(
        line.net_cents
        for preview in previews
        for line in preview.lines
        if line.item.key.startswith("contribution:") and line.item.key.endswith(":year=2020")
    )


@pytest.mark.parametrize(("rate", "sign"), [("0.40", 1), ("0.30", -1)])
async def test_a_new_rate_for_an_invoiced_year_warns_with_what_it_bills(
    billed: AsyncSession, rate: str, sign: int
) -> None:
    await _invoice_everything(billed)
    stored, warnings = await set_rate_warned(billed, ACTOR, RateInput(2020, rate, "ALV-2019-12"))
    assert stored.rate == Decimal(rate)
    (warning,) = warnings
    assert warning.year == 2020
    assert warning.field == "rate"
    assert warning.amount_cents * sign > 0
    assert warning.amount_cents == await _next_contributions_of_2020(billed)
    dutch = warning.phrase.text("nl")
    assert "De contributie over 2020 is al gefactureerd" in dutch
    assert ("bijgefactureerd" if sign > 0 else "gecrediteerd") in dutch
    assert "€" in dutch


async def test_the_preview_warns_and_stores_nothing(billed: AsyncSession) -> None:
    await _invoice_everything(billed)
    (warning,) = await preview_rate(billed, ACTOR, RateInput(2020, "0.40", "ALV-2019-12"))
    assert warning.amount_cents > 0
    rate = await billed.scalar(select(ContributionRate).where(ContributionRate.year == 2020))
    assert rate is not None
    assert rate.rate == Decimal("0.35")


async def test_a_year_not_invoiced_gives_no_warning(billed: AsyncSession) -> None:
    _, warnings = await set_rate_warned(billed, ACTOR, RateInput(2020, "0.40", "ALV-2019-12"))
    assert warnings == []


async def test_a_new_tariff_for_invoiced_usage_warns_with_what_it_bills(
    billed: AsyncSession,
) -> None:
    await _invoice_everything(billed)
    # From June 2023 on 0.60 instead of 0.55 per active user: June's 99 users were invoiced.
    tariff, warnings = await set_tariff_warned(
        billed,
        ACTOR,
        TariffInput("zaakafhandeling", "active_users", "0.60", "2023-06", "DIR-2023-02"),
        TODAY,
    )
    assert tariff.price == Decimal("0.60")
    (warning,) = warnings
    assert warning.amount_cents == 99 * 5
    previews = await preview_invoice_run(billed, ACTOR, TODAY, today=TODAY)
    usage = [
        line.net_cents
        for preview in previews
        for line in preview.lines
        if line.item.key.startswith("usage:")
    ]
    assert sum(usage) == warning.amount_cents
    assert "Gebruiksvergoedingen vanaf 2023 zijn al gefactureerd" in warning.phrase.text("nl")
    assert "4,95 bijgefactureerd" in warning.phrase.text("nl")
