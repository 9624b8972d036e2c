"""In Chromium: a visitor pastes a publiccode.yml, then uploads one, and reads the errors with
their key, line and column, and the warnings apart; the page passes axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.helpers.axe import axe_violations
from tests.web.conftest import csp_violations

pytestmark = pytest.mark.browser

FILES = Path(__file__).parent.parent / "catalogue" / "publiccode"


async def test_paste_and_upload_a_publiccode_yml(browser_page: Page) -> None:
    page = browser_page
    violations = csp_violations(page)
    await page.goto("/")
    await page.get_by_role("link", name="publiccode.yml en open data").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("publiccode.yml controleren")
    assert await axe_violations(page) == []

    broken = (FILES / "invalid/contractor-until-missing.yml").read_text()
    await page.get_by_label("Plak de inhoud van publiccode.yml").fill(broken)
    await page.get_by_role("button", name="Controleren").click()
    await expect(page.locator("#fouten-kop")).to_have_text("Niet geldig: 1 fout")
    await expect(page.locator("#fouten li")).to_have_text(
        ["maintenance.contractors[0].until: ontbreekt (regel 12, kolom 7)"]
    )
    # What was pasted is kept, to be corrected.
    await expect(page.get_by_label("Plak de inhoud van publiccode.yml")).to_have_value(broken)
    assert await axe_violations(page) == []

    await page.get_by_label("Of kies een bestand").set_input_files(
        FILES / "valid/v0.3-community.yml"
    )
    await page.get_by_role("button", name="Controleren").click()
    await expect(page.locator("#uitkomst-kop")).to_have_text("Uitkomst voor v0.3-community.yml")
    await expect(page.get_by_role("status")).to_have_text(
        "Geldig: dit bestand volgt publiccode.yml 0.3."
    )
    await expect(page.locator("#waarschuwingen li")).to_have_count(4)
    await expect(page.locator("#waarschuwingen li").nth(2)).to_have_text(
        "legal.authorsFile: verouderd en verdwijnt; kan weg (regel 22, kolom 3)"
    )
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check a publiccode.yml")
    await page.get_by_role("button", name="Check").click()
    await expect(page.locator("#foutmeldingen")).to_have_text(
        "paste a publiccode.yml or choose a file"
    )
    assert violations == []
