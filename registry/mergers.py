"""Municipal mergers (herindeling) across domains: one entry point for the API and the CLI.

The members domain ends the merged municipalities and moves memberships; every domain that
holds records per member moves them to the successor here, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.members.service import MergerInput, MergerOutcome, merge_municipalities


async def merge(session: AsyncSession, actor: Actor, data: MergerInput) -> MergerOutcome:
    return await merge_municipalities(session, actor, data)
