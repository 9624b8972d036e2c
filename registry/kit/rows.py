"""Rows of a table per parent row, in one query: what a repository answers for a batch of
parents (a loader for a page of members, the applications on a page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption


async def children_of(
    session: AsyncSession,
    parent: InstrumentedAttribute[int],
    parent_ids: Sequence[int],
    *order_by: Any,
    where: Sequence[ColumnElement[bool]] = (),
    options: Sequence[ExecutableOption] = (),
) -> dict[int, list[Any]]:
    """The rows of the table whose `parent` column (e.g. `Adoption.member_id`) is one of
    `parent_ids`, in the order `order_by`, per parent id; every id is there, with no rows when
    it has none. No query for no ids."""
    result: dict[int, list[Any]] = {i: [] for i in parent_ids}
    if parent_ids:
        rows = await session.scalars(
            select(parent.class_)
            .where(parent.in_(parent_ids), *where)
            .options(*options)
            .order_by(*order_by)
        )
        for row in rows:
            result[getattr(row, parent.key)].append(row)
    return result
