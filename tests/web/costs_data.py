"""The worked example of the cost pools, on the real CBS 2020 figures, with nothing allocated.

Built with the services, as the directie would: an application built for EUR 25,000 by
Eindhoven, Woerden and the Boxtel + Sint-Michielsgestel GR (by inhabitants on 1 January
2020), that Tilburg joined in 2023; and founding costs whose fixed percentages add up to 95.
No run is stored: the tests store them through the pages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import system_actor
from registry.auth.service import RoleInput, assign_role
from registry.catalogue.models import ApplicationStatus, JoinStage
from registry.catalogue.service import ApplicationInput, create_application, join_community
from registry.costs.models import CostCategory, PoolKind
from registry.costs.pools import EntryInput, PoolInput, add_entry, add_participant, create_pool
from registry.costs.sharing import AllocationKey
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import DEMO_PEOPLE, DEV_LOGIN_ISSUER, shipped_population_csv
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.memberships import AdmissionInput, admit, decide_approval, register_applicant
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput

ACTOR = system_actor("test")
CODES = {"GM0632", "GM0757", "GM0845", "GM0772", "GM0855"}

POOL = "zaak-ontwikkeling"
"""EUR 25,000 by inhabitants; Tilburg takes part from 2023 and is settled with later."""
BROKEN_POOL = "oprichting"
"""Fixed percentages 50/25/20: they add up to 95, so nothing can be allocated."""

SHARES = {
    "Gemeente Eindhoven": "€\xa016.901,69",
    "Gemeente Woerden": "€\xa03.771,18",
    "Werkorganisatie Boxtel en Sint-Michielsgestel": "€\xa04.327,13",
}
"""25,000 × 234,394 / 52,299 / 60,009 of 346,702 inhabitants, largest remainder."""
SETTLEMENT = {
    "Gemeente Eindhoven": "€\xa0-6.557,57",
    "Gemeente Tilburg": "€\xa09.699,58",
    "Gemeente Woerden": "€\xa0-1.463,16",
    "Werkorganisatie Boxtel en Sint-Michielsgestel": "€\xa0-1.678,85",
}
"""Tilburg debited its share by the same key, the others credited the difference."""

PEOPLE = ("dirk-directie", "dora-directie", "anna-auditor", "wendy-woerden", "erik-eindhoven")


async def _admit(session: AsyncSession, code: str, name: str, kind: str, cbs: list[str]) -> None:
    start = date(2023, 1, 1) if code == "tilburg" else date(2020, 1, 1)
    membership = await register_applicant(
        session, ACTOR, MemberInput(code, name, kind, cbs), date(2019, 9, 2)
    )
    await decide_approval(session, ACTOR, membership.id, "RvC-2019-10", approved=True)
    await admit(session, ACTOR, AdmissionInput(membership.id, start, f"OVK-{code}"))


async def build(session: AsyncSession) -> None:
    rows = [r for r in parse_cbs_csv(shipped_population_csv()) if r.cbs_code in CODES]
    await import_population(session, ACTOR, rows)
    await record_decision(
        session, ACTOR, DecisionInput("rvc", date(2019, 10, 1), "RvC-2019-10", "Toelating")
    )
    for code, name, kind, cbs in (
        ("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        ("woerden", "Gemeente Woerden", "gemeente", ["GM0632"]),
        (
            "gr-boxtel-sint-michielsgestel",
            "Werkorganisatie Boxtel en Sint-Michielsgestel",
            "gemeenschappelijke_regeling",
            ["GM0757", "GM0845"],
        ),
        ("tilburg", "Gemeente Tilburg", "gemeente", ["GM0855"]),
    ):
        await _admit(session, code, name, kind, cbs)
    await create_application(
        session,
        ACTOR,
        "zaakafhandeling",
        ApplicationInput(name="Zaakafhandelcomponent"),
        ApplicationStatus.PRODUCTION,
    )
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            POOL,
            "Bouw zaakafhandelcomponent",
            PoolKind.DEVELOPMENT,
            application="zaakafhandeling",
            reference_date=date(2020, 1, 1),
        ),
    )
    for member, joined in (
        ("eindhoven", date(2021, 1, 1)),
        ("woerden", date(2021, 1, 1)),
        ("gr-boxtel-sint-michielsgestel", date(2021, 1, 1)),
        ("tilburg", date(2023, 1, 1)),
    ):
        await join_community(
            session, ACTOR, "zaakafhandeling", member, JoinStage.DEVELOPMENT, joined
        )
        await add_participant(session, ACTOR, POOL, member, joined)
    await add_entry(
        session,
        ACTOR,
        POOL,
        EntryInput("25000", date(2021, 3, 1), CostCategory.DEVELOPMENT, "Bouw", "F-2021-001"),
    )
    await create_pool(
        session,
        ACTOR,
        PoolInput(
            BROKEN_POOL, "Oprichtingskosten", PoolKind.FOUNDING, AllocationKey.FIXED_PERCENTAGES
        ),
    )
    for member, share in (
        ("eindhoven", "50"),
        ("woerden", "25"),
        ("gr-boxtel-sint-michielsgestel", "20"),
    ):
        await add_participant(session, ACTOR, BROKEN_POOL, member, date(2020, 1, 1), Decimal(share))
    await add_entry(
        session,
        ACTOR,
        BROKEN_POOL,
        EntryInput("92500", date(2020, 1, 15), CostCategory.FOUNDING, "Notaris en oprichting"),
    )
    for person in DEMO_PEOPLE:
        if person.key in PEOPLE:
            await assign_role(
                session,
                ACTOR,
                RoleInput(
                    issuer=DEV_LOGIN_ISSUER,
                    subject=person.key,
                    role=person.role,
                    member=person.member,
                    name=person.name,
                ),
            )


async def fill(url: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await build(session)
    finally:
        await engine.dispose()
