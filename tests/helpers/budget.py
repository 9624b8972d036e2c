"""A quarter for the quarterly report to the RvC: an invoice, decisions, a contract, a budget."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice
from registry.billing.payments import record_transfer
from registry.budget.service import adopt_budget, set_line, start_budget
from registry.contracts.service import ContractInput, create_contract, sign_contract
from registry.members.decisions import DecisionInput, record_decision
from tests.helpers.billing import ACTOR, SETTINGS, TODAY


async def prepare_quarter(session: AsyncSession) -> Invoice:
    """Woerden's invoice of July 2023 (partly paid), a signed contract, an adopted budget."""
    (draft,) = await run_invoices(session, ACTOR, TODAY, ["woerden"])
    invoice = await issue(session, ACTOR, draft.id, TODAY, SETTINGS)
    await record_transfer(session, ACTOR, invoice.id, "10", TODAY, "BANK-1", TODAY)
    for body, reference, day in (
        ("rvc", "RvC-2023-01", date(2023, 1, 2)),
        ("alv", "ALV-2022-11", date(2022, 11, 20)),
        ("alv", "ALV-2023-09", date(2023, 9, 1)),
    ):
        await record_decision(session, ACTOR, DecisionInput(body, day, reference, "besluit"))
    await create_contract(
        session,
        ACTOR,
        ContractInput(
            "C-2023-01",
            "Hosting BV",
            "Hosting",
            "60000",
            date(2023, 1, 1),
            date(2024, 12, 31),
            notice_date=date(2023, 11, 30),
            pool="zaak-ontwikkeling",
        ),
    )
    await sign_contract(
        session,
        ACTOR,
        "C-2023-01",
        date(2023, 1, 3),
        "RvC-2023-01",
        SETTINGS.contract_rvc_threshold,
    )
    await start_budget(session, ACTOR, 2023)
    await set_line(session, ACTOR, 2023, "usage_fees", "10000")
    await set_line(session, ACTOR, 2023, "pool_costs", "30000", "zaak-ontwikkeling")
    await adopt_budget(session, ACTOR, 2023, "ALV-2022-11")
    return invoice
