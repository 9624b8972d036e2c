"""The directie keeps the contracts register, drafts and adopts a budget, downloads the
quarterly report and reads the statutory calendar, in headless Chromium, through the real
forms; every page without axe-core violations, in Dutch and in English."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.browser import PageOn, StartServer, menu_link, record_decision_on_page
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def directie_page(
    start_server: StartServer, page_on: PageOn, cooperative_db_url: str
) -> Page:
    page = await page_on(start_server(dev_settings(cooperative_db_url)))
    await page.goto("/inloggen?volgende=/besluiten")
    await page.get_by_role("button", name="Dirk Directie").click()
    await expect(page).to_have_url(re.compile(r"/besluiten$"))
    return page


async def test_a_contract_over_the_threshold_is_signed_with_the_rvc_s_approval(
    directie_page: Page, tmp_path: Path
) -> None:
    page = directie_page
    today = date.today()
    await record_decision_on_page(
        page, "RvC", today.isoformat(), "RvC-H-1", "Goedkeuring hostingcontract"
    )
    await record_decision_on_page(
        page, "ALV", today.isoformat(), "ALV-B-1", "Begroting volgend jaar"
    )

    await (await menu_link(page, "Directie")).click()
    await page.get_by_role("link", name="Contracten").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Contracten")
    assert await axe_violations(page) == []

    form = page.locator("form[action='/contracten']")
    await form.get_by_label("Kenmerk").fill("C-H-1")
    await form.get_by_label("Leverancier").fill("Hosting BV")
    await form.get_by_label("Onderwerp").fill("Hosting van de zaakafhandelcomponent")
    await form.get_by_label("Bedrag over de hele looptijd").fill("60.000,00")
    await form.get_by_label("Begindatum").fill(today.isoformat())
    await form.get_by_label("Einddatum").fill((today + timedelta(days=730)).isoformat())
    await form.get_by_label("Opzegdatum").fill((today + timedelta(days=30)).isoformat())
    await form.get_by_role("button", name="Contract vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text("Contract C-H-1 is opgeslagen.")

    # Signing without the RvC's approval is refused, naming the threshold in euros.
    sign = page.locator("form[action='/contracten/ondertekenen']")
    await sign.get_by_label("Datum van ondertekening").fill(today.isoformat())
    await sign.get_by_role("button", name="Ondertekenen").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Een contract boven €\xa050.000,00 heeft de goedkeuring")
    await summary.get_by_role("link", name=re.compile("^Goedkeuringsbesluit")).click()
    await expect(page.get_by_label("Goedkeuringsbesluit van de RvC")).to_be_focused()
    assert await axe_violations(page) == []

    sign = page.locator("form[action='/contracten/ondertekenen']")
    await sign.get_by_label("Datum van ondertekening").fill(today.isoformat())
    await sign.get_by_label("Goedkeuringsbesluit van de RvC").select_option("RvC-H-1")
    await sign.get_by_role("button", name="Ondertekenen").click()
    await expect(page.get_by_role("status")).to_have_text("Contract C-H-1 is opgeslagen.")
    register = page.get_by_role("table", name="1 contract", exact=True)
    await expect(register.get_by_role("row").filter(has_text="C-H-1")).to_contain_text(
        ["Ondertekend"]
    )
    await expect(register).to_contain_text("€\xa060.000,00")
    near = page.get_by_role("table", name=re.compile("met een opzegdatum binnen 60 dagen"))
    await expect(near).to_contain_text("C-H-1")
    assert await axe_violations(page) == []

    # The budget of next year: drafted, one line, adopted by the ALV, then read-only.
    await page.goto("/begroting")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Begroting {today.year + 1}")
    await page.get_by_role("button", name="Begroting opstellen").click()
    await page.get_by_label("Soort").select_option(label="Contributies")
    await page.get_by_label("Bedrag", exact=True).fill("120000")
    await page.get_by_role("button", name="Regel vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text("De begroting is opgeslagen.")
    await page.get_by_label("Besluit van de ALV").select_option("ALV-B-1")
    await page.get_by_role("button", name="Begroting vaststellen").click()
    await expect(
        page.get_by_role("heading", name=re.compile("Versie 1: Vastgesteld"))
    ).to_contain_text("ALV-B-1")
    await expect(page.get_by_role("button", name="Regel vastleggen")).to_have_count(0)
    await expect(page.get_by_role("button", name="Nieuwe versie opstellen")).to_be_visible()
    assert await axe_violations(page) == []

    # The quarterly report of the last quarter that ended, as a PDF.
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Kwartaalrapportage downloaden").click()
    download = await download_info.value
    assert re.fullmatch(r"kwartaalrapportage-\d{4}-Q\d-\d+-nl\.pdf", download.suggested_filename)
    saved = tmp_path / "rapport.pdf"
    await download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # The calendar: the budget of next year is done, the exported report counts.
    await page.goto("/directie")
    calendar = page.get_by_role("table", name=f"Termijnen van {today.year}")
    budget_row = calendar.get_by_role("row").filter(
        has_text="Begroting en strategisch plan vóór 1 december"
    )
    await expect(budget_row).to_contain_text(re.compile("Gedaan|Te laat"))
    await expect(budget_row.get_by_role("cell").last).not_to_have_text("–")
    await expect(page.locator("main")).to_contain_text("C-H-1 met Hosting BV: opzeggen uiterlijk")
    assert await axe_violations(page) == []

    await page.goto("/contracten?lang=en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    await expect(page.get_by_role("table", name="1 contract", exact=True)).to_contain_text("Signed")
    assert await axe_violations(page) == []
    await page.goto("/directie?lang=en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Overview for the management")
    assert await axe_violations(page) == []
