"""Looking into a test database beside the app."""

from __future__ import annotations

from sqlalchemy import func, select

from registry.db import create_engine, create_session_factory


async def count_rows(url: str, model: type[object]) -> int:
    """How many rows of `model` the database at `url` holds."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.scalar(select(func.count()).select_from(model))) or 0
    finally:
        await engine.dispose()
