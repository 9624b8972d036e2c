"""Settings and a logged-in client for the page tests."""

from __future__ import annotations

import re
from typing import Any

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
