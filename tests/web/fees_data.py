"""A small cooperative for the membership and contribution pages, on the real CBS 2020 figures.

Built with the services, as the directie would: decisions, rates, admissions, a partnership
with its signatories and a member that gave notice. No fee run is stored: the tests store
them through the pages (or the service) themselves.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import system_actor
from registry.auth.service import RoleInput, assign_role
from registry.db import create_engine, create_session_factory, transaction
from registry.demo import DEV_LOGIN_ISSUER, shipped_population_csv
from registry.fees.models import PopulationPolicy, ProRata
from registry.fees.service import NoticeInput, RateInput, give_notice, set_rate
from registry.members.decisions import DecisionInput, record_decision
from registry.members.figures import import_population
from registry.members.memberships import (
    AdmissionInput,
    SignatoryInput,
    admit,
    decide_approval,
    register_applicant,
)
from registry.members.models import Membership
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput

ACTOR = system_actor("test")
CODES = {"GM0632", "GM0757", "GM0845", "GM0772", "GM0153", "GM0200"}

RATED_YEAR = 2020
"""0.35 per inhabitant with the figure of 1 January: the worked example of the issue."""
UNPUBLISHED_YEAR = 2021
"""Rated with the 1 January figure only, which is not there (the shipped figures are of 2020)."""
UNRATED_YEAR = 2022

WOERDEN_2020 = "€\xa018.304,65"
"""52,299 inhabitants × EUR 0.35, in Dutch."""
GR_2020 = "€\xa021.003,15"
"""(30,801 + 29,208) × EUR 0.35."""

PEOPLE = (
    ("dirk-directie", "directie", None),
    ("anna-auditor", "auditor", None),
    ("wendy-woerden", "member_user", "woerden"),
    ("erik-eindhoven", "member_user", "eindhoven"),
)


async def _admit(
    session: AsyncSession,
    data: MemberInput,
    start: date,
    signatories: tuple[SignatoryInput, ...] = (),
    entry_fee: Decimal | None = None,
) -> Membership:
    membership = await register_applicant(session, ACTOR, data, date(2019, 9, 2), signatories)
    await decide_approval(session, ACTOR, membership.id, "RvC-2019-10", approved=True)
    return await admit(
        session,
        ACTOR,
        AdmissionInput(
            membership.id,
            start,
            f"Toetredingsovereenkomst {data.code}",
            decision_reference="DIR-2019-12",
            entry_fee=entry_fee,
            entry_fee_decision_reference="ALV-2020-06" if entry_fee is not None else None,
        ),
    )


async def build(session: AsyncSession) -> None:
    rows = [r for r in parse_cbs_csv(shipped_population_csv()) if r.cbs_code in CODES]
    await import_population(session, ACTOR, rows)
    for body, reference, decided, subject in [
        ("rvc", "RvC-2019-10", date(2019, 10, 1), "Toelating oprichtende leden"),
        ("alv", "ALV-2019-12", date(2019, 12, 12), "Contributie 2020: EUR 0,35 per inwoner"),
        ("directie", "DIR-2019-12", date(2019, 12, 20), "Toelating oprichtende leden"),
        ("alv", "ALV-2020-06", date(2020, 6, 4), "Entreegeld nieuwe leden EUR 2.500"),
        ("alv", "ALV-2020-12", date(2020, 12, 10), "Contributie 2021: EUR 0,36 per inwoner"),
    ]:
        await record_decision(session, ACTOR, DecisionInput(body, decided, reference, subject))
    for year, rate, decision in [
        (RATED_YEAR, "0.35", "ALV-2019-12"),
        (UNPUBLISHED_YEAR, "0.36", "ALV-2020-12"),
    ]:
        await set_rate(
            session,
            ACTOR,
            RateInput(year, rate, decision, ProRata.BY_DAYS, PopulationPolicy.JANUARY_FIRST),
        )
    await _admit(
        session,
        MemberInput("woerden", "Gemeente Woerden", "gemeente", ["GM0632"]),
        date(2020, 1, 1),
    )
    await _admit(
        session,
        MemberInput(
            "gr-boxtel-sint-michielsgestel",
            "Werkorganisatie Boxtel en Sint-Michielsgestel",
            "gemeenschappelijke_regeling",
            ["GM0757", "GM0845"],
        ),
        date(2020, 1, 1),
    )
    await _admit(
        session,
        MemberInput(
            "enschede-apeldoorn",
            "Samenwerking Enschede en Apeldoorn",
            "partnership",
            ["GM0153", "GM0200"],
        ),
        date(2020, 7, 1),
        (
            SignatoryInput("Gemeente Enschede", "00000001001814393000"),
            SignatoryInput("Gemeente Apeldoorn", "00000001001848839000"),
        ),
        entry_fee=Decimal("2500"),
    )
    eindhoven = await _admit(
        session,
        MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ["GM0772"]),
        date(2020, 1, 1),
    )
    await give_notice(
        session, ACTOR, NoticeInput(eindhoven.id, date(2020, 3, 31), date(2020, 6, 30), "100000")
    )
    await register_applicant(
        session,
        ACTOR,
        MemberInput("provincie-utrecht", "Provincie Utrecht", "provincie"),
        date(2020, 10, 1),
    )
    for person, role, member in PEOPLE:
        await assign_role(
            session,
            ACTOR,
            RoleInput(issuer=DEV_LOGIN_ISSUER, subject=person, role=role, member=member),
        )


async def fill(url: str) -> None:
    engine = create_engine(url)
    try:
        async with transaction(create_session_factory(engine)) as session:
            await build(session)
    finally:
        await engine.dispose()
