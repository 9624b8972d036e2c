"""The members' side through the API: propose, review, maintain, communities, the estimate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from tests.helpers.graphql import GraphQLClient, error_messages, grant, graphql_client

pytestmark = pytest.mark.usefixtures("demo")

PROPOSE = """mutation($input: ApplicationProposalInput!) {
  applicationPropose(member: "woerden", slug: "afvalkalender", input: $input) {
    application { slug status published reviewStatus problem licence leadMember { code } }
    errors { field code message }
  }
}"""
IDEA = {
    "name": "Afvalkalender",
    "descriptionNl": "Ophaaldagen per adres.",
    "problem": "Inwoners bellen over ophaaldagen.",
    "licence": "mit",
    "standards": ["WCAG 2.1 AA"],
}


@pytest.fixture
async def people(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[dict[str, GraphQLClient]]:
    ids = {
        "woerden": await grant(session_factory, Role.MEMBER_ADMIN, "woerden"),
        "tilburg_user": await grant(session_factory, Role.MEMBER_USER, "tilburg"),
        "directie": await grant(session_factory, Role.DIRECTIE),
    }
    clients: dict[str, GraphQLClient] = {}
    async with (
        graphql_client(db_url, user_id=ids["woerden"]) as woerden,
        graphql_client(db_url, user_id=ids["tilburg_user"]) as tilburg,
        graphql_client(db_url, user_id=ids["directie"]) as directie,
        graphql_client(db_url) as anonymous,
    ):
        clients.update(
            woerden=woerden, tilburg_user=tilburg, directie=directie, anonymous=anonymous
        )
        yield clients


async def test_propose_review_and_see(people: dict[str, GraphQLClient]) -> None:
    woerden, directie = people["woerden"], people["directie"]
    body = (await woerden.data(PROPOSE, {"input": IDEA}))["applicationPropose"]
    assert body["errors"] == []
    assert body["application"] == {
        "slug": "afvalkalender",
        "status": "IDEA",
        "published": False,
        "reviewStatus": "PROPOSED",
        "problem": "Inwoners bellen over ophaaldagen.",
        "licence": "MIT",
        "leadMember": {"code": "woerden"},
    }
    see = '{ application(slug: "afvalkalender") { name reviewStatus reviewNote } }'
    assert (await people["tilburg_user"].data(see))["application"]["name"] == "Afvalkalender"
    assert (await people["anonymous"].data(see))["application"] is None

    review = (
        'mutation { applicationReview(slug: "afvalkalender", decision: %s, note: "%s")'
        " { application { reviewStatus reviewNote published } errors { field code } } }"
    )
    refused = await woerden.execute(review % ("PUBLISH", ""))
    assert any(m.startswith("not allowed") for m in error_messages(refused))
    asked = (await directie.data(review % ("REQUEST_CHANGES", "")))["applicationReview"]
    assert asked["errors"] == [{"field": "note", "code": "required"}]
    asked = (await directie.data(review % ("REQUEST_CHANGES", "Noem de API")))["applicationReview"]
    assert asked["application"]["reviewStatus"] == "CHANGES_REQUESTED"
    published = (await directie.data(review % ("PUBLISH", "")))["applicationReview"]
    assert published["application"] == {
        "reviewStatus": "PUBLISHED",
        "reviewNote": None,
        "published": True,
    }
    assert (await people["anonymous"].data(see))["application"]["name"] == "Afvalkalender"


async def test_the_lead_maintains_and_others_are_refused(people: dict[str, GraphQLClient]) -> None:
    maintain = (
        'mutation { applicationMaintain(member: "woerden", slug: "%s", input: {descriptionNl:'
        ' "Nieuw", descriptionEn: "New", repositoryUrl: "https://example.org/s"})'
        " { application { descriptionNl status published } errors { code message } } }"
    )
    own = (await people["woerden"].data(maintain % "subsidieportaal"))["applicationMaintain"]
    assert own["application"] == {
        "descriptionNl": "Nieuw",
        "status": "ACCEPTANCE",
        "published": True,
    }
    other = (await people["woerden"].data(maintain % "zaakafhandeling"))["applicationMaintain"]
    assert other["application"] is None
    assert other["errors"][0]["code"] == "forbidden"
    assert "Gemeente Eindhoven" in other["errors"][0]["message"]
    status = await people["woerden"].execute(
        'mutation { applicationStatusChange(slug: "subsidieportaal", status: PRODUCTION)'
        " { errors { code } } }"
    )
    assert any("catalogue:manage" in m for m in error_messages(status))


async def test_interest_join_leave_and_the_estimate(people: dict[str, GraphQLClient]) -> None:
    woerden = people["woerden"]
    ok = (
        await woerden.data(
            'mutation { applicationInterestRegister(application: "rapportage", member: "woerden")'
            " { ok errors { code } } }"
        )
    )["applicationInterestRegister"]
    assert ok == {"ok": True, "errors": []}

    # The trekker (Tilburg leads rapportage) and the directie see who is interested.
    interested = (
        '{ application(slug: "rapportage") {'
        " interestedMembers { memberCode memberName registeredOn } } }"
    )
    for lead_side in (people["tilburg_user"], people["directie"]):
        seen = (await lead_side.data(interested))["application"]["interestedMembers"]
        assert [(i["memberCode"], i["memberName"]) for i in seen] == [
            ("woerden", "Gemeente Woerden")
        ]
    for outsider in (woerden, people["anonymous"]):
        refused_interest = error_messages(await outsider.execute(interested))
        assert any(m.startswith("not allowed") for m in refused_interest), refused_interest
    assert any(
        "only the lead member's people and the Management see who is interested in Rapportage" in m
        for m in error_messages(await woerden.execute(interested))
    )
    joined = (
        await woerden.data(
            'mutation { communityJoin(application: "rapportage", member: "woerden",'
            ' stage: DEVELOPMENT, joinedOn: "2026-01-05") { ok errors { code } } }'
        )
    )["communityJoin"]
    assert joined == {"ok": True, "errors": []}
    left = (
        await woerden.data(
            'mutation { communityLeave(application: "rapportage", member: "woerden")'
            " { ok errors { code } } }"
        )
    )["communityLeave"]
    assert left == {"ok": True, "errors": []}
    refused = await woerden.execute(
        'mutation { communityJoin(application: "rapportage", member: "tilburg",'
        ' stage: IDEA, joinedOn: "2026-01-05") { ok } }'
    )
    assert any(m.startswith("not allowed") for m in error_messages(refused))

    estimate = (
        await people["tilburg_user"].data(
            'query { costEstimate(member: "tilburg", application: "zaakafhandeling",'
            ' expectedUsage: [{metric: "cases_handled", monthlyQuantity: "100"}]) {'
            " estimate { settlement { amount currency } yearlyUsageFees { amount }"
            " usageFees { metric price yearly { amount } } pools { poolCode } membership"
            " { entryFee { amount } } } errors { code } } }"
        )
    )["costEstimate"]
    assert estimate["errors"] == []
    result = estimate["estimate"]
    # Tilburg takes part and was settled already: nothing more to settle.
    assert result["settlement"] == {"amount": "0.00", "currency": "EUR"}
    assert result["usageFees"] == [
        {"metric": "CASES_HANDLED", "price": "0.12", "yearly": {"amount": "144.00"}}
    ]
    assert result["membership"] is None
    assert [p["poolCode"] for p in result["pools"]] == ["zaakafhandeling-bouw"]


async def test_the_trekker_saves_a_business_case_draft(people: dict[str, GraphQLClient]) -> None:
    save = """mutation($application: String!, $development: Decimal!) {
      businessCaseDraftSave(member: "woerden", application: $application, input: {
        title: "Versie 2", development: $development, participants: ["woerden"], risks: "r"
      }) { businessCase { title participants development { amount } } errors { field code } }
    }"""
    first = (
        await people["woerden"].data(save, {"application": "subsidieportaal", "development": "100"})
    )["businessCaseDraftSave"]
    assert first["errors"] == []
    again = (
        await people["woerden"].data(save, {"application": "subsidieportaal", "development": "90"})
    )["businessCaseDraftSave"]
    assert again["businessCase"] == {
        "title": "Versie 2",
        "participants": ["woerden"],
        "development": {"amount": "90.00"},
    }
    cases = (
        await people["directie"].data(
            '{ application(slug: "subsidieportaal") { businessCases { title } } }'
        )
    )["application"]["businessCases"]
    assert [c["title"] for c in cases].count("Versie 2") == 1
    other = (
        await people["woerden"].data(save, {"application": "zaakafhandeling", "development": "1"})
    )["businessCaseDraftSave"]
    assert other["businessCase"] is None
    assert [e["code"] for e in other["errors"]] == ["forbidden"]
