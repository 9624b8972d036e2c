"""Databases with the demo cooperative, committed, for workers on connections of their own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from registry.db import create_engine, create_session_factory
from registry.migrate import upgrade
from tests.conftest import DemoTemplate

FreshDemo = Callable[[str], Awaitable[str]]


@pytest.fixture
def fresh_demo(
    new_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> FreshDemo:
    """A new database of the given backend, migrated, with the demo cooperative; its URL."""

    async def make(backend: str) -> str:
        url = new_database(backend)
        await upgrade(url)
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                await DemoTemplate(backend, new_database, tmp_path_factory).copy_into(session)
                await session.commit()
        finally:
            await engine.dispose()
        return url

    return make
