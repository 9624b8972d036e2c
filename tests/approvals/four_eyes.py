"""Directors and a drafted cooperative for the four-eyes tests."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.invoicing import run_invoices
from registry.billing.models import Invoice
from registry.settings import Settings
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["ACTOR", "TODAY", "billed", "cooperative", "drafted", "pool_members"]

FOUR_EYES = Settings(**{**SETTINGS.model_dump(), "four_eyes": True})
ONE_DIRECTOR = Settings(**{**SETTINGS.model_dump(), "four_eyes": False})


def person(user_id: int, name: str, *roles: Role) -> Actor:
    return Actor(
        ActorKind.USER, name, user_id=user_id, grants=frozenset(Grant(role) for role in roles)
    )


ANNE = person(101, "Anne Bestuurder", Role.DIRECTIE)
BART = person(102, "Bart Bestuurder", Role.DIRECTIE)
CARLA = person(103, "Carla Bestuurder", Role.DIRECTIE)
AUDITOR = person(104, "Anna Auditor", Role.AUDITOR)


@pytest.fixture
async def drafted(billed: AsyncSession) -> list[Invoice]:
    """One draft per member, stored."""
    drafts = await run_invoices(billed, ACTOR, TODAY)
    await billed.commit()
    return drafts
