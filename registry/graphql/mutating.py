"""A mutation's one transaction: make the change, then answer with its payload, or with the
refusals in the same payload type when the domain refuses (the transaction rolls back)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.kit.errors import DomainError

T = TypeVar("T")
P = TypeVar("P")


async def mutate(
    info: Info,
    payload: Callable[..., P],
    change: Callable[[AsyncSession], Awaitable[T]],
    answer: Callable[[T], P],
) -> P:
    """`change(session)` in the request's transaction; `answer(result)` once it committed, or
    `payload(errors=...)` when it was refused."""
    try:
        async with info.context.transaction() as session:
            result = await change(session)
    except DomainError as error:
        return payload(errors=field_errors(error))
    return answer(result)


def ok(payload: Callable[..., P]) -> Callable[[Any], P]:
    """The answer of a change that returns nothing to show: `payload(ok=True)`."""
    return lambda _: payload(ok=True)
