"""The small cooperative with Eindhoven and Tilburg as members too, and an application they
share: for the cost, billing and report tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from registry.catalogue.models import ApplicationStatus, JoinStage
from registry.catalogue.service import ApplicationInput, create_application, join_community
from registry.members.registration import MemberInput
from tests.helpers.cooperative import ACTOR, admit_member, cooperative
from tests.helpers.pages import post

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
    for member, joined in COMMUNITY:
        await join_community(
            cooperative, ACTOR, "zaakafhandeling", member, JoinStage.DEVELOPMENT, joined
        )
    return cooperative


COMMUNITY = (
    ("eindhoven", date(2021, 1, 1)),
    ("woerden", date(2021, 1, 1)),
    ("gr-meierijstad-noord", date(2021, 1, 1)),
    ("tilburg", date(2023, 1, 1)),
)


POOL = {
    "code": "BV-2020",
    "naam": "Bedrijfsvoering 2020",
    "soort": "operating",
    "applicatie": "",
    "sleutel": "inhabitants",
    "peildatum": "2020-01-01",
    "betaler": "",
    "nieuwkomers": "full_cost",
    "afschrijving": "5",
}


async def create_pool_by_form(client: AsyncTestClient[Any]) -> None:
    """Create the pool `POOL` through the directie's form; it must succeed."""
    response = await post(client, "/kostenpotten/nieuw", "/kostenpotten/nieuw", POOL)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/kostenpotten/BV-2020/beheer"
