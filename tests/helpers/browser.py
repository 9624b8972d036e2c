"""The types of the browser fixture factories in `tests/web/conftest.py`, and steps a person
takes in the browser that several tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeAlias

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, expect

from registry.settings import Settings
from tests.live import LiveServer

StartServer: TypeAlias = Callable[[Settings], LiveServer]
"""`start_server(settings)`: the app on a live server, stopped after the test."""

PageOn: TypeAlias = Callable[[LiveServer], Awaitable[Page]]
"""`await page_on(server)`: a page in a fresh browser context, closed after the test."""


SCREENSHOT_TRIES = 3


async def full_page_screenshot(page: Page, path: Path) -> None:
    """A screenshot of the whole page for people to look at (not an assertion). Headless
    Chromium now and then answers "Unable to capture screenshot" on a busy machine; that is
    tried again, anything else fails the test."""
    for attempt in range(SCREENSHOT_TRIES):
        try:
            await page.screenshot(path=path, full_page=True)
            return
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error) or attempt == SCREENSHOT_TRIES - 1:
                raise


async def record_decision_on_page(
    page: Page, body: str, on: str, reference: str, subject: str
) -> None:
    """Record a decision through the form on /besluiten and wait for its confirmation."""
    form = page.locator("form[action='/besluiten'][method='post']")
    await form.get_by_label("Orgaan").select_option(label=body)
    await form.get_by_label("Datum van het besluit").fill(on)
    await form.get_by_label("Kenmerk").fill(reference)
    await form.get_by_label("Onderwerp").fill(subject)
    await form.get_by_role("button", name="Besluit vastleggen").click()
    await expect(page.get_by_role("status")).to_have_text(f"Besluit {reference} is vastgelegd.")


async def menu_link(page: Page, name: str, menu: str = "Hoofdmenu") -> Locator:
    """The main menu's link `name`, with its group opened first: a closed group (a <details>
    in web/templates/_menu.html) hides its links, as it does for a person."""
    navigation = page.get_by_role("navigation", name=menu)
    group = navigation.locator("details").filter(
        has=page.get_by_role("link", name=name, exact=True, include_hidden=True)
    )
    if await group.count() and not await group.evaluate("details => details.open"):
        await group.locator("summary").click()
    return navigation.get_by_role("link", name=name, exact=True)
