"""Auditors download the audit log from the web; others cannot."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.export import ExportFormat, write_events
from registry.audit.service import stream_events
from registry.auth.roles import Role
from tests.audit.conftest import seed
from tests.helpers.graphql import grant, graphql_client


@pytest.mark.parametrize("export_format", list(ExportFormat))
async def test_auditor_downloads_the_same_bytes_as_the_command(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], export_format: ExportFormat
) -> None:
    await seed(session_factory, 3)
    expected = io.StringIO()
    async with session_factory() as session:
        assert await write_events(stream_events(session), expected, export_format) == 3
    auditor = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, user_id=auditor) as client:
        response = await client.http.get(f"/audit/export/{export_format.value}")
    assert response.status_code == 200
    assert response.text == expected.getvalue()
    assert "attachment" in response.headers["content-disposition"]


async def test_others_may_not_download_the_log(
    db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await seed(session_factory, 1)
    directie = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(db_url, user_id=directie) as client:
        refused = await client.http.get("/audit/export/csv")
        assert refused.status_code == 403
        assert "seq,id" not in refused.text
    async with graphql_client(db_url) as anonymous:
        redirected = await anonymous.http.get("/audit/export/csv", follow_redirects=False)
        assert redirected.status_code == 303
        assert redirected.headers["location"].startswith("/inloggen?volgende=")
