"""The publiccode.yml page over HTTP: an upload is checked, a body over the limit is refused
before it is read, and the page is linked from every page's footer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.catalogue.publiccode import MAX_BYTES
from registry.settings import Settings
from tests.helpers.pages import SESSION_SECRET, csrf_token_in

Client = AsyncTestClient[Any]
FILES = Path(__file__).parent.parent / "catalogue" / "publiccode"


@pytest.fixture
async def client(catalogue_db_url: str) -> AsyncIterator[Client]:
    """Over https, as the service is reached: the CSRF cookie is a secure one."""
    app = create_app(Settings(database_url=catalogue_db_url, session_secret=SESSION_SECRET))
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as test_client:
        yield test_client


async def _token(client: Client) -> str:
    page = await client.get("/publiccode/controleren")
    assert page.status_code == 200
    return csrf_token_in(page.text)


async def test_an_uploaded_file_is_checked(client: Client) -> None:
    token = await _token(client)
    broken = (FILES / "invalid/many-errors-v0.3.yml").read_bytes()
    response = await client.post(
        "/publiccode/controleren",
        data={"_csrf_token": token, "yaml": ""},
        files={"bestand": ("publiccode.yml", broken, "application/yaml")},
    )
    assert response.status_code == 200
    assert "Niet geldig: 15 fouten" in response.text
    assert "regel 12, kolom 7" not in response.text
    assert '<code class="utrecht-code">releaseDate</code>: &#39;2026-02-30&#39; is geen datum' in (
        response.text
    )


async def test_a_body_over_the_limit_is_refused(client: Client) -> None:
    token = await _token(client)
    response = await client.post(
        "/publiccode/controleren",
        data={"_csrf_token": token, "yaml": "x" * (3 * MAX_BYTES)},
    )
    assert response.status_code == 413


async def test_the_footer_links_the_page_and_the_feed(client: Client) -> None:
    home = (await client.get("/")).text
    assert 'href="/publiccode/controleren"' in home
    page = (await client.get("/publiccode/controleren")).text
    for path in (
        "/open-data/publiccode.json",
        "/open-data/publiccode.zip",
        "/open-data/catalogus.jsonld",
    ):
        assert f'href="{path}"' in page
        assert (await client.get(path)).status_code == 200
