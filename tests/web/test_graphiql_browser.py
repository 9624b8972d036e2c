"""In Chromium: GraphiQL (development mode) runs from the registry's own files, no CDN."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Route, expect

from registry.settings import Settings
from tests.helpers.pages import SESSION_SECRET
from tests.live import LiveServer
from tests.web.conftest import csp_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dev_live_server(catalogue_db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(
        Settings(database_url=catalogue_db_url, dev_mode=True, session_secret=SESSION_SECRET)
    )
    with server:
        yield server


async def test_graphiql_runs_a_query_without_other_hosts_or_csp_violations(
    browser: Browser, dev_live_server: LiveServer
) -> None:
    context = await browser.new_context(base_url=dev_live_server.url)
    elsewhere: list[str] = []

    async def refuse(route: Route) -> None:
        elsewhere.append(route.request.url)
        await route.abort()

    # Everything not on the live server is refused and recorded (a CDN would be unreachable).
    await context.route(lambda url: not url.startswith(f"{dev_live_server.url}/"), refuse)
    page = await context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    violations = csp_violations(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        query = "{ applications(first: 1) { totalCount } }"
        response = await page.goto(f"/graphql?q={quote(query)}")
        assert response is not None
        assert response.headers["content-type"].startswith("text/html")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "unpkg" not in csp

        editor = page.locator(".graphiql-query-editor .CodeMirror")
        await expect(editor).to_contain_text("totalCount")
        await page.locator(".graphiql-execute-button").click()
        result = page.locator(".result-window")
        await expect(result).to_contain_text('"totalCount":')
        assert '"errors"' not in await result.inner_text()

        # A dialog adds a <style> element: allowed by the page's nonce, no violation.
        await page.get_by_label("Open settings dialog").click()
        await expect(page.get_by_role("dialog")).to_contain_text("Persist headers")
        await page.keyboard.press("Escape")
        await expect(page.get_by_role("dialog")).to_have_count(0)

        # The documentation explorer loads the schema from /graphql, as in development mode.
        await page.get_by_label("Show Documentation Explorer").click()
        await expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query")
    finally:
        await context.close()
    assert elsewhere == []
    assert requested, "no requests recorded"
    assert all(url.startswith(f"{dev_live_server.url}/") for url in requested), requested
    assert any(url.endswith("/static/vendor/graphiql/graphiql.min.js") for url in requested)
    assert violations == []
    assert errors == []
