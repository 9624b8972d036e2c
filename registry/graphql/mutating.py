"""A mutation's one transaction: make the change, then answer with its payload, or with the
refusals in the same payload type when the domain refuses (the transaction rolls back). A
read that the domain may refuse (a preview) answers the same way from the read session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.graphql.context import Info
from registry.graphql.errors import field_errors
from registry.graphql.relay import database_id
from registry.kit.errors import DomainError

T = TypeVar("T")
P = TypeVar("P")
N = TypeVar("N")
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


@dataclass(frozen=True, slots=True)
class Answer(Generic[T, P]):
    """How a mutation answers: `shape(result)` once its change is stored, or
    `payload(errors=...)` when the domain refused it."""

    payload: Callable[..., P]
    shape: Callable[[T], P]


def answer(payload: Callable[..., P], field: str, of: Callable[[T], object]) -> Answer[T, P]:
    """The answer `payload(<field>=of(result))`: the payload with the changed record shown."""
    return Answer(payload, lambda result: payload(**{field: of(result)}))


def acknowledge(payload: Callable[..., P]) -> Answer[Any, P]:
    """The answer of a change that shows nothing: `payload(ok=True)`."""
    return Answer(payload, ok(payload))


async def act(
    info: Info,
    answer: Answer[T, P],
    operation: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[T]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> P:
    """The domain `operation(session, actor, *args, **kwargs)` by whoever calls, in the
    request's transaction, answered as `mutate` answers: `answer.shape(result)` or the
    refusals in `answer.payload`."""
    return await mutate(
        info,
        answer.payload,
        lambda session: operation(session, info.context.actor, *args, **kwargs),
        answer.shape,
    )


async def act_on(
    info: Info,
    answer: Answer[T, P],
    operation: Callable[Concatenate[AsyncSession, Actor, int, Args], Awaitable[T]],
    id: object,
    refusal: DomainError,
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> P:
    """`act` on the record an `ID` argument names: `operation(session, actor, <its database
    id>, *args, **kwargs)`; an id this API never handed out is answered with `refusal` in
    `answer.payload`, as the domain's own refusals are, before any transaction opens."""
    number = database_id(id)
    if number is None:
        return answer.payload(errors=field_errors(refusal))
    return await act(info, answer, operation, number, *args, **kwargs)


async def read(
    info: Info,
    answer: Answer[T, P],
    operation: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[T]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> P:
    """The domain read `operation(session, actor, *args, **kwargs)` (a preview, a
    computation the domain may refuse) in the request's read session, answered as `act`."""
    return await answer_or_refuse(
        info.context.db,
        answer.payload,
        lambda session: operation(session, info.context.actor, *args, **kwargs),
        answer.shape,
    )


async def listed(
    info: Info,
    shape: Callable[[T], N],
    operation: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[Iterable[T]]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> list[N]:
    """The records the domain read `operation(session, actor, *args, **kwargs)` finds for
    whoever calls, read in the request's read session, each shaped by `shape` once the
    session is closed: what every list query does."""
    async with info.context.db() as session:
        found = await operation(session, info.context.actor, *args, **kwargs)
    return [shape(record) for record in found]


async def queried(
    info: Info,
    shape: Callable[[T], N],
    query: Callable[Concatenate[AsyncSession, Args], Awaitable[Iterable[T]]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> list[N]:
    """The records the repository query `query(session, *args, **kwargs)` finds, read in the
    request's read session and each shaped by `shape`: the lists whose audience the field's
    policy alone decides, so no actor is passed on."""
    async with info.context.db() as session:
        found = await query(session, *args, **kwargs)
    return [shape(record) for record in found]


async def queried_one(
    info: Info,
    shape: Callable[[T], N],
    query: Callable[Concatenate[AsyncSession, Args], Awaitable[T | None]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> N | None:
    """The record the repository query `query(session, *args, **kwargs)` finds, read in the
    request's read session and shaped by `shape`, or None when there is none: what every
    look-up by code or reference does."""
    async with info.context.db() as session:
        found = await query(session, *args, **kwargs)
    return None if found is None else shape(found)


def ok(payload: Callable[..., P]) -> Callable[[Any], P]:
    """The answer of a change that returns nothing to show: `payload(ok=True)`."""
    return lambda _: payload(ok=True)
