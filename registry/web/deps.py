"""Dependencies shared by the page handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeAlias

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

DbSession: TypeAlias = NamedDependency[AsyncSession]


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """One session per page request: committed when the handler succeeds, rolled back if not."""
    async with state.session_factory() as session:
        try:
            yield session
        except Exception:
            await session.rollback()
            raise
        else:
            await session.commit()
