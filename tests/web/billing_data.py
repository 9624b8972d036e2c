"""The cost pool example with its allocation stored and invoicing configured, and Woerden's
share billed on an issued invoice; the other members' shares are still to be invoiced.

Built with the services, as the directie would. Eindhoven's person is its member admin here,
so a member admin of another member can be refused.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.service import RoleInput, assign_role
from registry.billing.document import VatCode
from registry.billing.invoicing import (
    BillingDetailsInput,
    issue,
    run_invoices,
    set_billing_details,
    set_vat_rule,
)
from registry.billing.models import LineCategory
from registry.costs.runs import run_allocation
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import DEV_LOGIN_ISSUER
from registry.kit import clock
from registry.members import repository as members
from registry.settings import Settings
from tests.web import costs_data
from tests.web.costs_data import ACTOR, POOL

UNTIL = date(2023, 6, 30)
"""The cut-off of the runs: the allocation of 1 June 2023 is billable by then."""
EXEMPT = "Vrijgesteld van btw: kostendeling tussen overheden (art. 11 lid 1 sub u Wet OB)"
KVK = {
    "woerden": "27372445",
    "eindhoven": "17272738",
    "gr-boxtel-sint-michielsgestel": "65372210",
    "tilburg": "18221239",
}
"""Invented KvK numbers: an e-invoice addresses the member by its OIN or KvK number."""
ADDRESSES = {
    "woerden": ("Blekerijlaan 14", "3447 GR", "Woerden", "PO-2023-117"),
    "eindhoven": ("Stadhuisplein 10", "5611 EM", "Eindhoven", None),
    "gr-boxtel-sint-michielsgestel": ("Markt 1", "5281 AV", "Boxtel", None),
    "tilburg": ("Stadhuisplein 130", "5038 TC", "Tilburg", None),
}
WOERDEN_INVOICE_ID = 1
WOERDEN_TOTAL = "€\xa03.771,18"
"""Woerden's share of the 25,000 build, exempt from VAT."""
EINDHOVEN_TOTAL = "€\xa016.901,69"


def number(sequence: int) -> str:
    """Invoices are numbered in the year they are issued: the year the tests run."""
    return f"{clock.today().year}-{sequence:06d}"


async def build(session: AsyncSession) -> None:
    await costs_data.build(session)
    on = date(2023, 6, 1)
    await run_allocation(session, ACTOR, POOL, on, on)
    for category in LineCategory:
        if category is LineCategory.USAGE_FEE:
            await set_vat_rule(session, ACTOR, category, VatCode.STANDARD, "21", None)
        else:
            await set_vat_rule(session, ACTOR, category, VatCode.EXEMPT, "0", EXEMPT)
    for code, (street, postal_code, city, reference) in ADDRESSES.items():
        member = await members.member_by_code(session, code)
        assert member is not None
        member.kvk = KVK[code]
        await set_billing_details(
            session,
            ACTOR,
            code,
            BillingDetailsInput(street, postal_code, city, f"facturen@{code}.example", reference),
        )
    for subject, name, member in (
        ("wim-woerden", "Wim Woerden", "woerden"),
        ("erik-eindhoven", "Erik Eindhoven", "eindhoven"),
    ):
        await assign_role(
            session,
            ACTOR,
            RoleInput(
                issuer=DEV_LOGIN_ISSUER,
                subject=subject,
                role="member_admin",
                member=member,
                name=name,
            ),
        )
    (draft,) = await run_invoices(session, ACTOR, UNTIL, ["woerden"])
    assert draft.id == WOERDEN_INVOICE_ID
    await issue(session, ACTOR, draft.id, clock.today(), Settings())


async def fill(url: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await build(session)
    finally:
        await engine.dispose()
