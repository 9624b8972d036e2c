"""The financial years page in headless Chromium: the directie closes a year by a decision and
reopens it by a new one, refusals next to their fields; an auditor reads it without the forms;
no axe-core violations, in Dutch and English."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import system_actor
from registry.billing.models import Invoice
from registry.billing.repository import billed_per_key
from registry.catalogue.models import Application
from registry.db import create_engine, create_session_factory, transaction
from registry.fees import repository as fees
from registry.fees.models import ContributionRate
from registry.members.decisions import DecisionInput, record_decision
from registry.members.models import Decision, Member
from registry.usage.models import UsageTariff
from registry.years.warnings import billed_contributions
from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


async def log_in(page: Page, person: str, then: str) -> None:
    await page.goto(f"/inloggen?volgende={then}")
    await page.get_by_role("button", name=person).click()
    await expect(page).to_have_url(re.compile(f"{then}$"))


async def _decisions(factory: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(factory) as session:
        for reference, on in (("DIR-2021-03", date(2021, 3, 1)), ("DIR-2021-09", date(2021, 9, 1))):
            await record_decision(
                session,
                system_actor("test"),
                DecisionInput("directie", on, reference, "Jaarrekening 2020"),
            )


async def test_the_directie_closes_and_reopens_a_year(
    start_server: StartServer,
    page_on: PageOn,
    cooperative_db_url: str,
    cooperative_db: async_sessionmaker[AsyncSession],
) -> None:
    await _decisions(cooperative_db)
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await log_in(page, "Dirk Directie", "/mijn")
    await (await menu_link(page, "Boekjaren")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Boekjaren")
    row = page.locator("#jaar-2020")
    await expect(row).to_contain_text("Open")
    assert await axe_violations(page) == []

    # Without a decision nothing is closed; the refusal is named next to its field.
    close = page.locator("form[action='/boekjaren/afsluiten']")
    await close.get_by_label("Boekjaar").select_option("2020")
    await close.get_by_role("button", name="Boekjaar afsluiten").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Vermeld het besluit van de directie")
    await expect(page.locator("#jaar-2020")).to_contain_text("Open")
    await expect(close.get_by_label("Boekjaar")).to_have_value("2020")
    assert await axe_violations(page) == []

    await close.get_by_label("Besluit van de directie").select_option("DIR-2021-03")
    await close.get_by_role("button", name="Boekjaar afsluiten").click()
    await expect(page.get_by_role("status")).to_have_text("Boekjaar 2020 is afgesloten.")
    await expect(page.locator("#jaar-2020")).to_contain_text("Afgesloten")
    await expect(page.locator("#jaar-2020")).to_contain_text("afgesloten bij DIR-2021-03")
    assert await axe_violations(page) == []

    # Reopening with the decision that closed it is refused: it needs a new one.
    reopen = page.locator("form[action='/boekjaren/heropenen']")
    await reopen.get_by_label("Boekjaar").select_option("2020")
    await reopen.get_by_label("Nieuw besluit").select_option("DIR-2021-03")
    await reopen.get_by_role("button", name="Boekjaar heropenen").click()
    await expect(page.get_by_role("alert")).to_contain_text("heropenen vraagt een nieuw besluit")
    await reopen.get_by_label("Nieuw besluit").select_option("DIR-2021-09")
    await reopen.get_by_role("button", name="Boekjaar heropenen").click()
    await expect(page.get_by_role("status")).to_have_text("Boekjaar 2020 is heropend.")
    await expect(page.locator("#jaar-2020")).to_contain_text("heropend bij DIR-2021-09")

    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Financial years")
    await expect(page.locator("#jaar-2020")).to_contain_text("reopened by DIR-2021-09")
    assert await axe_violations(page) == []

    async with cooperative_db() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == "financial_year")
                .order_by(AuditEvent.seq)
            )
        ).all()
    assert [e.operation for e in events] == ["close", "reopen"]
    assert all("Dirk Directie" in e.actor_label for e in events)


async def test_an_auditor_reads_the_years_without_the_forms(
    start_server: StartServer, page_on: PageOn, cooperative_db_url: str
) -> None:
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await log_in(page, "Anna Auditor", "/boekjaren")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Boekjaren")
    await expect(page.get_by_role("table", name=re.compile("Boekjaren"))).to_be_visible()
    await expect(page.get_by_role("button", name="Boekjaar afsluiten")).to_have_count(0)
    assert await axe_violations(page) == []


async def _invoiced_rate(url: str) -> tuple[int, str, str, str]:
    """A year of the demo whose contributions were invoiced: its year, rate and decision."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            for rate in await fees.rates(session):
                if await billed_contributions(session, rate.year) is not None:
                    decision = await session.get(Decision, rate.decision_id)
                    assert decision is not None
                    policy = rate.population_policy.value
                    return rate.year, str(rate.rate), decision.reference, policy
    finally:
        await engine.dispose()
    raise AssertionError("the demo invoiced no contributions")


