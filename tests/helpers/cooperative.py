"""A small cooperative on the real CBS 2020 figures shipped with the registry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor, ActorKind, Grant, Role, system_actor
from registry.demo import shipped_population_csv
from registry.fees.models import FeeLine, FeeRun, PopulationPolicy, ProRata
from registry.fees.service import RateInput, set_rate
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.memberships import AdmissionInput, admit, decide_approval, register_applicant
from registry.members.models import Membership
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput

ACTOR = system_actor("test")
AUDITOR = Actor(ActorKind.USER, "Accountant", 7, grants=frozenset({Grant(Role.AUDITOR)}))
"""A signed-in person (user 7) with only the auditor role."""
CODES = {"GM0632", "GM0757", "GM0845", "GM0772", "GM0363", "GM0855"}


def lines_by_member(run: FeeRun) -> dict[str, FeeLine]:
    return {line.member_code: line for line in run.lines}


async def admit_member(
    session: AsyncSession,
    data: MemberInput,
    start: date,
    *,
    applied: date = date(2019, 9, 1),
    approval: str = "RvC-2019-07",
) -> Membership:
    """Apply, approve by the RvC decision `approval`, admit from `start`."""
    membership = await register_applicant(session, ACTOR, data, applied)
    await decide_approval(session, ACTOR, membership.id, approval, approved=True)
    return await admit(session, ACTOR, AdmissionInput(membership.id, start, f"OVK-{data.code}"))


@pytest.fixture
async def cooperative(session: AsyncSession) -> AsyncSession:
    """Woerden and the Boxtel + Sint-Michielsgestel GR, members since 2020, rate 0.35."""
    rows = [r for r in parse_cbs_csv(shipped_population_csv()) if r.cbs_code in CODES]
    await import_population(session, ACTOR, rows)
    for body, reference, decided in [
        ("rvc", "RvC-2019-07", date(2019, 10, 1)),
        ("alv", "ALV-2019-12", date(2019, 12, 12)),
        ("directie", "DIR-2020-01", date(2020, 1, 2)),
    ]:
        await record_decision(
            session, ACTOR, DecisionInput(body, decided, reference, f"besluit {reference}")
        )
    await set_rate(
        session,
        ACTOR,
        RateInput(2020, "0.35", "ALV-2019-12", ProRata.BY_DAYS, PopulationPolicy.JANUARY_FIRST),
    )
    await admit_member(
        session,
        MemberInput("woerden", "Gemeente Woerden", "gemeente", ["GM0632"]),
        date(2020, 1, 1),
    )
    await admit_member(
        session,
        MemberInput(
            "gr-meierijstad-noord",
            "GR Boxtel en Sint-Michielsgestel",
            "gemeenschappelijke_regeling",
            ["GM0757", "GM0845"],
        ),
        date(2020, 1, 1),
    )
    return session
