"""The report export in headless Chromium: the auditor exports the demo year and the
progress part of the page, refreshed by htmx, ends with the download links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.helpers.browser import PageOn, StartServer, menu_link
from tests.helpers.pages import dev_settings

pytestmark = pytest.mark.browser


@pytest.fixture
async def report_page(
    start_server: StartServer,
    page_on: PageOn,
    members_db_url: str,
    tmp_path: Path,
) -> Page:
    settings = dev_settings(members_db_url, reports_dir=tmp_path / "reports")
    return await page_on(start_server(settings))


async def test_the_auditor_exports_the_demo_year(report_page: Page) -> None:
    page = report_page
    await page.goto("/inloggen?volgende=/rapporten")
    await page.get_by_role("button", name="Anna Auditor").click()
    await expect(page).to_have_url(re.compile(r"/rapporten$"))
    await expect(await menu_link(page, "Rapporten")).to_have_attribute("aria-current", "page")
    form = page.get_by_role("form", name="Contributierapport exporteren")
    await form.get_by_label("Jaar").fill("2026")
    for name in ("CSV", "XLSX", "PDF", "JSON"):
        await expect(form.get_by_label(name, exact=True)).to_be_checked()
    await form.get_by_role("button", name="Exporteren").click()

    await expect(page).to_have_url(re.compile(r"/rapporten/[\w-]+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Export contributierapport 2026"
    )
    progress = page.locator("#voortgang")
    await expect(progress.get_by_role("status")).to_have_text(
        re.compile(r"Klaar: (\d+) van \1 leden"), timeout=30_000
    )
    files = progress.get_by_role("list").first.get_by_role("link")
    await expect(files).to_have_count(12)  # 8 CSV, JSON, PDF, XLSX and the manifest
    await expect(files.last).to_have_text(re.compile(r"\.manifest\.json$"))
    await expect(page.locator("#invoer-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await expect(progress).not_to_have_attribute("hx-get", re.compile(".*"))

    async with page.expect_download() as download_info:
        await progress.get_by_role("link", name=re.compile(r"\.pdf$")).click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".pdf")


async def test_the_files_in_english_show_labels_not_codes(
    report_page: Page, tmp_path: Path
) -> None:
    page = report_page
    await page.goto("/inloggen?volgende=/rapporten")
    await page.get_by_role("button", name="Anna Auditor").click()
    form = page.get_by_role("form", name="Contributierapport exporteren")
    await form.get_by_label("Jaar").fill("2026")
    await expect(form.get_by_label("Taal van de bestanden")).to_have_value("nl")
    await form.get_by_label("Taal van de bestanden").select_option("en")
    await form.get_by_role("button", name="Exporteren").click()
    progress = page.locator("#voortgang")
    await expect(progress.get_by_role("status")).to_have_text(
        re.compile(r"Klaar: (\d+) van \1 leden"), timeout=30_000
    )

    def rows(section: str) -> list[list[str]]:
        [path] = (tmp_path / "reports").glob(f"*/*-{section}.csv")
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Dutch Excel
        return [line.split(";") for line in raw.decode("utf-8-sig").splitlines()]

    head, *contributions = rows("contributie")
    assert head[:2] == ["member", "name"]  # the headings in the chosen language too
    bases = {row[head.index("basis")] for row in contributions}
    assert bases <= {"1 January of the year", "latest published figure"}
    assert bases
    head, *usage = rows("gebruik")
    metrics = {row[head.index("metric")] for row in usage}
    assert metrics
    assert metrics <= {"Active users", "Cases handled", "Transactions", "Documents"}
    checks = [row for row in rows("totalen") if row[0] == "check"]
    assert {row[3] for row in checks} == {"holds"}