async def test_a_new_rate_for_an_invoiced_year_warns_before_it_is_stored(
    start_server: StartServer, page_on: PageOn, demo_url: str
) -> None:
    year, old, decision, policy = await _invoiced_rate(demo_url)
    new = str(Decimal(old) + Decimal("0.01"))
    page = await page_on(start_server(dev_settings(demo_url)))
    await log_in(page, "Dirk Directie", "/contributie/tarieven")
    await page.get_by_label("Jaar", exact=True).fill(str(year))
    await page.get_by_label("Tarief per inwoner").fill(new.replace(".", ","))
    await page.get_by_label("ALV-besluit").select_option(decision)
    await page.get_by_label("Inwonertal").select_option(policy)
    await page.get_by_role("button", name="Tarief vastleggen").click()
    warning = page.locator("#waarschuwing")
    await expect(warning).to_contain_text(f"De contributie over {year} is al gefactureerd")
    await expect(warning).to_contain_text("bijgefactureerd")
    await expect(warning).to_contain_text("Er is nog niets vastgelegd")
    await expect(page.get_by_label("Tarief per inwoner")).to_have_value(new.replace(".", ","))
    assert await axe_violations(page) == []
    engine = create_engine(demo_url)
    try:
        async with create_session_factory(engine)() as session:
            stored = await session.scalar(
                select(ContributionRate).where(ContributionRate.year == year)
            )
            assert stored is not None
            assert stored.rate == Decimal(old)
    finally:
        await engine.dispose()

    await page.get_by_role("button", name="Tarief toch vastleggen").click()
    await expect(page.locator("#melding")).to_contain_text(f"Het tarief van {year} is vastgelegd")
    engine = create_engine(demo_url)
    try:
        async with create_session_factory(engine)() as session:
            stored = await session.scalar(
                select(ContributionRate).where(ContributionRate.year == year)
            )
            assert stored is not None
            assert stored.rate == Decimal(new)
    finally:
        await engine.dispose()


