"""What the cost operations share: the access check and the pool (locked).

Services flush, never commit."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.costs import repository
from registry.costs.errors import CostsRefusal
from registry.costs.models import (
    CostPool,
)
from registry.db import serialise
from registry.kit.errors import NotFound


def authorise(actor: Actor) -> None:
    require(actor, Permission.COSTS_MANAGE, CostsRefusal.DIRECTIE_ONLY)


async def pool_or_refuse(session: AsyncSession, code: str) -> CostPool:
    pool = await repository.pool_by_code(session, code)
    if pool is None:
        raise NotFound(CostsRefusal.NO_POOL, pool=code)
    return pool


async def locked_pool(session: AsyncSession, code: str) -> CostPool:
    """The pool, locked until commit: its entries, participants and runs change one at a time,
    so two runs at the same moment never allocate the same entries twice."""
    await serialise(session, f"pool:{code}")
    return await pool_or_refuse(session, code)
