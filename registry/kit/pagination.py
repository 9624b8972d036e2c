"""A page of a longer, ordered result; the API turns offsets into opaque cursors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class PageRequest:
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    offset: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


async def paginate(session: AsyncSession, query: Select[Any], page: PageRequest) -> Page[Any]:
    """Run an ordered query for one page, with the total count of the whole result."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = (await session.scalars(query.offset(page.offset).limit(page.limit))).all()
    return Page(items=items, offset=page.offset, total=total or 0)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
