"""The journal export on the reports page: for the directie and auditors only, a file that
validates, errors at their fields, and each export in the audit log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pyxaf
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from registry.app import create_app
from registry.audit.models import AuditEvent
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as


@pytest.fixture
async def client(members_db_url: str, tmp_path: Path) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(dev_settings(members_db_url, reports_dir=tmp_path / "reports"))
    async with AsyncTestClient(app=app) as client:
        yield client


async def _exports(client: AsyncTestClient[Any]) -> int:
    async with client.app.state.session_factory() as session:
        count = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == "journal")
        )
        return count or 0


async def _post(client: AsyncTestClient[Any], **fields: str) -> Any:
    page = await client.get("/rapporten")
    data = {"_csrf_token": csrf_token_in(page.text), **fields}
    return await client.post("/rapporten/journaal", data=data, follow_redirects=False)


async def test_the_accountant_downloads_the_journal_of_a_year(
    client: AsyncTestClient[Any], tmp_path: Path
) -> None:
    await log_in_as(client, "anna-auditor")
    page = await client.get("/rapporten")
    assert "Journaalposten voor de accountant" in page.text
    before = await _exports(client)
    response = await _post(client, jaar="2026", formaat="xaf", taal="nl")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"journaal-2026.xaf\"; filename*=UTF-8''journaal-2026.xaf"
    )
    path = tmp_path / "journaal-2026.xaf"
    path.write_bytes(response.content)
    assert pyxaf.validate(path, xsd=True).ok
    csv_file = await _post(client, jaar="2026", formaat="csv", taal="en")
    assert csv_file.status_code == 200
    assert csv_file.content.decode("utf-8-sig").startswith("Date;Journal;Transaction number;")
    assert await _exports(client) == before + 2


async def test_errors_are_shown_at_their_fields_and_what_was_typed_is_kept(
    client: AsyncTestClient[Any],
) -> None:
    await log_in_as(client, "dirk-directie")
    wrong = await _post(client, jaar="twintig", formaat="xaf")
    assert wrong.status_code == 422
    assert 'href="#journaal-jaar"' in wrong.text
    assert 'value="twintig"' in wrong.text
    unknown = await _post(client, jaar="2026", formaat="pdf")
    assert unknown.status_code == 422
    assert 'href="#journaal-formaat"' in unknown.text
    assert "Kies een van deze formaten: csv, xaf." in unknown.text


async def test_others_do_not_see_or_export_the_journal(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    page = await client.get("/rapporten")
    assert page.status_code == 200
    assert "Journaalposten" not in page.text
    data = {"_csrf_token": csrf_token_in(page.text), "jaar": "2026", "formaat": "csv"}
    refused = await client.post("/rapporten/journaal", data=data, follow_redirects=False)
    assert refused.status_code == 403
