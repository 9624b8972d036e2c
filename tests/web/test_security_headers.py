"""Every response carries the browser security headers: pages, API, files and errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.db import transaction
from registry.http.headers import CSP_OPT, PAYMENT_POLICY
from registry.settings import Settings
from tests.conftest import DemoTemplate
from tests.helpers.pages import SESSION_SECRET, csrf_token_in

BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
async def demo_db(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], demo_template: DemoTemplate
) -> str:
    async with transaction(session_factory) as session:
        await demo_template.copy_into(session)
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

    from registry.http.headers import payment_policy, render_policy

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


async def test_graphiql_is_served_from_the_registry_in_development_only(demo_db: str) -> None:
    html = {"Accept": "text/html"}
    settings = Settings(database_url=demo_db, dev_mode=True, session_secret=SESSION_SECRET)
    nonces = []
    async with AsyncTestClient(app=create_app(settings)) as client:
        for _ in range(2):
            page = await client.get("/graphql", headers=html)
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            # The site's policy; <style> elements only with this response's nonce.
            (nonce,) = re.findall(r'data-style-nonce="([^"]+)"', page.text)
            assert_secured(
                page, BASE_CSP.replace("style-src 'self'", f"style-src 'self' 'nonce-{nonce}'")
            )
            nonces.append(nonce)
            scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
            assert [src for src, _ in scripts] == [
                ' src="/static/vendor/graphiql/react.production.min.js"',
                ' src="/static/vendor/graphiql/react-dom.production.min.js"',
                ' src="/static/vendor/graphiql/graphiql.min.js"',
                ' src="/static/js/graphiql.js"',
            ]
            assert all(body.strip() == "" for _, body in scripts)
            assert "<style" not in page.text
            assert " style=" not in page.text
            assert "unpkg" not in page.text
            for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
                served = await client.get(asset)
                assert served.status_code == 200, asset
                assert_secured(served)
        assert nonces[0] != nonces[1]
        css = await client.get("/static/vendor/graphiql/graphiql.min.css")
        assert "data:font" not in css.text
        assert_secured(await client.get("/"))
        answer = await client.post("/graphql", json={"query": "{ me { kind } }"})
        assert answer.status_code == 200
        assert_secured(answer)

    production = Settings(database_url=demo_db, session_secret=SESSION_SECRET)
    async with AsyncTestClient(app=create_app(production)) as client:
        page = await client.get("/graphql", headers=html)
        assert page.status_code == 404
        assert "graphiql" not in page.text.lower()
        assert_secured(page)
