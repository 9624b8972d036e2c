"""The types of the browser fixture factories in `tests/web/conftest.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias

from playwright.async_api import Page

from registry.settings import Settings
from tests.live import LiveServer

StartServer: TypeAlias = Callable[[Settings], LiveServer]
"""`start_server(settings)`: the app on a live server, stopped after the test."""

PageOn: TypeAlias = Callable[[LiveServer], Awaitable[Page]]
"""`await page_on(server)`: a page in a fresh browser context, closed after the test."""
