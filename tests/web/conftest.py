"""A migrated SQLite catalogue with the demo data, a test client on it, and a live server.

Self-contained on purpose: the pages only read, so one database serves the whole test
session, and the browser test needs a real file that a server thread can open.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from litestar.testing import AsyncTestClient
from playwright.async_api import Browser, Page, async_playwright

from registry.migrate import upgrade
from registry.settings import Settings
from registry.web.app import create_app
from tests.web.catalogue_data import fill


@pytest.fixture(scope="session")
async def catalogue_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file built by the migrations and filled with the demo plus trial applications."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('web') / 'catalogue.sqlite3'}"
    await upgrade(url)
    await fill(url)
    return url


@pytest.fixture
async def client(catalogue_db_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """A fresh client per test, so language cookies never carry over between tests."""
    app = create_app(Settings(database_url=catalogue_db_url))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The real app under uvicorn in a thread with its own event loop."""

    def __init__(self, database_url: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(Settings(database_url=database_url)),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(catalogue_db_url: str) -> Iterator[LiveServer]:
    server = LiveServer(catalogue_db_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
async def browser_page(browser: Browser, live_server: LiveServer) -> AsyncIterator[Page]:
    """A fresh browser context per test: no cookies (so no language choice) carried over."""
    context = await browser.new_context(base_url=live_server.url)
    page = await context.new_page()
    yield page
    await context.close()
