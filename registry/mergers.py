"""Municipal mergers (herindeling) across domains: one entry point for the API and the CLI.

The members domain ends the merged municipalities and moves memberships; adoptions, usage
rights, pool participation and carried credit of an absorbed member move to its successor
here, in the same transaction, each with its audit event.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor
from registry.billing import credit_notes
from registry.costs import pools as costs
from registry.members.merger import MergerInput, MergerOutcome, merge_municipalities
from registry.usage import adoptions as usage


async def merge(session: AsyncSession, actor: Actor, data: MergerInput) -> MergerOutcome:
    outcome = await merge_municipalities(session, actor, data)
    if outcome.successor_member is not None:
        new_id = outcome.successor_member.id
        for old in outcome.absorbed:
            await usage.transfer_member(session, actor, old.id, new_id, data.effective_date)
            await costs.transfer_member(session, actor, old.id, new_id, data.effective_date)
            await credit_notes.transfer_member(session, actor, old.id, new_id, data.effective_date)
    return outcome
