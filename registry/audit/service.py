"""The audit log: every change, in the same transaction, append-only and hash-chained."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor


async def record(
    session: AsyncSession,
    actor: Actor,
    *,
    operation: str,
    entity_type: str,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    member_id: int | None = None,
) -> None:
    """Write one audit event for a change made in `session`'s transaction."""
