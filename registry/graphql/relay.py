"""Relay-style cursor connections shared by every list in the schema."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.graphql.context import Info
from registry.http.errors import HttpRefusal
from registry.kit.errors import DomainError, ValidationFailed
from registry.kit.pagination import MAX_PAGE_SIZE, Page, PageRequest

N = TypeVar("N")
M = TypeVar("M")

_PREFIX = "offset:"

MAX_DATABASE_ID = 2**31 - 1
"""Ids are 32-bit INTEGER columns on PostgreSQL; a larger number names nothing."""
MAX_OFFSET = 2**31 - 1
"""No list is that long; a larger cursor offset would overflow the database's integers."""


def database_id(value: object) -> int | None:
    """The id in an `ID` argument, or None when it is not one this API hands out."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_DATABASE_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_DATABASE_ID else None


def known_id(value: object, refusal: DomainError) -> int:
    """The id in an `ID` argument; `refusal` (the domain's "no such record" or "not an id")
    is raised when it is not one this API hands out, so the mutation answers it as errors."""
    number = database_id(value)
    if number is None:
        raise refusal
    return number


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    digits = text[len(_PREFIX) :]
    # Only the exact spelling this API hands out: no trailing bytes, no leading zeros.
    if (
        not text.startswith(_PREFIX)
        or not (digits.isascii() and digits.isdigit())
        or len(digits) > len(str(MAX_OFFSET))
        or int(digits) >= MAX_OFFSET
        or encode_cursor(int(digits)) != cursor
    ):
        raise ValidationFailed.single("after", HttpRefusal.NOT_A_CURSOR, cursor=cursor)
    return int(digits)


def page_request(first: int, after: str | None) -> PageRequest:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise ValidationFailed.single(
            "first", HttpRefusal.PAGE_SIZE, limit=MAX_PAGE_SIZE, given=str(first)
        )
    offset = decode_cursor(after) + 1 if after else 0
    return PageRequest(offset=offset, limit=first)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[M], convert: Callable[[M], N]) -> Connection[N]:
        edges = [
            Edge(cursor=encode_cursor(page.offset + i), node=convert(item))
            for i, item in enumerate(page.items)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


async def paginate(
    info: Info,
    first: int,
    after: str | None,
    fetch: Callable[[AsyncSession, PageRequest], Awaitable[Page[M]]],
    convert: Callable[[M], N],
) -> Connection[N]:
    """The page that `first` and `after` ask for, read by `fetch` in the request's read
    session, as a connection of `convert`ed items."""
    request = page_request(first, after)
    async with info.context.db() as session:
        page = await fetch(session, request)
    return Connection[N].of(page, convert)
