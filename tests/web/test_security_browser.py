"""In Chromium: the pages work under their Content-Security-Policy and refuse to be framed."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, Route, expect

from tests.web.conftest import LiveServer, csp_violations

pytestmark = pytest.mark.browser


async def test_main_pages_work_without_csp_violations(browser_page: Page) -> None:
    page = browser_page
    violations = csp_violations(page)
    for path in ("/", "/applicaties/zaakafhandeling", "/inloggen", "/bestaat-niet"):
        response = await page.goto(path)
        assert response is not None
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        await page.wait_for_load_state("load")
    await page.goto("/")
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


async def test_another_site_cannot_frame_the_registry(
    browser_page: Page, live_server: LiveServer
) -> None:
    page = browser_page
    seen: list[dict[str, str]] = []
    strip = False

    async def through(route: Route) -> None:
        # The real answer of the registry; as a control, once without its framing headers.
        response = await route.fetch()
        seen.append(response.headers)
        headers = {
            name: value
            for name, value in response.headers.items()
            if not strip or name not in ("content-security-policy", "x-frame-options")
        }
        await route.fulfill(response=response, headers=headers)

    await page.route(f"{live_server.url}/", through)
    await page.goto("about:blank")
    for strip in (True, False):
        # A page of another origin (about:blank) framing the registry's home page.
        await page.set_content(f'<iframe id="ingelijst" src="{live_server.url}/"></iframe>')
        await page.wait_for_timeout(500)
        (framed,) = page.main_frame.child_frames
        if strip:
            assert framed.url == f"{live_server.url}/"
            await expect(page.frame_locator("#ingelijst").locator("header")).to_have_count(1)
        else:
            # Chromium shows its error page instead of the registry.
            assert framed.url.startswith("chrome-error://"), framed.url
            await expect(page.frame_locator("#ingelijst").locator("header")).to_have_count(0)
    assert len(seen) == 2
    assert "frame-ancestors 'none'" in seen[1]["content-security-policy"]
    assert seen[1]["x-frame-options"] == "DENY"
