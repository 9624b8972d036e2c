from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import system_actor
from registry.catalogue import repository
from registry.catalogue.models import (
    Application,
    ApplicationStatus,
    BusinessCaseDecision,
    Release,
)
from registry.catalogue.service import (
    ApplicationInput,
    BusinessCaseInput,
    ReleaseInput,
    add_release,
    change_status,
    create_application,
    create_business_case,
    decide_business_case,
    update_application,
)
from registry.kit.errors import NotFound, Phrase, ValidationFailed
from registry.members import repository as members_repository
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput, create_member

ACTOR = system_actor("test")


@pytest.fixture
async def members(session: AsyncSession) -> None:
    rows = parse_cbs_csv("cbs_code,name,year,population\nGM0632,Woerden,2020,52299\n")
    await import_population(session, ACTOR, rows)
    await create_member(
        session, ACTOR, MemberInput("woerden", "Gemeente Woerden", "gemeente", ("GM0632",))
    )


@pytest.mark.usefixtures("members")
async def test_create_with_defaults_and_edit(session: AsyncSession) -> None:
    app = await create_application(
        session,
        ACTOR,
        "subsidieportaal",
        ApplicationInput(
            name=" Subsidieportaal ",
            lead_member="woerden",
            licence="eupl-1.2",
            repository_url="https://example.org/subsidie",
            standards=("WCAG 2.1 AA", "DigiD", "DigiD", " "),
        ),
    )
    assert (app.name, app.status, app.licence, app.owner_member_id) == (
        "Subsidieportaal",
        ApplicationStatus.IDEA,
        "EUPL-1.2",
        None,
    )
    standards = await repository.standards_of(session, [app.id])
    assert [c.standard for c in standards[app.id]] == ["DigiD", "WCAG 2.1 AA"]

    edited = await update_application(
        session,
        ACTOR,
        "subsidieportaal",
        ApplicationInput(name="Subsidies", owner_member="woerden", standards=("DigiD",)),
    )
    assert (edited.name, edited.licence, edited.repository_url) == ("Subsidies", "EUPL-1.2", None)
    assert edited.lead_member_id is None
    owner = await members_repository.member_by_code(session, "woerden")
    assert owner is not None
    assert edited.owner_member_id == owner.id
    standards = await repository.standards_of(session, [app.id])
    assert [c.standard for c in standards[app.id]] == ["DigiD"]


@pytest.mark.usefixtures("members")
async def test_invalid_input_lists_every_problem_and_stores_nothing(session: AsyncSession) -> None:
    await create_application(session, ACTOR, "zaken", ApplicationInput(name="Zaken"))
    with pytest.raises(ValidationFailed) as caught:
        await create_application(
            session,
            ACTOR,
            "zaken",
            ApplicationInput(
                name="",
                lead_member="nobody",
                owner_member="nobody-either",
                licence="EUPL",
                repository_url="ftp://example.org",
            ),
        )
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("slug", "duplicate"),
        ("name", "required"),
        ("lead_member", "unknown_member"),
        ("owner_member", "unknown_member"),
        ("licence", "invalid_spdx"),
        ("repository_url", "invalid_url"),
    }
    assert await session.scalar(select(func.count()).select_from(Application)) == 1


