"""The schema comes from the migrations only, and they agree with the models."""

from __future__ import annotations

from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from registry.db import create_engine
from registry.migrate import downgrade, upgrade
from registry.models import metadata


async def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            def compare(sync: Connection) -> list[object]:
                context = MigrationContext.configure(sync, opts={"compare_type": True})
                return list(compare_metadata(context, metadata))

            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_match_models(backend: str, new_database: Callable[[str], str]) -> None:
    url = new_database(backend)
    await upgrade(url)
    assert await _diff(url) == []


async def test_upgrade_downgrade_upgrade(backend: str, new_database: Callable[[str], str]) -> None:
    url = new_database(backend)
    await upgrade(url)
    assert set(metadata.tables) <= await _tables(url)
    await downgrade(url, "base")
    assert await _tables(url) <= {"alembic_version"}
    await upgrade(url)
    assert await _diff(url) == []
