"""A migrated SQLite catalogue with the demo data, a test client on it, and a live server.

Self-contained on purpose: the pages only read, so one database serves the whole test
session, and the browser test needs a real file that a server thread can open.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from oidc_provider_mock import run_server_in_thread
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.app import create_app
from registry.auth.roles import system_actor
from registry.auth.service import RoleInput, assign_role
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import load_demo
from registry.migrate import upgrade
from registry.settings import OidcProvider, Settings
from tests.conftest import run_lock
from tests.helpers.browser import PageOn, StartServer
from tests.helpers.pages import SESSION_SECRET, dev_settings
from tests.live import LiveServer, bound_socket
from tests.web.catalogue_data import fill


@pytest.fixture(scope="session")
async def catalogue_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file built by the migrations and filled with the demo plus trial applications."""
    return f"sqlite+aiosqlite:///{await built(tmp_path_factory, 'catalogue', fill)}"


@pytest.fixture
async def client(catalogue_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """A fresh client per test, so language cookies never carry over between tests."""
    app = create_app(Settings(database_url=catalogue_db_url, session_secret=SESSION_SECRET))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def members_client(members_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app on the members' database, in development mode with the development login."""
    async with AsyncTestClient(app=create_app(dev_settings(members_db_url))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(catalogue_db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(Settings(database_url=catalogue_db_url, session_secret=SESSION_SECRET))
    with server:
        yield server


# Debian's Chromium: Playwright's own browser downloads are impossible here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run the browser tests")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Starts the app with the given settings on a server thread of its own, for one test."""
    servers: list[LiveServer] = []

    def start(settings: Settings) -> LiveServer:
        server = LiveServer(settings)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in reversed(servers):
        server.stop()


@pytest.fixture
async def page_on(browser: Browser, start_server: StartServer) -> AsyncIterator[PageOn]:
    """Opens a page on a live server in a fresh browser context: no cookies carried over.

    Asks for `start_server` so that its servers stop only after these contexts are closed.
    """
    contexts: list[BrowserContext] = []

    async def open_page(server: LiveServer) -> Page:
        context = await browser.new_context(base_url=server.url)
        contexts.append(context)
        return await context.new_page()

    yield open_page
    for context in reversed(contexts):
        await context.close()


@pytest.fixture
async def browser_page(page_on: PageOn, live_server: LiveServer) -> Page:
    """A fresh browser context per test: no cookies (so no language choice) carried over."""
    return await page_on(live_server)


# -- Login: a real OpenID Connect provider and a database with people and roles ----------------


class OidcMock:
    """oidc-provider-mock on a thread; it names itself after the host it is asked on."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.issuer = f"http://localhost:{port}"

    def provider(
        self, key: str = "mock", name: str = "Testinlogdienst", client_id: str = "registry"
    ) -> OidcProvider:
        return OidcProvider.model_validate(
            {
                "key": key,
                "name": name,
                "issuer": self.issuer,
                "client_id": client_id,
                "client_secret": "client-secret",
            }
        )

    async def set_user(self, subject: str, **claims: object) -> None:
        """Claims the provider puts in the ID token of `subject` (name, email, ...)."""
        async with httpx.AsyncClient() as http:
            response = await http.put(f"{self.issuer}/users/{subject}", json=claims)
        assert response.status_code == 204, response.text

    async def _answer(self, authorize_url: str, form: dict[str, str]) -> str:
        async with httpx.AsyncClient() as http:
            response = await http.post(authorize_url, data=form)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    async def authorize(self, authorize_url: str, subject: str) -> str:
        """Submit the provider's form as `subject`; returns the callback URL it redirects to."""
        return await self._answer(authorize_url, {"sub": subject})

    async def deny(self, authorize_url: str) -> str:
        return await self._answer(authorize_url, {"action": "deny"})


@pytest.fixture(scope="session")
def oidc_mock() -> Iterator[OidcMock]:
    with run_server_in_thread() as server:
        yield OidcMock(server.server_port)


@pytest.fixture(scope="session")
def other_oidc_mock() -> Iterator[OidcMock]:
    """A second, independent provider (its own keys and users)."""
    with run_server_in_thread() as server:
        yield OidcMock(server.server_port)


async def built(
    tmp_path_factory: pytest.TempPathFactory, name: str, fill: Callable[[str], Awaitable[object]]
) -> Path:
    """A SQLite file built by the migrations and then filled by `fill(url)`.

    Built once per run, by the first worker that needs it; every worker gets its own copy.
    """
    with run_lock(tmp_path_factory, f"built-{name}") as folder:
        template = folder / f"{name}.sqlite3"
        if not template.exists():
            building = folder / f"{name}.building.sqlite3"
            building.unlink(missing_ok=True)
            url = f"sqlite+aiosqlite:///{building}"
            await upgrade(url)
            await fill(url)
            building.rename(template)
    path = tmp_path_factory.mktemp(name) / f"{name}.sqlite3"
    shutil.copyfile(template, path)
    return path


async def fill_demo(url: str) -> None:
    """The demo cooperative and its demo people."""
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            assert await load_demo(session)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def members_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo cooperative and its demo people, for the login tests."""
    return f"sqlite+aiosqlite:///{await built(tmp_path_factory, 'members', fill_demo)}"


@pytest.fixture
async def members_db(members_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the login database, to arrange and check data beside the app."""
    engine = create_engine(members_db_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def give_role(
    factory: async_sessionmaker[AsyncSession],
    issuer: str,
    subject: str,
    role: str,
    member: str | None = None,
) -> None:
    async with transaction(factory) as session:
        await assign_role(
            session,
            system_actor("test"),
            RoleInput(issuer=issuer, subject=subject, role=role, member=member),
        )


async def _no_external_requests(route: Route) -> None:
    # The mock provider's page links a stylesheet on a CDN; there is no internet here.
    await route.abort()


@pytest.fixture(scope="session")
def login_live_server(members_db_url: str, oidc_mock: OidcMock) -> Iterator[LiveServer]:
    """The app in production mode (Secure cookies, no dev login) with the mock provider."""
    sock = bound_socket()
    port = int(sock.getsockname()[1])
    # The session cookie is Secure, as in production. Chromium treats http://localhost (and
    # http://127.0.0.1) as a secure context and keeps Secure cookies there, so no TLS is needed.
    public_url = f"http://localhost:{port}"
    settings = Settings(
        database_url=members_db_url,
        session_secret=SESSION_SECRET,
        oidc_providers=[oidc_mock.provider()],
        public_url=public_url,
    )
    server = LiveServer(settings, sock=sock, host_name="localhost")
    with server:
        yield server


@pytest.fixture
async def login_page(browser: Browser, login_live_server: LiveServer) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=login_live_server.url)
    await context.route("https://**/*", _no_external_requests)
    page = await context.new_page()
    yield page
    await context.close()


# -- Membership and contributions: a small cooperative without fee runs, a copy per test -----


@pytest.fixture(scope="session")
async def cooperative_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once by the migrations and the services."""
    from tests.web import fees_data

    return await built(tmp_path_factory, "cooperative", fees_data.fill)


def fresh_copy(template: Path, tmp_path: Path) -> str:
    """A copy of the database file `template` for one test, as a database URL."""
    copy = tmp_path / template.name
    copy.write_bytes(template.read_bytes())
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
def cooperative_db_url(cooperative_template: Path, tmp_path: Path) -> str:
    """A fresh copy for every test, as the fee pages store runs."""
    return fresh_copy(cooperative_template, tmp_path)


@pytest.fixture
async def cooperative_db(
    cooperative_db_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the test's copy, to arrange and check data beside the app."""
    engine = create_engine(cooperative_db_url)
    yield create_session_factory(engine)
    await engine.dispose()


# -- Usage, cost pools and billing: a database file built once, a copy per test --------------


@pytest.fixture(scope="session")
async def demo_file_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data in a SQLite file, built by the migrations."""
    return await built(tmp_path_factory, "demo", fill_demo)


@pytest.fixture
def demo_url(demo_file_template: Path, tmp_path: Path) -> str:
    """A fresh copy per test: these pages store adoptions and usage."""
    return fresh_copy(demo_file_template, tmp_path)


@pytest.fixture(scope="session")
async def costs_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.web import costs_data

    return await built(tmp_path_factory, "costs", costs_data.fill)


@pytest.fixture
def costs_url(costs_template: Path, tmp_path: Path) -> str:
    """A fresh copy per test: the pages store runs."""
    return fresh_copy(costs_template, tmp_path)


@pytest.fixture(scope="session")
async def billing_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.web import billing_data

    return await built(tmp_path_factory, "billing", billing_data.fill)


@pytest.fixture
def billing_url(billing_template: Path, tmp_path: Path) -> str:
    """A fresh copy per test: the pages issue invoices and record payments."""
    return fresh_copy(billing_template, tmp_path)


def csp_violations(page: Page) -> list[str]:
    """Collects what Chromium reports about the Content-Security-Policy refusing something."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found
