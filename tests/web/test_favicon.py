"""The site icon is served by the registry itself, linked from every page, and the
/favicon.ico browsers ask for by habit leads there instead of a 404."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient


async def test_the_icon_is_linked_served_and_found_at_favicon_ico(
    client: AsyncTestClient[Any],
) -> None:
    page = await client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    legacy = await client.get("/favicon.ico", follow_redirects=False)
    assert legacy.status_code == 301
    assert legacy.headers["location"] == "/static/favicon.svg"
    followed = await client.get("/favicon.ico")
    assert followed.status_code == 200
    assert followed.text == icon.text
