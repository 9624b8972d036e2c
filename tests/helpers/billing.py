"""A cooperative with something to bill of every kind: contributions, cost shares, usage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.document import VatCode
from registry.billing.invoicing import BillingDetailsInput, set_billing_details, set_vat_rule
from registry.billing.models import LineCategory
from registry.costs.models import CostCategory, PoolKind
from registry.costs.pools import EntryInput, PoolInput, add_entry, add_participant, create_pool
from registry.costs.runs import run_allocation
from registry.fees.service import run_fees
from registry.members.decisions import DecisionInput, record_decision
from registry.members.models import Member
from registry.settings import Settings
from registry.usage.adoptions import AdoptionInput, adopt, advance
from registry.usage.models import AdoptionStage
from registry.usage.records import UsageInput, record_usage
from registry.usage.tariffs import TariffInput, set_tariff
from tests.helpers.pools import ACTOR, cooperative, pool_members

__all__ = ["ACTOR", "SETTINGS", "billed", "cooperative", "pool_members"]

TODAY = date(2023, 7, 1)
SETTINGS = Settings(cooperative_vat_id="NL001234567B01")
EXEMPT = "Vrijgesteld van btw: kostendeling tussen overheden (art. 11 lid 1 sub u Wet OB)"

IDENTIFIERS = {
    "woerden": "00000001001763006000",
    "gr-meierijstad-noord": "00000003820452941000",
    "eindhoven": "00000001001902763000",
    "tilburg": "00000001002564440000",
}
ADDRESSES = {
    "woerden": ("Blekerijlaan 14", "3447 GR", "Woerden", "PO-2023-117"),
    "gr-meierijstad-noord": ("Markt 1", "5281 AV", "Boxtel", None),
    "eindhoven": ("Stadhuisplein 10", "5611 EM", "Eindhoven", "4500012345"),
    "tilburg": ("Stadhuisplein 130", "5038 TC", "Tilburg", None),
}


async def configure_billing(session: AsyncSession) -> None:
    """VAT per category as the demo cooperative has it, and every member's invoice details."""
    for code, oin in IDENTIFIERS.items():
        await session.execute(update(Member).where(Member.code == code).values(oin=oin))
    for category in LineCategory:
        if category in (LineCategory.USAGE_FEE,):
            await set_vat_rule(session, ACTOR, category, VatCode.STANDARD, "21", None)
        else:
            await set_vat_rule(session, ACTOR, category, VatCode.EXEMPT, "0", EXEMPT)
    for code, (street, postal_code, city, reference) in ADDRESSES.items():
        await set_billing_details(
            session,
            ACTOR,
            code,
            BillingDetailsInput(street, postal_code, city, f"facturen@{code}.example", reference),
        )


@pytest.fixture
async def billed(pool_members: AsyncSession) -> AsyncSession:
    """Fees of 2020, the 25,000 build shared by inhabitants, May 2023 usage of Woerden."""
    session = pool_members
    await run_fees(session, ACTOR, 2020)
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            "zaak-ontwikkeling",
            "Bouw zaakafhandelcomponent",
            PoolKind.DEVELOPMENT,
            application="zaakafhandeling",
            reference_date=date(2020, 1, 1),
        ),
    )
    for member in ("eindhoven", "woerden", "gr-meierijstad-noord"):
        await add_participant(session, ACTOR, "zaak-ontwikkeling", member, date(2021, 1, 1))
    await add_entry(
        session,
        ACTOR,
        "zaak-ontwikkeling",
        EntryInput("25000", date(2021, 3, 1), CostCategory.DEVELOPMENT, "Bouw", "F-2021-001"),
    )
    await run_allocation(session, ACTOR, "zaak-ontwikkeling", TODAY, date(2023, 6, 1))
    await record_decision(
        session, ACTOR, DecisionInput("directie", date(2023, 1, 5), "DIR-2023-02", "tarieven")
    )
    await set_tariff(
        session,
        ACTOR,
        TariffInput("zaakafhandeling", "active_users", "0.55", "2023-01", "DIR-2023-02"),
    )
    adoption = await adopt(
        session, ACTOR, AdoptionInput("woerden", "zaakafhandeling", date(2022, 1, 10)), TODAY
    )
    await advance(session, ACTOR, adoption.id, AdoptionStage.IN_PRODUCTION, date(2022, 3, 1), TODAY)
    await record_usage(
        session,
        ACTOR,
        [
            UsageInput("woerden", "zaakafhandeling", "2023-05", "active_users", Decimal(101)),
            UsageInput("woerden", "zaakafhandeling", "2023-06", "active_users", Decimal(99)),
        ],
    )
    await configure_billing(session)
    return session
