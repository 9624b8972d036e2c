"""Closing a financial year: afterwards every writer refuses a date in it; reopening and the
audit; a credit note of a closed year's invoice says which year it corrects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.credit_notes import credit
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import CreditChoice
from registry.billing.payments import record_transfer
from registry.costs.models import CostCategory
from registry.costs.pools import EntryInput, add_entry
from registry.costs.runs import correct_run, run_allocation, run_pool, run_pools, run_settlement
from registry.fees.service import NoticeInput, RateInput, give_notice, run_fees, set_rate
from registry.kit.errors import Forbidden, ValidationFailed
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.memberships import AdmissionInput, admit
from registry.members.models import Municipality, PopulationFigure
from registry.members.population import PopulationRow
from registry.usage.records import UsageInput, record_usage
from registry.usage.tariffs import TariffInput, set_tariff
from registry.years.models import YearStatus
from registry.years.service import close_year, reopen_year
from tests.helpers.billing import ACTOR, SETTINGS, TODAY

POOL = "zaak-ontwikkeling"
IN_2022 = date(2022, 12, 30)

Writer = Callable[[AsyncSession], Awaitable[object]]

WRITERS: dict[str, tuple[Writer, str]] = {
    "contribution rate": (
        lambda s: set_rate(s, ACTOR, RateInput(2022, "0.40", "ALV-2019-12")),
        "year",
    ),
    "fee run": (lambda s: run_fees(s, ACTOR, 2022), "year"),
    "usage tariff": (
        lambda s: set_tariff(
            s,
            ACTOR,
            TariffInput("zaakafhandeling", "active_users", "0.60", "2022-06", "DIR-2023-02"),
        ),
        "validFrom",
    ),
    "usage value": (
        lambda s: record_usage(
            s,
            ACTOR,
            [
                UsageInput("woerden", "zaakafhandeling", "2023-01", "active_users", Decimal(5)),
                UsageInput("woerden", "zaakafhandeling", "2022-05", "active_users", Decimal(7)),
            ],
        ),
        "records[1].period",
    ),
    "cost entry": (
        lambda s: add_entry(
            s, ACTOR, POOL, EntryInput("100", IN_2022, CostCategory.DEVELOPMENT, "Licentie")
        ),
        "entryDate",
    ),
    "allocation run": (lambda s: run_allocation(s, ACTOR, POOL, IN_2022, IN_2022), "on"),
    "settlement run": (lambda s: run_settlement(s, ACTOR, POOL, "tilburg", IN_2022), "on"),
    "correction run": (lambda s: correct_run(s, ACTOR, 1, IN_2022), "on"),
    "pool run": (lambda s: run_pool(s, ACTOR, POOL, IN_2022, IN_2022), "on"),
    "year-end run": (lambda s: run_pools(s, ACTOR, [POOL], IN_2022, IN_2022), "on"),
    "invoice run": (lambda s: run_invoices(s, ACTOR, IN_2022, today=IN_2022), "today"),
    "invoice": (lambda s: issue(s, ACTOR, 1, IN_2022, SETTINGS), "issueDate"),
    "credit note": (
        lambda s: credit(
            s, ACTOR, 1, IN_2022, SETTINGS, reason="fout", credit_choice=CreditChoice.CARRY
        ),
        "issueDate",
    ),
    "payment": (lambda s: record_transfer(s, ACTOR, 1, "10", IN_2022, "B-1", TODAY), "paidOn"),
    "exit charge": (
        lambda s: give_notice(s, ACTOR, NoticeInput(1, date(2021, 6, 1), IN_2022)),
        "endDate",
    ),
    "admission": (
        lambda s: admit(s, ACTOR, AdmissionInput(1, IN_2022, "OVK-2022-1")),
        "startDate",
    ),
    "population figure": (
        lambda s: import_population(
            s, ACTOR, [PopulationRow(2, "GM0632", "Woerden", 2022, 52_900)]
        ),
        "rows[2].year",
    ),
}


async def _decide(session: AsyncSession, reference: str, on: date = date(2023, 4, 1)) -> None:
    await record_decision(
        session, ACTOR, DecisionInput("directie", on, reference, f"besluit {reference}")
    )


async def _close_2022(session: AsyncSession) -> None:
    await _decide(session, "DIR-2023-09")
    await close_year(session, ACTOR, 2022, "DIR-2023-09", TODAY)


@pytest.mark.parametrize("writer", sorted(WRITERS))
async def test_every_writer_refuses_a_date_in_a_closed_year(
    billed: AsyncSession, writer: str
) -> None:
    write, field = WRITERS[writer]
    await _close_2022(billed)
    with pytest.raises(ValidationFailed) as refused:
        await write(billed)
    (error,) = [e for e in refused.value.errors if e.code == "year_closed"]
    assert error.field == field
    assert error.text("nl").startswith("Boekjaar 2022 is afgesloten")
    assert "financial year 2022 is closed" in error.text("en")


async def _woerden_figures(session: AsyncSession) -> dict[date, int]:
    rows = await session.execute(
        select(PopulationFigure.reference_date, PopulationFigure.count)
        .join(Municipality, Municipality.id == PopulationFigure.municipality_id)
        .where(Municipality.cbs_code == "GM0632")
    )
    return {on: count for on, count in rows.all()}


async def _events(session: AsyncSession) -> int:
    return len((await session.scalars(select(AuditEvent.seq))).all())


async def test_population_figures_of_a_closed_year_are_neither_added_nor_changed(
    billed: AsyncSession,
) -> None:
    await import_population(billed, ACTOR, [PopulationRow(2, "GM0632", "Woerden", 2022, 52_882)])
    await _close_2022(billed)
    figures, events = await _woerden_figures(billed), await _events(billed)
    assert figures[date(2022, 1, 1)] == 52_882
    with pytest.raises(ValidationFailed) as refused:
        await import_population(
            billed,
            ACTOR,
            [
                PopulationRow(2, "GM0632", "Woerden", 2023, 53_300),
                PopulationRow(3, "GM0632", "Woerden", 2022, 52_900),
                PopulationRow(4, "GM9999", "Nieuwegemeente", 2022, 1_000),
            ],
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("rows[3].year", "year_closed"),
        ("rows[4].year", "year_closed"),
    ]
    assert refused.value.errors[0].text("nl").startswith("Boekjaar 2022 is afgesloten")
    assert "financial year 2022 is closed" in refused.value.errors[0].text("en")
    # Nothing of the import is stored, not even the open year's figure or the new municipality.
    assert await _woerden_figures(billed) == figures
    assert (
        await billed.scalar(select(Municipality).where(Municipality.cbs_code == "GM9999")) is None
    )
    assert await _events(billed) == events
    # The closed year's figure as it is, with an open year's new one, is imported.
    result = await import_population(
        billed,
        ACTOR,
        [
            PopulationRow(2, "GM0632", "Woerden", 2022, 52_882),
            PopulationRow(3, "GM0632", "Woerden", 2023, 53_300),
        ],
    )
    assert (result.figures_unchanged, result.figures_created) == (1, 1)
    assert (await _woerden_figures(billed))[date(2023, 1, 1)] == 53_300


async def test_the_open_year_is_still_written(billed: AsyncSession) -> None:
    await _close_2022(billed)
    result = await record_usage(
        billed,
        ACTOR,
        [UsageInput("woerden", "zaakafhandeling", "2023-01", "active_users", Decimal(5))],
    )
    assert result.created == 1
    await set_rate(billed, ACTOR, RateInput(2023, "0.40", "ALV-2019-12"))


async def test_closing_and_reopening_are_decisions_and_audited(billed: AsyncSession) -> None:
    await _close_2022(billed)
    with pytest.raises(ValidationFailed) as twice:
        await close_year(billed, ACTOR, 2022, "DIR-2023-09", TODAY)
    assert twice.value.errors[0].code == "already_closed"
    # Reopening needs a new decision, not the one that closed the year.
    with pytest.raises(ValidationFailed) as same:
        await reopen_year(billed, ACTOR, 2022, "DIR-2023-09")
    assert same.value.errors[0].code == "decision_used"
    await _decide(billed, "DIR-2023-11", date(2023, 6, 1))
    reopened = await reopen_year(billed, ACTOR, 2022, "DIR-2023-11")
    assert reopened.status is YearStatus.OPEN
    await set_rate(billed, ACTOR, RateInput(2022, "0.40", "ALV-2019-12"))
    events = (
        await billed.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "financial_year")
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [(e.operation, e.entity_id) for e in events] == [("close", "2022"), ("reopen", "2022")]
    assert "DIR-2023-11" in (events[1].after or "")


async def test_a_year_is_closed_after_it_ended_by_a_directie_decision(billed: AsyncSession) -> None:
    with pytest.raises(ValidationFailed) as ongoing:
        await close_year(billed, ACTOR, 2023, "DIR-2023-02", TODAY)
    assert ongoing.value.errors[0].code == "year_not_ended"
    with pytest.raises(ValidationFailed) as alv:
        await close_year(billed, ACTOR, 2022, "ALV-2019-12", TODAY)
    assert alv.value.errors[0].field == "decision"
    with pytest.raises(ValidationFailed) as early:
        await close_year(billed, ACTOR, 2022, "DIR-2020-01", TODAY)
    assert early.value.errors[0].code == "decision_before_year_end"
    with pytest.raises(ValidationFailed) as nothing:
        await reopen_year(billed, ACTOR, 2021, "DIR-2023-02")
    assert nothing.value.errors[0].code == "not_closed"


async def test_only_the_directie_closes_a_year(billed: AsyncSession) -> None:
    await _decide(billed, "DIR-2023-09")
    with pytest.raises(Forbidden):
        await close_year(
            billed,
            Actor(ActorKind.USER, "accountant", grants=frozenset({Grant(Role.AUDITOR)})),
            2022,
            "DIR-2023-09",
            TODAY,
        )


async def test_a_credit_note_for_a_closed_years_invoice_says_which_year_it_corrects(
    billed: AsyncSession,
) -> None:
    drafts = await run_invoices(billed, ACTOR, date(2022, 12, 15), today=date(2022, 12, 15))
    assert drafts
    invoice = await issue(billed, ACTOR, drafts[0].id, date(2022, 12, 15), SETTINGS)
    assert invoice.year == 2022
    await _close_2022(billed)
    note = await credit(
        billed,
        ACTOR,
        invoice.id,
        TODAY,
        SETTINGS,
        reason="tarief",
        credit_choice=CreditChoice.CARRY,
    )
    assert (note.year, note.corrects_year) == (2023, 2022)
