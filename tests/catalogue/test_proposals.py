"""Members propose applications, the directie reviews them, the lead member maintains them,
and members find each other per application."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.catalogue import communities, proposals
from registry.catalogue.models import ApplicationStatus, JoinStage, Review, ReviewStatus
from registry.catalogue.service import ReleaseInput, add_release
from registry.catalogue.stewardship import may_see
from registry.kit.errors import Forbidden, NotFound, ValidationFailed
from registry.members import repository as members
from registry.usage.leaving import leave_community
from tests.conftest import DemoTemplate

DIRECTIE = Actor(ActorKind.USER, "directie@coop", grants=frozenset({Grant(Role.DIRECTIE)}))
ON = date(2026, 11, 2)


@pytest.fixture
async def demo(session: AsyncSession, demo_template: DemoTemplate) -> AsyncSession:
    await demo_template.copy_into(session)
    return session


async def person(session: AsyncSession, code: str, role: Role = Role.MEMBER_ADMIN) -> Actor:
    member = await members.member_by_code(session, code)
    assert member is not None
    return Actor(ActorKind.USER, f"{role.value}@{code}", grants=frozenset({Grant(role, member.id)}))


IDEA = proposals.ProposalInput(
    name="Afvalkalender",
    description_nl="Ophaaldagen per adres.",
    description_en="Collection days per address.",
    problem="Inwoners bellen om te vragen wanneer het afval wordt opgehaald.",
    repository_url="https://example.org/afvalkalender",
    licence="eupl-1.2",
    standards=("WCAG 2.1 AA",),
)


async def test_a_member_admin_proposes_and_the_directie_publishes(demo: AsyncSession) -> None:
    woerden = await person(demo, "woerden")
    app = await proposals.propose(demo, woerden, "woerden", "afvalkalender", IDEA)
    lead = await members.member_by_code(demo, "woerden")
    assert lead is not None
    assert (app.status, app.review_status, app.published, app.lead_member_id, app.licence) == (
        ApplicationStatus.IDEA,
        ReviewStatus.PROPOSED,
        False,
        lead.id,
        "EUPL-1.2",
    )
    assert app.problem.startswith("Inwoners bellen")
    # Visible to any member's people, not to the public.
    tilburg_user = await person(demo, "tilburg", Role.MEMBER_USER)
    assert may_see(tilburg_user, app)
    assert not may_see(Actor(ActorKind.ANONYMOUS, "anonymous"), app)
    assert app in await proposals.proposals(demo)

    with pytest.raises(ValidationFailed) as missing_note:
        await proposals.review(demo, DIRECTIE, "afvalkalender", Review.REQUEST_CHANGES)
    assert missing_note.value.errors[0].field == "note"
    await proposals.review(
        demo, DIRECTIE, "afvalkalender", Review.REQUEST_CHANGES, "Noem de standaarden."
    )
    assert (app.review_status, app.review_note) == (
        ReviewStatus.CHANGES_REQUESTED,
        "Noem de standaarden.",
    )
    revised = dataclasses.replace(IDEA, standards=("WCAG 2.1 AA", "Common Ground"))
    await proposals.revise(demo, woerden, "afvalkalender", revised)
    assert app.review_status is ReviewStatus.PROPOSED
    await proposals.review(demo, DIRECTIE, "afvalkalender", Review.PUBLISH)
    assert (app.review_status, app.published) == (ReviewStatus.PUBLISHED, True)

    with pytest.raises(ValidationFailed) as again:
        await proposals.review(demo, DIRECTIE, "afvalkalender", Review.REJECT, "nee")
    assert again.value.errors[0].code == "already_reviewed"

    steps = [e.operation for e in await proposals.history(demo, app)]
    assert steps == ["propose", "request_changes", "revise", "publish"]


async def test_only_the_own_members_admin_proposes_and_only_the_directie_reviews(
    demo: AsyncSession,
) -> None:
    woerden_user = await person(demo, "woerden", Role.MEMBER_USER)
    tilburg_admin = await person(demo, "tilburg")
    for actor in (woerden_user, tilburg_admin):
        with pytest.raises(Forbidden):
            await proposals.propose(demo, actor, "woerden", "afvalkalender", IDEA)
    await proposals.propose(demo, await person(demo, "woerden"), "woerden", "afvalkalender", IDEA)
    with pytest.raises(Forbidden):
        await proposals.review(demo, await person(demo, "woerden"), "afvalkalender", Review.PUBLISH)
    with pytest.raises(ValidationFailed) as not_proposed:
        await proposals.review(demo, DIRECTIE, "zaakafhandeling", Review.PUBLISH)
    assert not_proposed.value.errors[0].code == "not_a_proposal"
    await proposals.review(demo, DIRECTIE, "afvalkalender", Review.REJECT, "Bestaat al.")
    with pytest.raises(NotFound):
        await communities.visible_application(
            demo, await person(demo, "tilburg", Role.MEMBER_USER), "afvalkalender"
        )


async def test_the_lead_member_maintains_but_does_not_decide(demo: AsyncSession) -> None:
    eindhoven = await person(demo, "eindhoven")  # lead member of zaakafhandeling
    app = await proposals.maintain(
        demo,
        eindhoven,
        "zaakafhandeling",
        proposals.MaintenanceInput(
            "Nieuwe omschrijving.", "New description.", "https://example.org/zaak", ("ZGW API's",)
        ),
    )
    assert (app.description_nl, app.repository_url, app.status, app.published, app.name) == (
        "Nieuwe omschrijving.",
        "https://example.org/zaak",
        ApplicationStatus.PRODUCTION,
        True,
        "Zaakafhandelcomponent",
    )
    release = await add_release(
        demo, eindhoven, "zaakafhandeling", ReleaseInput("2.1.0", date(2026, 10, 1))
    )
    assert release.version == "2.1.0"
    with pytest.raises(Forbidden) as refused:
        await proposals.maintain(
            demo,
            await person(demo, "woerden"),
            "zaakafhandeling",
            proposals.MaintenanceInput("x", "x", None),
        )
    assert "Gemeente Eindhoven" in refused.value.phrase.text("nl")
    with pytest.raises(Forbidden):
        await add_release(
            demo,
            await person(demo, "eindhoven", Role.MEMBER_USER),
            "zaakafhandeling",
            ReleaseInput("2.2.0", date(2026, 10, 1)),
        )
    steps = [e.operation for e in await proposals.history(demo, app)]
    assert steps[-1] == "maintain"


async def test_members_register_interest_join_and_leave_before_adopting(
    demo: AsyncSession,
) -> None:
    zwolle = await person(demo, "zwolle")
    await communities.register_interest(demo, zwolle, "rapportage", "zwolle", ON)
    with pytest.raises(ValidationFailed):
        await communities.register_interest(demo, zwolle, "rapportage", "zwolle", ON)
    with pytest.raises(Forbidden):
        await communities.register_interest(demo, zwolle, "rapportage", "tilburg", ON)
    with pytest.raises(ValidationFailed) as future:
        await communities.join(
            demo, zwolle, "rapportage", "zwolle", JoinStage.DEVELOPMENT, date(2026, 12, 1), ON
        )
    assert future.value.errors[0].code == "date_in_future"
    await communities.join(demo, zwolle, "rapportage", "zwolle", JoinStage.DEVELOPMENT, ON, ON)
    # The directie signs up anyone.
    await communities.join(
        demo, DIRECTIE, "rapportage", "groningen", JoinStage.IDEA, date(2026, 1, 5), ON
    )
    app = await communities.visible_application(demo, zwolle, "rapportage")
    seen = await communities.community(demo, app)
    stages = {p.member.code: (p.stage, p.joined_on, p.inhabitants) for p in seen.participants}
    assert stages["zwolle"][:2] == (JoinStage.DEVELOPMENT, ON)
    assert stages["zwolle"][2] == 133_810  # CBS, 1 January 2025 (the latest shipped figure)
    assert stages["groningen"][:2] == (JoinStage.IDEA, date(2026, 1, 5))
    assert [i.member.code for i in seen.interested] == ["zwolle"]

    await leave_community(demo, zwolle, "rapportage", "zwolle")
    seen = await communities.community(demo, app)
    assert "zwolle" not in {p.member.code for p in seen.participants}
    # An adopter stays: Woerden adopted the subsidy portal.
    with pytest.raises(ValidationFailed) as adopted:
        await leave_community(demo, await person(demo, "woerden"), "subsidieportaal", "woerden")
    assert adopted.value.errors[0].code == "adopted"
