"""Running the same work at once, each run on its own connection, for the concurrency tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.db import transaction

T = TypeVar("T")
RACERS = 6


async def race(
    factory: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    count: int = RACERS,
) -> list[T | BaseException]:
    """Run `work` `count` times at once, each in its own transaction on its own connection."""
    start = asyncio.Event()

    async def one() -> T:
        await start.wait()
        async with transaction(factory) as session:
            result = await work(session)
            await asyncio.sleep(0.02)  # keep the transaction open while the others run
            return result

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    start.set()
    return list(await asyncio.gather(*tasks, return_exceptions=True))


def succeeded(results: list[T | BaseException]) -> list[T]:
    """The results of a race, asserting that none of the runs raised."""
    unexpected = [r for r in results if isinstance(r, BaseException)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, BaseException)]
