"""Settings and a logged-in client for the page tests, posting their forms and reading what a
page shows."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from httpx import Response
from litestar.testing import AsyncTestClient

from registry.settings import Settings

SESSION_SECRET = "Vb7nQ2xKp9LwR4tZs8MhJd3Fc6Ye1Ug5Ao0Ni7Xk2Ew"
"""Production mode needs a random session secret; the tests use this one."""


def dev_settings(db_url: str, **changes: Any) -> Settings:
    """The app on `db_url` in development mode, with the development login."""
    values: dict[str, Any] = {
        "database_url": db_url,
        "dev_mode": True,
        "dev_login": True,
        "session_secret": SESSION_SECRET,
    }
    return Settings(**{**values, **changes})


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def log_in_as(client: AsyncTestClient[Any], person: str) -> None:
    """Log in through the development login as the demo person `person`."""
    page = await client.get("/inloggen")
    response = await client.post(
        "/inloggen/ontwikkeling",
        data={"persoon": person, "_csrf_token": csrf_token_in(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def one_line(html: str) -> str:
    """The HTML with every run of whitespace as one space, so a test can look for a phrase."""
    return re.sub(r"[ \t\r\n]+", " ", html)


async def post(client: AsyncTestClient[Any], page: str, action: str, data: dict[str, str]) -> Any:
    """Post the form `action` with the CSRF token of `page`, without following the redirect."""
    html = (await client.get(page)).text
    return await client.post(
        action, data={"_csrf_token": csrf_token_in(html), **data}, follow_redirects=False
    )


def result_slugs(html: str) -> list[str]:
    """The applications in the results table, in page order."""
    return re.findall(r'<th[^>]*scope="row">\s*<a[^>]*href="/applicaties/([^"]+)"', html)


def text_of(html: str, element_id: str) -> str:
    """The text of the element with id `element_id`, unescaped, on one line."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no element #{element_id}"
    return " ".join(unescape(match.group(1)).split())


def next_link(html: str, rel: str) -> str | None:
    """Where the link with rel `rel` (a pagination link) goes, or None without one."""
    match = re.search(rf'href="([^"]*)" rel="{rel}"', html)
    return unescape(match.group(1)) if match else None


def options_of(html: str, select_id: str) -> list[str]:
    """The option values of one <select>, in page order."""
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select #{select_id}"
    return [unescape(v) for v in re.findall(r'<option value="([^"]*)"', match.group(1))]


async def get_page(client: AsyncTestClient[Any], url: str, status: int = 200) -> str:
    """The HTML of the page at `url`, answered with `status`."""
    response: Response = await client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text
