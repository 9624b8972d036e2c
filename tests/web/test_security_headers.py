"""Every response carries the browser security headers: pages, API, files and errors."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction
from registry.demo import load_demo
from registry.settings import Settings
from registry.web.app import create_app
from registry.web.headers import CSP_OPT, PAYMENT_POLICY
from tests.web.conftest import SESSION_SECRET
from tests.web.test_sessions import csrf_token_in

BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
async def demo_db(db_url: str, session_factory: async_sessionmaker[AsyncSession]) -> str:
    async with transaction(session_factory) as session:
        assert await load_demo(session)
    return db_url


def assert_secured(response: Any, csp: str = BASE_CSP) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == csp, response.request.url
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert len(headers.get_list("content-security-policy")) == 1


@pytest.mark.parametrize("dev_mode", [False, True], ids=["production", "development"])
async def test_every_kind_of_response_has_the_headers(demo_db: str, dev_mode: bool) -> None:
    settings = Settings(
        database_url=demo_db, dev_mode=dev_mode, dev_login=dev_mode, session_secret=SESSION_SECRET
    )
    async with AsyncTestClient(app=create_app(settings), base_url="https://testserver") as client:
        for path, status in (
            ("/", 200),
            ("/applicaties/zaakafhandeling", 200),
            ("/inloggen", 200),
            ("/static/css/site.css", 200),
            ("/static/vendor/htmx.min.js", 200),
            ("/bestaat-niet", 404),
            ("/static/bestaat-niet.css", 404),
            ("/leden/woerden", 303),
        ):
            response = await client.get(path, follow_redirects=False)
            assert response.status_code == status, path
            assert_secured(response)
        api = await client.post("/graphql", json={"query": "{ me { kind } }"})
        assert api.status_code == 200
        assert_secured(api)
        refused = await client.post("/uitloggen", data={}, follow_redirects=False)
        assert refused.status_code == 403
        assert_secured(refused)
        if dev_mode:
            page = await client.get("/inloggen")
            login = await client.post(
                "/inloggen/ontwikkeling",
                data={"persoon": "wim-woerden", "_csrf_token": csrf_token_in(page.text)},
                follow_redirects=False,
            )
            assert_secured(login)
            mine = await client.get("/leden/woerden")
            assert mine.status_code == 200
            assert_secured(mine)
            assert "frame-ancestors 'none'" in mine.headers["content-security-policy"]


def test_only_the_payment_page_may_load_stripe_js(demo_db: str) -> None:
    settings = Settings(
        database_url=demo_db,
        session_secret=SESSION_SECRET,
        stripe_api_base="http://127.0.0.1:8420",
        stripe_js_url="http://127.0.0.1:8420/js.stripe.com/v3/",
    )
    app = create_app(settings)
    marked = {
        route.path
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if handler.opt.get(CSP_OPT) == PAYMENT_POLICY
    }
    assert marked == {"/facturen/{invoice_id:int}/betalen"}

    from registry.web.headers import payment_policy, render_policy

    assert (
        render_policy(payment_policy(settings))
        == BASE_CSP.replace("script-src 'self'", "script-src 'self' http://127.0.0.1:8420").replace(
            "connect-src 'self'", "connect-src 'self' http://127.0.0.1:8420"
        )
        + "; frame-src 'self' http://127.0.0.1:8420"
    )
    stripe_itself = render_policy(payment_policy(Settings(database_url=demo_db)))
    assert "script-src 'self' https://js.stripe.com;" in stripe_itself
    assert "connect-src 'self' https://api.stripe.com https://js.stripe.com;" in stripe_itself
    assert "frame-src 'self' https://js.stripe.com https://hooks.stripe.com" in stripe_itself
    assert "unsafe-inline" not in stripe_itself


async def test_graphiql_gets_its_own_policy_in_development_only(demo_db: str) -> None:
    settings = Settings(database_url=demo_db, dev_mode=True, session_secret=SESSION_SECRET)
    async with AsyncTestClient(app=create_app(settings)) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self' 'unsafe-inline' https://unpkg.com" in csp
        assert_secured(await client.get("/"))
