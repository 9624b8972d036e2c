"""The financial year the close-year tests close, and the directie decision that allows it."""

from __future__ import annotations

from datetime import date

from registry.auth.roles import system_actor
from registry.db import create_engine, create_session_factory, transaction
from registry.kit.clock import today
from registry.members.decisions import DecisionInput, record_decision

YEAR = today().year - 1
DECISION = f"DIR-{YEAR + 1}-01"


async def record_close_decision(url: str) -> None:
    """Record the directie's decision `DECISION` in the database at `url`, as the close needs."""
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await record_decision(
                session,
                system_actor("test"),
                DecisionInput("directie", date(YEAR + 1, 1, 2), DECISION, "Jaarrekening"),
            )
    finally:
        await engine.dispose()
