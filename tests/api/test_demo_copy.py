"""The demo each test gets is a copy of one load: it must behave as a fresh load would."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import repository as audit
from registry.audit.chain import verify
from registry.audit.models import AuditEvent
from registry.auth.roles import system_actor
from registry.members.decisions import DecisionInput, record_decision
from registry.members.models import Decision


async def test_the_copy_has_a_whole_audit_chain_that_new_changes_extend(
    demo: AsyncSession,
) -> None:
    decisions = await demo.scalar(select(func.count()).select_from(Decision))
    before = await audit.head(demo)
    assert before[0] > 0
    added = await record_decision(
        demo,
        system_actor("test"),
        DecisionInput("directie", date(2024, 1, 5), "DIR-2024-TEST", "besluit na de kopie"),
    )
    await demo.commit()

    assert added.id > 0
    assert await demo.scalar(select(func.count()).select_from(Decision)) == (decisions or 0) + 1
    events = list(await demo.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    head = await audit.head(demo)
    assert head[0] > before[0]
    verdict = verify(events, *head)
    assert verdict.intact, verdict.broken
    assert verdict.events == len(events) == head[0]