async def test_the_directie_imports_the_opening_balances_from_the_page(
    start_server: StartServer,
    page_on: PageOn,
    cooperative_db_url: str,
    cooperative_db: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    header = "member;document;date;due_date;amount;description\n"
    bad = tmp_path / "fout.csv"
    bad.write_text(header + "woerden;VF-1;2019-12-01;2019-11-01;100;Oud\n", encoding="utf-8")
    good = tmp_path / "beginbalans.csv"
    good.write_text(
        header
        + "woerden;VF-2019-0412;2019-11-15;2019-12-15;1.234,56;Contributie 2019\n"
        + "woerden;CN-2019-0007;2019-12-20;2019-12-20;-75,00;Tegoed\n",
        encoding="utf-8",
    )
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await log_in(page, "Dirk Directie", "/boekjaren")
    form = page.locator("form[action='/boekjaren/beginbalans']")
    await form.get_by_label("CSV-bestand").set_input_files(bad)
    await form.get_by_role("button", name="Beginbalans importeren").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Regel 2: de vervaldatum ligt vóór de documentdatum."
    )
    assert await axe_violations(page) == []

    await form.get_by_label("CSV-bestand").set_input_files(good)
    await form.get_by_role("button", name="Beginbalans importeren").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Beginbalans geïmporteerd: 1 openstaande facturen (€ 1.234,56) en 1 tegoeden (€ 75,00)."
    )
    assert await axe_violations(page) == []
    async with cooperative_db() as session:
        invoice = await session.scalar(select(Invoice).where(Invoice.number == "VF-2019-0412"))
    assert invoice is not None
    assert invoice.opening_balance
    assert invoice.due_cents == 123456
    # Shown, and its PDF made, like any invoice (the reminders attach it).
    await page.goto(f"/facturen/{invoice.id}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("VF-2019-0412")
    await expect(page.get_by_text("Openstaande post uit de vorige boekhouding")).to_be_visible()
    assert await axe_violations(page) == []
    pdf = await page.request.get(f"/facturen/{invoice.id}/pdf")
    assert pdf.status == 200
    assert (await pdf.body()).startswith(b"%PDF")
    await page.goto("/facturen")
    row = page.get_by_role("row").filter(has_text="VF-2019-0412")
    await expect(row).to_contain_text("(beginbalans)")


async def _invoiced_usage_month(url: str) -> tuple[str, str, str, str, str]:
    """Application name and slug, metric, month and a decision for a new tariff on usage the
    demo invoiced already."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            member_ids = list((await session.scalars(select(Member.id))).all())
            billed = await billed_per_key(session, member_ids, drafts=False)
            starts = {
                (t.application_id, t.metric.value, t.valid_from)
                for t in (await session.scalars(select(UsageTariff))).all()
            }
            decision = await session.scalar(select(Decision.reference).limit(1))
            assert decision is not None
            for key in sorted(billed, reverse=True):
                if not key.startswith("usage:"):
                    continue
                parts = dict(part.split("=", 1) for part in key.split(":")[1:])
                application = await session.scalar(
                    select(Application).where(Application.slug == parts["application"])
                )
                assert application is not None
                first = date.fromisoformat(parts["period"] + "-01")
                if (application.id, parts["metric"], first) not in starts:
                    return (
                        application.name,
                        application.slug,
                        parts["metric"],
                        parts["period"],
                        decision,
                    )
    finally:
        await engine.dispose()
    raise AssertionError("the demo invoiced no usage")


async def test_a_new_tariff_for_invoiced_usage_warns_before_it_is_stored(
    start_server: StartServer, page_on: PageOn, demo_url: str
) -> None:
    name, slug, metric, month, decision = await _invoiced_usage_month(demo_url)
    page = await page_on(start_server(dev_settings(demo_url)))
    await log_in(page, "Dirk Directie", "/tarieven")
    form = page.locator("form[action='/tarieven/gebruik']")
    await form.get_by_label("Applicatie", exact=True).select_option(slug)
    await form.get_by_label("Eenheid", exact=True).select_option(metric)
    await form.get_by_label("Prijs per eenheid").fill("99")
    await form.get_by_label("Vanaf de maand").fill(month)
    await form.get_by_label("Besluit", exact=True).select_option(decision)
    await form.get_by_role("button", name="Gebruikstarief vastleggen").click()
    warning = page.locator("#waarschuwing")
    await expect(warning).to_contain_text("zijn al gefactureerd")
    await expect(warning).to_contain_text("bijgefactureerd")
    assert await axe_violations(page) == []
    await form.get_by_role("button", name="Gebruikstarief toch vastleggen").click()
    await expect(page.locator("#melding")).to_contain_text("Het gebruikstarief is vastgelegd.")
    await expect(
        page.get_by_role("row").filter(has_text=name).filter(has_text=month)
    ).to_have_count(1)
