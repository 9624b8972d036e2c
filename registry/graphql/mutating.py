"""A mutation's one transaction: make the change, then answer with its payload, or with the
refusals in the same payload type when the domain refuses (the transaction rolls back). A
read that the domain may refuse (a preview) answers the same way from the read session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.kit.errors import DomainError

T = TypeVar("T")
P = TypeVar("P")
Args = ParamSpec("Args")


async def answer_or_refuse(
    session: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    payload: Callable[..., P],
    work: Callable[[AsyncSession], Awaitable[T]],
    answer: Callable[[T], P],
) -> P:
    """`work(session)` in the session `session()` opens (`info.context.db` for a read);
    `answer(result)`, or `payload(errors=...)` when the domain refused."""
    try:
        async with session() as opened:
            result = await work(opened)
    except DomainError as error:
        return payload(errors=field_errors(error))
    return answer(result)


async def mutate(
    info: Info,
    payload: Callable[..., P],
    change: Callable[[AsyncSession], Awaitable[T]],
    answer: Callable[[T], P],
) -> P:
    """`change(session)` in the request's transaction; `answer(result)` once it committed, or
    `payload(errors=...)` when it was refused."""
    return await answer_or_refuse(info.context.transaction, payload, change, answer)


async def act(
    info: Info,
    payload: Callable[..., P],
    answer: Callable[[T], P],
    operation: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[T]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> P:
    """The domain `operation(session, actor, *args, **kwargs)` by whoever calls, in the
    request's transaction, answered as `mutate` answers: `answer(result)` or the refusals."""
    return await mutate(
        info,
        payload,
        lambda session: operation(session, info.context.actor, *args, **kwargs),
        answer,
    )


def ok(payload: Callable[..., P]) -> Callable[[Any], P]:
    """The answer of a change that returns nothing to show: `payload(ok=True)`."""
    return lambda _: payload(ok=True)
