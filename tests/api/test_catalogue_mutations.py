"""Changing the catalogue through GraphQL: typed errors, all-or-nothing, development mode only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role, system_actor
from registry.catalogue.models import Application, Release, StandardClaim
from registry.members.figures import import_population
from registry.members.population import parse_cbs_csv
from registry.members.registration import MemberInput, create_member
from tests.helpers.graphql import GraphQLClient, error_messages, grant, graphql_client

ACTOR = system_actor("test")

APPLICATION_FIELDS = """
  slug name descriptionNl descriptionEn platform status licence repositoryUrl
  leadMember { code } ownerMember { code } ownedByCooperative
  standards releases { version releasedOn notes } allowedTransitions
"""

CREATE = f"""
mutation Create($slug: String!, $input: ApplicationInput!, $status: ApplicationStatus) {{
  applicationCreate(slug: $slug, input: $input, status: $status) {{
    application {{ {APPLICATION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

CREATE_DEFAULT_STATUS = f"""
mutation Create($slug: String!, $input: ApplicationInput!) {{
  applicationCreate(slug: $slug, input: $input) {{
    application {{ {APPLICATION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

UPDATE = f"""
mutation Update($slug: String!, $input: ApplicationInput!) {{
  applicationUpdate(slug: $slug, input: $input) {{
    application {{ {APPLICATION_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""

STATUS = """
mutation Status($slug: String!, $status: ApplicationStatus!) {
  applicationStatusChange(slug: $slug, status: $status) {
    application { slug status allowedTransitions }
    errors { field code message }
  }
}
"""

RELEASE = """
mutation Release($slug: String!, $input: ReleaseInput!) {
  releaseCreate(slug: $slug, input: $input) {
    release { version releasedOn notes }
    errors { field code message }
  }
}
"""

READ = f"""
query Read($slug: String!) {{ application(slug: $slug) {{ {APPLICATION_FIELDS} updatedAt }} }}
"""


@pytest.fixture
async def members(session: AsyncSession) -> AsyncSession:
    """Two members (Woerden, Eindhoven) and their municipalities, committed."""
    rows = parse_cbs_csv(
        "cbs_code,name,year,population\nGM0632,Woerden,2020,52299\nGM0772,Eindhoven,2020,234394\n"
    )
    await import_population(session, ACTOR, rows)
    await create_member(
        session, ACTOR, MemberInput("woerden", "Gemeente Woerden", "gemeente", ("GM0632",))
    )
    await create_member(
        session, ACTOR, MemberInput("eindhoven", "Gemeente Eindhoven", "gemeente", ("GM0772",))
    )
    await session.commit()
    return session


pytestmark = pytest.mark.usefixtures("members")


async def counts(session: AsyncSession) -> dict[str, int]:
    """Rows per catalogue table, as committed (read in a fresh transaction)."""
    await session.commit()
    result: dict[str, int] = {}
    for model in (Application, Release, StandardClaim):
        count = await session.scalar(select(func.count()).select_from(model))
        result[model.__tablename__] = count or 0
    await session.commit()
    return result


async def create(
    api: GraphQLClient, slug: str, status: str | None = None, **input_: Any
) -> dict[str, Any]:
    input_.setdefault("name", slug.replace("-", " ").title())
    variables: dict[str, Any] = {"slug": slug, "input": input_}
    if status is None:
        payload: dict[str, Any] = (await api.data(CREATE_DEFAULT_STATUS, variables))[
            "applicationCreate"
        ]
    else:
        variables["status"] = status
        payload = (await api.data(CREATE, variables))["applicationCreate"]
    return payload


async def created(api: GraphQLClient, slug: str, **input_: Any) -> dict[str, Any]:
    """Create and insist it worked."""
    payload = await create(api, slug, **input_)
    assert payload["errors"] == [], payload
    application: dict[str, Any] = payload["application"]
    return application


async def read(api: GraphQLClient, slug: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (await api.data(READ, {"slug": slug}))["application"]
    return found


def codes(payload: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in payload["errors"]}


# --- create -------------------------------------------------------------------------------


async def test_create_with_defaults(api: GraphQLClient, session: AsyncSession) -> None:
    payload = await create(api, "subsidieportaal", name="Subsidieportaal")
    assert payload["errors"] == []
    application = payload["application"]
    assert application["slug"] == "subsidieportaal"
    assert application["name"] == "Subsidieportaal"
    assert application["status"] == "IDEA"
    assert application["licence"] == "EUPL-1.2"
    assert application["ownerMember"] is None
    assert application["ownedByCooperative"] is True
    assert application["leadMember"] is None
    assert application["repositoryUrl"] is None
    assert application["standards"] == []
    assert application["releases"] == []
    assert application["allowedTransitions"] == ["EXPLORATION", "RETIRED"]
    # It is stored, not just echoed.
    stored = await read(api, "subsidieportaal")
    assert stored is not None
    assert {k: stored[k] for k in application} == application
    assert await counts(session) == {"application": 1, "release": 0, "standard_claim": 0}


async def test_create_with_everything(api: GraphQLClient, session: AsyncSession) -> None:
    application = await created(
        api,
        "mijn-gemeente",
        status="BUILD",
        name="  Mijn Gemeente  ",
        descriptionNl="Persoonlijke omgeving.",
        descriptionEn="Personal portal.",
        leadMember="woerden",
        ownerMember="eindhoven",
        platform="React",
        licence="eupl-1.2 or mit",
        repositoryUrl="https://example.org/mijn-gemeente",
        standards=["WCAG 2.1 AA", "DigiD", "DigiD", "  "],
    )
    assert application["name"] == "Mijn Gemeente"
    assert application["status"] == "BUILD"
    assert application["licence"] == "EUPL-1.2 OR MIT"
    assert application["leadMember"] == {"code": "woerden"}
    assert application["ownerMember"] == {"code": "eindhoven"}
    assert application["ownedByCooperative"] is False
    assert application["repositoryUrl"] == "https://example.org/mijn-gemeente"
    assert application["standards"] == ["DigiD", "WCAG 2.1 AA"]
    assert application["descriptionEn"] == "Personal portal."
    stored = await read(api, "mijn-gemeente")
    assert stored is not None
    stored.pop("updatedAt")
    assert stored == application
    assert (await counts(session))["standard_claim"] == 2


async def test_licence_is_normalised(api: GraphQLClient) -> None:
    for i, (given, normalised) in enumerate(
        [
            ("eupl-1.2 or mit", "EUPL-1.2 OR MIT"),
            ("apache-2.0", "Apache-2.0"),
            ("  GPL-3.0-or-later  ", "GPL-3.0-or-later"),
            ("(mit and bsd-3-clause)", "MIT AND BSD-3-Clause"),
        ]
    ):
        application = await created(api, f"app-{i}", licence=given)
        assert application["licence"] == normalised
        assert (await read(api, f"app-{i}") or {})["licence"] == normalised


# --- typed errors -------------------------------------------------------------------------


async def refused(api: GraphQLClient, session: AsyncSession, slug: str, **input_: Any) -> set[Any]:
    """Create must be refused with errors and no application; returns (field, code) pairs."""
    before = await counts(session)
    payload = await create(api, slug, **input_)
    assert payload["application"] is None
    assert payload["errors"], payload
    for error in payload["errors"]:
        assert error["message"], error
    assert await counts(session) == before
    return codes(payload)


async def test_invalid_spdx_licence(api: GraphQLClient, session: AsyncSession) -> None:
    assert await refused(api, session, "app", licence="Not A Licence") == {
        ("licence", "invalid_spdx")
    }
    assert await refused(api, session, "app", licence="MIT OR") == {("licence", "invalid_spdx")}
    payload = await create(api, "app", licence="Proprietary-1.0")
    assert codes(payload) == {("licence", "invalid_spdx")}
    assert "Proprietary-1.0" in payload["errors"][0]["message"]
    assert await read(api, "app") is None


async def test_empty_licence_is_required(api: GraphQLClient, session: AsyncSession) -> None:
    assert await refused(api, session, "app", licence="  ") == {("licence", "required")}


async def test_duplicate_slug(api: GraphQLClient, session: AsyncSession) -> None:
    await created(api, "rapportage", name="Rapportage")
    assert await refused(api, session, "rapportage", name="Another") == {("slug", "duplicate")}
    assert (await read(api, "rapportage") or {})["name"] == "Rapportage"


async def test_invalid_slug(api: GraphQLClient, session: AsyncSession) -> None:
    for slug in [
        "",
        "Hoofdletters",
        "met spatie",
        "dubbel--streepje",
        "-voor",
        "na-",
        "é",
        "a" * 81,
    ]:
        assert await refused(api, session, slug, name="Iets") == {("slug", "invalid_slug")}, slug


async def test_slug_at_the_length_limit_is_fine(api: GraphQLClient) -> None:
    assert (await created(api, "a" * 80))["slug"] == "a" * 80


async def test_unknown_lead_and_owner_member(api: GraphQLClient, session: AsyncSession) -> None:
    assert await refused(api, session, "app", leadMember="atlantis") == {
        ("leadMember", "unknown_member")
    }
    assert await refused(api, session, "app", ownerMember="atlantis") == {
        ("ownerMember", "unknown_member")
    }


async def test_bad_repository_url(api: GraphQLClient, session: AsyncSession) -> None:
    for url in ["ftp://example.org/repo", "not a url", "example.org/repo", "javascript:alert(1)"]:
        assert await refused(api, session, "app", repositoryUrl=url) == {
            ("repositoryUrl", "invalid_url")
        }, url


async def test_empty_repository_url_means_none(api: GraphQLClient) -> None:
    assert (await created(api, "app", repositoryUrl="  "))["repositoryUrl"] is None


async def test_empty_name(api: GraphQLClient, session: AsyncSession) -> None:
    assert await refused(api, session, "app", name="   ") == {("name", "required")}
    assert await refused(api, session, "app", name="x" * 201) == {("name", "too_long")}


async def test_too_long_standard_names_the_item(api: GraphQLClient, session: AsyncSession) -> None:
    fields = await refused(api, session, "app", standards=["DigiD", "S" * 201])
    assert len(fields) == 1
    ((field, code),) = fields
    assert code == "too_long"
    assert field.startswith("standards[")


async def test_all_errors_are_reported_at_once(api: GraphQLClient, session: AsyncSession) -> None:
    assert await refused(
        api,
        session,
        "Ongeldige Slug",
        name="",
        licence="nonsense",
        repositoryUrl="ftp://x",
        leadMember="atlantis",
        ownerMember="lemurie",
    ) == {
        ("slug", "invalid_slug"),
        ("name", "required"),
        ("licence", "invalid_spdx"),
        ("repositoryUrl", "invalid_url"),
        ("leadMember", "unknown_member"),
        ("ownerMember", "unknown_member"),
    }


async def test_duplicate_and_other_errors_together(
    api: GraphQLClient, session: AsyncSession
) -> None:
    await created(api, "app")
    assert await refused(api, session, "app", licence="nonsense", leadMember="atlantis") == {
        ("slug", "duplicate"),
        ("licence", "invalid_spdx"),
        ("leadMember", "unknown_member"),
    }


async def test_missing_required_argument_is_a_graphql_error(api: GraphQLClient) -> None:
    body = await api.execute(
        'mutation { applicationCreate(slug: "x", input: {}) { errors { field } } }'
    )
    assert any("name" in m for m in error_messages(body)), body
    assert body.get("data") is None


# --- update -------------------------------------------------------------------------------


async def test_update_replaces_fields_and_standards(
    api: GraphQLClient, session: AsyncSession
) -> None:
    await created(
        api,
        "subsidieportaal",
        name="Subsidieportaal",
        descriptionNl="Oud",
        descriptionEn="Old",
        leadMember="woerden",
        ownerMember="woerden",
        platform="Django",
        licence="MIT",
        repositoryUrl="https://example.org/old",
        standards=["DigiD", "WCAG 2.1 AA"],
    )
    payload = (
        await api.data(
            UPDATE,
            {
                "slug": "subsidieportaal",
                "input": {
                    "name": "Subsidies",
                    "descriptionNl": "Nieuw",
                    "leadMember": "eindhoven",
                    "licence": "apache-2.0",
                    "standards": ["WCAG 2.1 AA", "NL Design System"],
                },
            },
        )
    )["applicationUpdate"]
    assert payload["errors"] == []
    expected = {
        "slug": "subsidieportaal",
        "name": "Subsidies",
        "descriptionNl": "Nieuw",
        "descriptionEn": "",  # replaced, not merged: left out means the default
        "platform": "",
        "status": "IDEA",
        "licence": "Apache-2.0",
        "repositoryUrl": None,
        "leadMember": {"code": "eindhoven"},
        "ownerMember": None,
        "ownedByCooperative": True,
        "standards": ["NL Design System", "WCAG 2.1 AA"],
        "releases": [],
        "allowedTransitions": ["EXPLORATION", "RETIRED"],
    }
    assert payload["application"] == expected
    stored = await read(api, "subsidieportaal")
    assert stored is not None
    stored.pop("updatedAt")
    assert stored == expected
    assert await counts(session) == {"application": 1, "release": 0, "standard_claim": 2}


async def test_update_to_no_standards(api: GraphQLClient, session: AsyncSession) -> None:
    await created(api, "app", standards=["DigiD", "eHerkenning"])
    payload = (await api.data(UPDATE, {"slug": "app", "input": {"name": "App"}}))[
        "applicationUpdate"
    ]
    assert payload["application"]["standards"] == []
    assert (await counts(session))["standard_claim"] == 0


async def test_refused_update_changes_nothing(api: GraphQLClient, session: AsyncSession) -> None:
    await created(api, "app", name="App", leadMember="woerden", licence="MIT", standards=["DigiD"])
    before_row = await read(api, "app")
    before = await counts(session)
    payload = (
        await api.data(
            UPDATE,
            {
                "slug": "app",
                "input": {
                    "name": "New name",
                    "licence": "bogus licence",
                    "leadMember": "atlantis",
                    "standards": ["Other"],
                },
            },
        )
    )["applicationUpdate"]
    assert payload["application"] is None
    assert codes(payload) == {("licence", "invalid_spdx"), ("leadMember", "unknown_member")}
    assert await read(api, "app") == before_row
    assert await counts(session) == before


async def test_update_unknown_application(api: GraphQLClient, session: AsyncSession) -> None:
    payload = (await api.data(UPDATE, {"slug": "bestaat-niet", "input": {"name": "X"}}))[
        "applicationUpdate"
    ]
    assert payload["application"] is None
    assert [e["code"] for e in payload["errors"]] == ["not_found"]
    assert "bestaat-niet" in payload["errors"][0]["message"]
    assert (await counts(session))["application"] == 0


# --- lifecycle ----------------------------------------------------------------------------


async def change(api: GraphQLClient, slug: str, status: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(STATUS, {"slug": slug, "status": status}))[
        "applicationStatusChange"
    ]
    return payload


async def test_status_moves_along_the_lifecycle(api: GraphQLClient) -> None:
    await created(api, "app")
    decided = await api.data(
        """mutation { businessCaseCreate(application: "app", input: {title: "Basis",
             development: "50000", risks: "Te weinig deelnemers"}) { errors { code } }
           businessCaseDecide(application: "app", title: "Basis", decision: POSITIVE,
             decidedBy: "ALV", decidedOn: "2026-03-01") {
             businessCase { decision development { amount } } errors { code } } }"""
    )
    assert decided["businessCaseDecide"]["businessCase"] == {
        "decision": "POSITIVE",
        "development": {"amount": "50000.00"},
    }
    for status in ("EXPLORATION", "BUILD", "ACCEPTANCE", "PRODUCTION", "RETIRED"):
        payload = await change(api, "app", status)
        assert payload["errors"] == []
        assert payload["application"]["status"] == status
        assert (await read(api, "app") or {})["status"] == status
    assert payload["application"]["allowedTransitions"] == []


async def test_status_may_jump_to_retired(api: GraphQLClient) -> None:
    await created(api, "app")
    assert (await change(api, "app", "RETIRED"))["application"]["status"] == "RETIRED"


async def test_status_refuses_invalid_transitions(api: GraphQLClient) -> None:
    for i, (start, target) in enumerate(
        [
            ("BUILD", "EXPLORATION"),  # backwards
            ("BUILD", "IDEA"),  # backwards
            ("BUILD", "BUILD"),  # standing still
            ("IDEA", "BUILD"),  # skipping a step
            ("RETIRED", "PRODUCTION"),  # nothing after retired
        ]
    ):
        slug = f"app-{i}"
        await created(api, slug, status=start)
        before = await read(api, slug)
        payload = await change(api, slug, target)
        assert payload["application"] is None
        assert codes(payload) == {("status", "invalid_transition")}
        message = payload["errors"][0]["message"]
        assert start.lower() in message
        assert target.lower() in message
        assert await read(api, slug) == before


async def test_status_change_of_unknown_application(api: GraphQLClient) -> None:
    payload = await change(api, "bestaat-niet", "BUILD")
    assert [e["code"] for e in payload["errors"]] == ["not_found"]


# --- releases -----------------------------------------------------------------------------


async def add_release(api: GraphQLClient, slug: str, **input_: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(RELEASE, {"slug": slug, "input": input_}))[
        "releaseCreate"
    ]
    return payload


async def test_release_create_and_duplicate(api: GraphQLClient, session: AsyncSession) -> None:
    await created(api, "app")
    first = await add_release(
        api, "app", version="1.0.0", releasedOn="2024-03-01", notes=" Eerste "
    )
    assert first == {
        "release": {"version": "1.0.0", "releasedOn": "2024-03-01", "notes": "Eerste"},
        "errors": [],
    }
    second = await add_release(api, "app", version="1.1.0", releasedOn="2025-01-15")
    assert second["errors"] == []
    application = await read(api, "app")
    assert application is not None
    assert [r["version"] for r in application["releases"]] == ["1.1.0", "1.0.0"]

    before = await counts(session)
    duplicate = await add_release(api, "app", version="1.0.0", releasedOn="2026-01-01")
    assert duplicate["release"] is None
    assert codes(duplicate) == {("version", "duplicate")}
    assert await counts(session) == before
    assert await read(api, "app") == application  # updatedAt untouched as well


async def test_release_same_version_for_another_application(api: GraphQLClient) -> None:
    await created(api, "one")
    await created(api, "two")
    assert (await add_release(api, "one", version="1.0.0", releasedOn="2024-01-01"))["errors"] == []
    assert (await add_release(api, "two", version="1.0.0", releasedOn="2024-01-01"))["errors"] == []


async def test_release_refusals(api: GraphQLClient, session: AsyncSession) -> None:
    await created(api, "app")
    empty = await add_release(api, "app", version="  ", releasedOn="2024-01-01")
    assert codes(empty) == {("version", "required")}
    unknown = await add_release(api, "bestaat-niet", version="1.0", releasedOn="2024-01-01")
    assert [e["code"] for e in unknown["errors"]] == ["not_found"]
    assert (await counts(session))["release"] == 0
    bad_date = await api.execute(
        RELEASE, {"slug": "app", "input": {"version": "1.0", "releasedOn": "1 januari"}}
    )
    assert error_messages(bad_date)
    assert (await counts(session))["release"] == 0


async def test_release_updates_the_application_timestamp(api: GraphQLClient) -> None:
    await created(api, "app")
    before = (await read(api, "app") or {})["updatedAt"]
    await add_release(api, "app", version="1.0.0", releasedOn="2024-01-01")
    after = (await read(api, "app") or {})["updatedAt"]
    assert after > before


async def test_mutations_in_one_operation_see_each_others_changes(api: GraphQLClient) -> None:
    """Mutation fields run one after another; later payloads must not show cached, stale data."""
    data = await api.data(
        """
        mutation {
          create: applicationCreate(
            slug: "app", input: {name: "App", standards: ["A"], leadMember: "woerden"}
          ) { application { standards releases { version } leadMember { code } } errors { code } }
          release: releaseCreate(slug: "app", input: {version: "1.0", releasedOn: "2024-01-01"}) {
            release { version }
          }
          update: applicationUpdate(
            slug: "app", input: {name: "App", standards: ["B"], leadMember: "eindhoven"}
          ) { application { standards releases { version } leadMember { code } } errors { code } }
        }
        """
    )
    assert data["create"]["application"] == {
        "standards": ["A"],
        "releases": [],
        "leadMember": {"code": "woerden"},
    }
    assert data["update"]["application"] == {
        "standards": ["B"],
        "releases": [{"version": "1.0"}],
        "leadMember": {"code": "eindhoven"},
    }


# --- who may change the catalogue ---------------------------------------------------------

PRODUCTION_ATTEMPTS: list[tuple[str, dict[str, Any]]] = [
    (CREATE_DEFAULT_STATUS, {"slug": "nieuw", "input": {"name": "Nieuw"}}),
    (UPDATE, {"slug": "app", "input": {"name": "Overschreven"}}),
    (STATUS, {"slug": "app", "status": "EXPLORATION"}),
    (RELEASE, {"slug": "app", "input": {"version": "9.9", "releasedOn": date.today().isoformat()}}),
]


@pytest.mark.parametrize(
    ("role", "member", "message"),
    [
        (None, None, "log in first"),
        (Role.AUDITOR, None, "requires catalogue:manage"),
        (Role.ADMIN, None, "requires catalogue:manage"),
        (Role.MEMBER_ADMIN, "woerden", "requires catalogue:manage"),
    ],
)
async def test_only_the_directie_changes_the_catalogue(
    api: GraphQLClient,
    members: AsyncSession,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    role: Role | None,
    member: str | None,
    message: str,
) -> None:
    original = await created(api, "app", name="App")
    before = await counts(session)
    user_id = await grant(session_factory, role, member) if role else None
    async with graphql_client(db_url, dev_mode=False, user_id=user_id) as other:
        for mutation, variables in PRODUCTION_ATTEMPTS:
            body = await other.execute(mutation, variables)
            messages = error_messages(body)
            assert len(messages) == 1, body
            assert message in messages[0]
            assert body["data"] is None
        # Reading is fine for everyone.
        assert (await other.data(READ, {"slug": "app"}))["application"]["name"] == "App"
    assert await counts(session) == before
    stored = await read(api, "app")
    assert stored is not None
    assert {k: stored[k] for k in original} == original
    assert await read(api, "nieuw") is None