@pytest.mark.parametrize("slug", ["Zaken", "zaken_app", "-zaken", "zaken--app", "", "a" * 81])
async def test_slug_rule(session: AsyncSession, slug: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await create_application(session, ACTOR, slug, ApplicationInput(name="Zaken"))
    assert caught.value.errors[0].field == "slug"


async def test_failed_update_leaves_the_application_unchanged(session: AsyncSession) -> None:
    await create_application(
        session, ACTOR, "zaken", ApplicationInput(name="Zaken", platform="PHP")
    )
    with pytest.raises(ValidationFailed):
        await update_application(
            session,
            ACTOR,
            "zaken",
            ApplicationInput(name="Nieuw", platform="Python", licence="nope"),
        )
    stored = await repository.application_by_slug(session, "zaken")
    assert stored is not None
    assert (stored.name, stored.platform) == ("Zaken", "PHP")
    with pytest.raises(NotFound):
        await update_application(session, ACTOR, "onbekend", ApplicationInput(name="X"))


async def test_status_follows_the_lifecycle(session: AsyncSession) -> None:
    await create_application(session, ACTOR, "zaken", ApplicationInput(name="Zaken"))
    await change_status(session, ACTOR, "zaken", ApplicationStatus.EXPLORATION)
    await create_business_case(
        session, ACTOR, "zaken", BusinessCaseInput("Basis", development="120000", risks="Planning")
    )
    await decide_business_case(
        session, ACTOR, "zaken", "Basis", BusinessCaseDecision.POSITIVE, "ALV", date(2024, 5, 1)
    )
    assert (await change_status(session, ACTOR, "zaken", ApplicationStatus.BUILD)).status is (
        ApplicationStatus.BUILD
    )
    with pytest.raises(ValidationFailed):
        await change_status(session, ACTOR, "zaken", ApplicationStatus.IDEA)
    assert (await change_status(session, ACTOR, "zaken", ApplicationStatus.RETIRED)).status is (
        ApplicationStatus.RETIRED
    )


async def test_build_needs_a_positive_business_case(session: AsyncSession) -> None:
    await create_application(
        session, ACTOR, "zaken", ApplicationInput(name="Zaken"), ApplicationStatus.EXPLORATION
    )
    with pytest.raises(ValidationFailed) as none:
        await change_status(session, ACTOR, "zaken", ApplicationStatus.BUILD)
    assert none.value.errors[0].code == "no_positive_business_case"
    case = await create_business_case(
        session, ACTOR, "zaken", BusinessCaseInput("Basis", hosting="1200.50", own_staff="8000")
    )
    assert (case.hosting_cents, case.own_staff_cents) == (120_050, 800_000)
    await decide_business_case(
        session, ACTOR, "zaken", "Basis", BusinessCaseDecision.NEGATIVE, "ALV", date(2024, 5, 1)
    )
    with pytest.raises(ValidationFailed) as negative:
        await change_status(session, ACTOR, "zaken", ApplicationStatus.BUILD)
    assert negative.value.errors[0].code == "no_positive_business_case"
    with pytest.raises(ValidationFailed) as twice:
        await decide_business_case(
            session, ACTOR, "zaken", "Basis", BusinessCaseDecision.POSITIVE, "ALV", date(2024, 6, 1)
        )
    assert twice.value.errors[0].code == "already_decided"
    with pytest.raises(ValidationFailed) as bad:
        await create_business_case(
            session, ACTOR, "zaken", BusinessCaseInput("Uitbreiding", hosting="-1")
        )
    assert (bad.value.errors[0].field, bad.value.errors[0].code) == ("hosting", "negative")
    assert bad.value.errors[0].text("nl") == "Het bedrag mag niet negatief zijn."
    with pytest.raises(ValidationFailed) as ambiguous:
        await create_business_case(
            session, ACTOR, "zaken", BusinessCaseInput("Uitbreiding", own_staff="1.000")
        )
    error = ambiguous.value.errors[0]
    assert (error.field, error.code) == ("own_staff", "invalid_amount")
    reason = error.phrase.params["reason"]
    assert isinstance(reason, Phrase)
    assert reason.code == "ambiguous_number"
    assert error.text("nl").startswith("Ongeldig bedrag: '1.000' is niet eenduidig")


async def test_releases_are_unique_per_version(session: AsyncSession) -> None:
    app = await create_application(session, ACTOR, "zaken", ApplicationInput(name="Zaken"))
    await add_release(session, ACTOR, "zaken", ReleaseInput("1.0.0", date(2024, 1, 5), " Eerste "))
    await add_release(session, ACTOR, "zaken", ReleaseInput("1.1.0", date(2024, 6, 1)))
    with pytest.raises(ValidationFailed) as caught:
        await add_release(session, ACTOR, "zaken", ReleaseInput("1.0.0", date(2024, 7, 1)))
    assert (caught.value.errors[0].field, caught.value.errors[0].code) == ("version", "duplicate")
    assert caught.value.errors[0].text("nl") == "Versie 1.0.0 is al vastgelegd."
    releases = (await repository.releases_of(session, [app.id]))[app.id]
    assert [(r.version, r.notes) for r in releases] == [("1.1.0", ""), ("1.0.0", "Eerste")]
    assert await session.scalar(select(func.count()).select_from(Release)) == 2
