"""Importing a publiccode.yml through GraphQL and the command: what changes is shown before it
is stored, an invalid file is refused with the validator's errors, what the file lacks is kept,
and export → validate → import changes nothing for every application of the demo."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from registry.audit.models import AuditEvent
from registry.auth.roles import Role
from registry.catalogue import repository
from registry.catalogue.models import ReviewStatus
from registry.cli import app
from registry.demo import APPLICATIONS
from registry.members import repository as members
from registry.settings import get_settings
from tests.helpers.graphql import GraphQLClient, grant, graphql_client, live_graphql_client

pytestmark = pytest.mark.usefixtures("demo")

FILES = Path(__file__).parent.parent / "catalogue" / "publiccode"
PUBLISHED = sorted(slug for slug, _, data in APPLICATIONS if data.published)
BASE = "https://register.example.nl"

IMPORT = """
mutation Import($yaml: String!, $slug: String, $store: Boolean!) {
  publiccodeImport(yaml: $yaml, slug: $slug, store: $store) {
    slug creating stored
    changes { field before after }
    warnings { path }
    errors { field code message }
  }
}
"""
PROPOSE = """
mutation Propose($member: String!, $yaml: String!, $store: Boolean!) {
  publiccodeImportProposal(member: $member, yaml: $yaml, store: $store) {
    slug creating stored changes { field after } errors { field code }
  }
}
"""
EXPORT = "query($slug: String!) { publiccodeExport(slug: $slug) }"


async def _import(api: GraphQLClient, yaml: str, **variables: Any) -> dict[str, Any]:
    variables.setdefault("store", False)
    data = await api.data(IMPORT, {"yaml": yaml, **variables})
    result: dict[str, Any] = data["publiccodeImport"]
    return result


async def _events(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).select_from(AuditEvent))) or 0


async def test_export_validate_import_changes_nothing(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(db_url, user_id=user, public_url=BASE) as api:
        for slug in PUBLISHED:
            yaml = (await api.data(EXPORT, {"slug": slug}))["publiccodeExport"]
            result = await _import(api, yaml, store=True)
            assert result["errors"] == [], slug
            assert result["slug"] == slug
            assert result["creating"] is False
            assert result["changes"] == [], (slug, result["changes"])
            assert result["stored"] is False


async def test_a_new_application_is_shown_then_created_and_audited(
    api: GraphQLClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    yaml = (FILES / "valid/v0.4-full.yml").read_text()
    async with session_factory() as session:
        before = await _events(session)
    preview = await _import(api, yaml, slug="zaken-van-buiten")
    assert preview["creating"] is True
    assert preview["stored"] is False
    assert {c["field"]: c["after"] for c in preview["changes"]} == {
        "name": "Zaakafhandelcomponent",
        "descriptionNl": "Zaaksysteem voor aanvragen, meldingen en bezwaren, op de ZGW API's.",
        "descriptionEn": "Case management for applications, reports and objections.",
        "licence": "EUPL-1.2",
        "repositoryUrl": "https://github.com/example-cooperatie/zaakafhandeling.git",
        "categories": "document-management, workflow-management",
    }
    async with session_factory() as session:
        assert await repository.application_by_slug(session, "zaken-van-buiten") is None
        assert await _events(session) == before

    stored = await _import(api, yaml, slug="zaken-van-buiten", store=True)
    assert stored["stored"] is True
    again = await _import(api, yaml, slug="zaken-van-buiten", store=True)
    assert again["changes"] == []
    assert again["stored"] is False, "a second submit changes nothing"
    async with session_factory() as session:
        created = await repository.application_by_slug(session, "zaken-van-buiten")
        assert created is not None
        assert created.repository_url == "https://github.com/example-cooperatie/zaakafhandeling.git"
        assert await _events(session) == before + 2  # the application, then its categories


async def test_an_update_keeps_what_the_file_does_not_say(
    api: GraphQLClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session:
        app_before = await repository.application_by_slug(session, "subsidieportaal")
        assert app_before is not None
        standards = await repository.standards_of(session, [app_before.id])
    yaml = (FILES / "valid/v0.3-community.yml").read_text()
    result = await _import(api, yaml, slug="subsidieportaal", store=True)
    assert result["errors"] == []
    assert [c["field"] for c in result["changes"]] == ["licence"]  # the rest is the same
    assert {"path": "legal.authorsFile"} in result["warnings"]
    async with session_factory() as session:
        after = await repository.application_by_slug(session, "subsidieportaal")
        assert after is not None
        assert after.licence == "MIT OR Apache-2.0"
        assert after.lead_member_id == app_before.lead_member_id
        assert after.platform == app_before.platform
        assert after.description_en == app_before.description_en, "the file has no English"
        assert after.published is app_before.published
        assert after.status == app_before.status
        kept = await repository.standards_of(session, [after.id])
        assert [c.standard for c in kept[after.id]] == [
            c.standard for c in standards[app_before.id]
        ]


async def test_an_invalid_file_is_refused_with_the_validators_errors(
    api: GraphQLClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    yaml = (FILES / "invalid/contractor-until-missing.yml").read_text()
    result = await _import(api, yaml, slug="kapot", store=True)
    assert result["errors"] == [
        {
            "field": "maintenance.contractors[0].until (12:7)",
            "code": "required",
            "message": "missing",
        }
    ]
    async with session_factory() as session:
        assert await repository.application_by_slug(session, "kapot") is None


async def test_a_member_admin_proposes_through_the_proposal_flow(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await grant(session_factory, Role.MEMBER_ADMIN, "woerden")
    yaml = (FILES / "valid/v0.2-internal.yml").read_text()
    async with graphql_client(db_url, user_id=user) as api:
        refused = await api.execute(IMPORT, {"yaml": yaml, "store": True})
        assert refused["errors"], "the directie's import is not a member admin's"
        data = await api.data(PROPOSE, {"member": "woerden", "yaml": yaml, "store": True})
    result = data["publiccodeImportProposal"]
    assert result["errors"] == []
    assert result["slug"] == "verhuismodule"
    assert result["stored"] is True
    async with session_factory() as session:
        proposal = await repository.application_by_slug(session, "verhuismodule")
        assert proposal is not None
        assert proposal.review_status is ReviewStatus.PROPOSED
        woerden = await members.member_by_code(session, "woerden")
        assert woerden is not None
        assert proposal.lead_member_id == woerden.id


async def test_the_command_shows_then_stores(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", db_url)
    get_settings.cache_clear()
    runner = CliRunner()
    path = str(FILES / "valid/v0.2-internal.yml")
    try:
        preview = await asyncio.to_thread(
            runner.invoke, app, ["publiccode", "import", path, "--preview"]
        )
        assert preview.exit_code == 0, preview.output
        assert "new application verhuismodule: 5 change(s)" in preview.output
        assert "Preview: nothing was stored." in preview.output
        stored = await asyncio.to_thread(runner.invoke, app, ["publiccode", "import", path])
        assert stored.exit_code == 0, stored.output
        assert "Stored." in stored.output
        broken = str(FILES / "invalid/contractor-until-missing.yml")
        refused = await asyncio.to_thread(runner.invoke, app, ["publiccode", "import", broken])
        assert refused.exit_code == 1
        assert "maintenance.contractors[0].until (12:7)" in refused.output
    finally:
        get_settings.cache_clear()
    async with session_factory() as session:
        assert await repository.application_by_slug(session, "verhuismodule") is not None


async def test_the_same_import_at_the_same_moment_creates_one_application(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await grant(session_factory, Role.DIRECTIE)
    yaml = (FILES / "valid/v0.4-full.yml").read_text()
    variables = {"yaml": yaml, "slug": "tegelijk", "store": True}
    async with live_graphql_client(db_url, user) as live:
        answers = await asyncio.gather(*(live.data(IMPORT, variables) for _ in range(6)))
    results = [a["publiccodeImport"] for a in answers]
    assert all(r["errors"] == [] for r in results), results
    assert sum(r["stored"] for r in results) == 1, "the others find it stored, nothing to change"
    assert [r["changes"] for r in results if not r["stored"]] == [[]] * 5
    async with session_factory() as session:
        created = await repository.application_by_slug(session, "tegelijk")
        assert created is not None
        assert (await repository.categories_of(session, [created.id]))[created.id] == [
            "document-management",
            "workflow-management",
        ]
