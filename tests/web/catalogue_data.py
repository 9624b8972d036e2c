"""The catalogue the page tests read: the demo data plus enough trial applications to page."""

from __future__ import annotations

from registry.auth.roles import system_actor
from registry.catalogue.models import ApplicationStatus
from registry.catalogue.service import ApplicationInput, create_application
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import APPLICATIONS, load_demo

ACTOR = system_actor("test")

# The public sees the published demo applications only.
DEMO_COUNT = sum(1 for _, _, data in APPLICATIONS if data.published)
# Enough extra applications to need a second page of 20.
TRIAL_COUNT = 25
TOTAL = DEMO_COUNT + TRIAL_COUNT


def trial_slug(number: int) -> str:
    return f"proefapplicatie-{number:02d}"


async def fill(url: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            assert await load_demo(session)
            for number in range(1, TRIAL_COUNT + 1):
                await create_application(
                    session,
                    ACTOR,
                    trial_slug(number),
                    ApplicationInput(
                        name=f"Proefapplicatie {number:02d}",
                        description_nl="Een proefapplicatie voor het bladeren door de catalogus.",
                        lead_member="woerden",
                        licence="MIT",
                    ),
                    ApplicationStatus.IDEA,
                )
    finally:
        await engine.dispose()
