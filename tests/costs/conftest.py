"""The cooperative of the fee tests, with Eindhoven and Tilburg as members too."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.members.service import MemberInput
from tests.fees.conftest import ACTOR, admit_member, cooperative

__all__ = ["ACTOR", "cooperative", "pool_members"]


@pytest.fixture
async def pool_members(cooperative: AsyncSession) -> AsyncSession:
    """Woerden, the GR and Eindhoven from 2020, Tilburg from 2023; an application to share."""
    await admit_member(
        cooperative,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2020, 1, 1),
    )
    await admit_member(
        cooperative,
        MemberInput("tilburg", "Gemeente Tilburg", "gemeente", ["GM0855"]),
        date(2023, 1, 1),
    )
    await create_application(
        cooperative,
        ACTOR,
        "zaakafhandeling",
        ApplicationInput(name="Zaakafhandelcomponent"),
        ApplicationStatus.PRODUCTION,
    )
    return cooperative
