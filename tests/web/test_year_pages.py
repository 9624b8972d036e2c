"""The financial years page in headless Chromium: the directie closes a year by a decision and
reopens it by a new one, refusals next to their fields; an auditor reads it without the forms;
no axe-core violations, in Dutch and English."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import system_actor
from registry.db import transaction
from registry.members.decisions import DecisionInput, record_decision
from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer
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
    await (
        page.get_by_role("navigation", name="Hoofdmenu")
        .get_by_role("link", name="Boekjaren")
        .click()
    )
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
