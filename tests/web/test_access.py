"""Every page declares who may open it; a page that does not is refused, at start-up too."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from registry.app import create_app
from registry.settings import Settings
from registry.web.access import audience, check_pages, page_guard


@get("/open", opt=audience())
async def open_page() -> str:
    return "open"


@get("/forgotten")
async def forgotten_page() -> str:
    return "should never be served"


def test_the_registry_declares_every_page() -> None:
    app = create_app(Settings(dev_mode=True))
    check_pages(app)  # the same check create_app runs; no exception
    declared = [
        handler.opt["audience"]
        for route in app.routes
        if not route.path.startswith(("/graphql", "/static"))
        for handler in getattr(route, "route_handlers", ())
        if handler.http_methods != {"OPTIONS"}
    ]
    assert declared  # the catalogue, login and member pages


def test_a_page_without_audience_stops_the_application() -> None:
    app = Litestar([open_page, forgotten_page], guards=[page_guard])
    with pytest.raises(RuntimeError, match="/forgotten"):
        check_pages(app)


async def test_undeclared_pages_and_options_requests_are_refused() -> None:
    app = Litestar([open_page, forgotten_page], guards=[page_guard], openapi_config=None)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/open")).text == "open"
        refused = await client.get("/forgotten")
        assert refused.status_code == 403
        assert "should never" not in refused.text
        assert (await client.options("/open")).status_code == 403
