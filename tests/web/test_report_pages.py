"""Report pages: who may export, errors at their fields, a job from start to its downloads,
and the 404s of jobs and files that are not there (or not for this person)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from markupsafe import escape
from sqlalchemy import func, select

from registry.app import create_app
from registry.reports.errors import ReportsRefusal
from registry.reports.jobs import ReportJob
from registry.reports.models import ExportStatus, ReportExport
from tests.helpers.jobs import finished_in_app
from tests.helpers.pages import csrf_token_in, dev_settings, log_in_as

YEAR = 2026


@pytest.fixture
async def client(members_db_url: str, tmp_path: Path) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(dev_settings(members_db_url, reports_dir=tmp_path / "reports"))
    async with AsyncTestClient(app=app) as client:
        yield client


async def _stored(client: AsyncTestClient[Any]) -> int | None:
    """How many exports were stored."""
    async with client.app.state.session_factory() as session:
        count: int | None = await session.scalar(select(func.count()).select_from(ReportExport))
        return count


async def _export(client: AsyncTestClient[Any], **fields: Any) -> Any:
    page = await client.get("/rapporten")
    data = {"_csrf_token": csrf_token_in(page.text), "jaar": str(YEAR), **fields}
    return await client.post("/rapporten", data=data, follow_redirects=False)


async def _finished(client: AsyncTestClient[Any], response: Any) -> ReportJob:
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/rapporten/([\w-]+)", response.headers["location"])
    assert found
    return await finished_in_app(client.app, found.group(1))


async def test_the_directie_and_auditors_export_others_do_not(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.get("/rapporten", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen")
    for person in ("wendy-woerden", "bea-beheer"):
        await log_in_as(client, person)
        assert (await client.get("/rapporten")).status_code == 403, person
        assert 'href="/rapporten"' not in (await client.get("/mijn")).text
    for person in ("dirk-directie", "anna-auditor"):
        await log_in_as(client, person)
        page = await client.get("/rapporten")
        assert page.status_code == 200
        html = " ".join(page.text.split())
        assert 'href="/rapporten" aria-current="page"' in html
        assert f'name="jaar" inputmode="numeric" value="{YEAR}"' in html
        for name in ("csv", "xlsx", "pdf", "json"):
            assert f'name="formaat" value="{name}" checked' in html
        assert 'name="decimale_komma" value="1">' in html


async def test_a_member_admin_exports_its_own_member_only(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "wim-woerden")
    page = await client.get("/rapporten")
    assert page.status_code == 200
    assert 'href="/rapporten"' in page.text
    assert '<option value="woerden" selected>woerden</option>' in page.text
    assert (await _export(client, lid="eindhoven", formaat="json")).status_code == 403
    empty = await _export(client, lid="", formaat="json")
    assert empty.status_code == 422
    assert 'href="#rapport-lid"' in empty.text
    assert "Kies het lid waarvan u het rapport wilt." in empty.text
    job = await _finished(client, await _export(client, lid="woerden", formaat="json"))
    assert job.error is None
    (report,) = [p for p in job.files if p.suffix == ".json" and ".manifest" not in p.name]
    assert json.loads(report.read_text())["scope"]["member_code"] == "woerden"


async def test_errors_are_shown_at_their_fields(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    before = await _stored(client)
    cases = (
        ({"jaar": "1800"}, "rapport-jaar-fout"),
        ({"jaar": "twintig"}, "rapport-jaar-fout"),
        ({"lid": "nergenshuizen"}, "rapport-lid-fout"),
        ({"gebeurtenis": "99999999"}, "rapport-gebeurtenis-fout"),
        ({"gebeurtenis": "de laatste"}, "rapport-gebeurtenis-fout"),
        ({"formaat": []}, "rapport-formaten-fout"),
    )
    for fields, error_id in cases:
        response = await _export(client, **{"formaat": ["csv"], **fields})
        assert response.status_code == 422, fields
        assert f'id="{error_id}"' in response.text, fields
        assert f'aria-describedby="{error_id}"' in response.text or (
            f' {error_id}"' in response.text
        ), fields
    response = await _export(client, lid="nergenshuizen", formaat=["csv"], gebeurtenis="7")
    assert 'value="nergenshuizen"' in response.text
    assert 'value="7"' in response.text
    assert 'value="pdf">' in response.text  # unticked, as it was sent
    assert await _stored(client) == before  # nothing stored


async def test_an_export_runs_to_its_downloads(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    job = await _finished(client, await _export(client, formaat=["csv", "json", "pdf", "xlsx"]))
    assert job.status.value == "done", job.error
    page = await client.get(job.url)
    assert page.status_code == 200
    html = page.text
    assert "hx-get" not in html  # done: nothing to poll
    assert "htmx.min.js" in html
    assert job.total is not None
    assert job.total > 0
    assert job.inputs_sha256 is not None
    assert f"{job.total} van {job.total} leden" in html
    assert job.inputs_sha256 in html
    assert f'id="auditgebeurtenis">{job.scope.as_of_seq}<' in html
    types = {
        ".csv": "text/csv; charset=utf-8",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pdf": "application/pdf",
        ".json": "application/json",
    }
    downloads = {}
    for path in job.files:
        assert f'href="{job.url}/{path.name}"' in html
        response = await client.get(f"{job.url}/{path.name}")
        assert response.status_code == 200
        assert response.content == path.read_bytes()
        assert response.headers["content-type"] == types[path.suffix]
        assert response.headers["content-disposition"] == (f'attachment; filename="{path.name}"')
        downloads[path.name] = response.content
    assert job.manifest_name is not None
    assert job.manifest_name.endswith(".manifest.json")
    manifest = json.loads(downloads.pop(job.manifest_name))
    assert manifest["inputs_sha256"] == job.inputs_sha256
    assert manifest["members"] == job.total
    assert manifest["files"] == {n: hashlib.sha256(c).hexdigest() for n, c in downloads.items()}

    partial = await client.get(f"{job.url}/voortgang")
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<section id="voortgang"')
    assert "<html" not in partial.text

    # The directie sees the auditor's export; a member's admin does not.
    await log_in_as(client, "dirk-directie")
    assert (await client.get(job.url)).status_code == 200
    await log_in_as(client, "wim-woerden")
    assert (await client.get(job.url)).status_code == 404
    assert (await client.get(f"{job.url}/{job.files[0].name}")).status_code == 404


async def test_a_running_job_polls_its_progress(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "dirk-directie")
    page = await client.get("/rapporten")
    response = await client.post(
        "/rapporten",
        data={"_csrf_token": csrf_token_in(page.text), "jaar": str(YEAR), "formaat": "json"},
        follow_redirects=False,
    )
    job_id = response.headers["location"].rsplit("/", 1)[1]
    await finished_in_app(client.app, job_id)
    async with client.app.state.session_factory() as session:  # as seen halfway
        row = await session.get(ReportExport, job_id)
        row.status, row.members_done, row.members_total = ExportStatus.RUNNING, 3, 8
        await session.commit()
    html = (await client.get(f"/rapporten/{job_id}/voortgang")).text
    assert f'hx-get="/rapporten/{job_id}/voortgang" hx-trigger="every 1s"' in html
    assert "3 van 8 leden" in html
    assert "Bestanden" not in html


async def test_unknown_jobs_and_files_are_not_found(client: AsyncTestClient[Any]) -> None:
    await log_in_as(client, "anna-auditor")
    job = await _finished(client, await _export(client, formaat=["json"]))
    for path in (
        "/rapporten/onbekend",
        "/rapporten/onbekend/voortgang",
        f"/rapporten/onbekend/{job.files[0].name}",
        f"{job.url}/onbekend.csv",
        f"{job.url}/..%2F..%2Fregistry.sqlite3",
        f"{job.url}/%2E%2E",
    ):
        assert (await client.get(path)).status_code == 404, path


@pytest.mark.parametrize(
    ("lang", "year", "event"),
    [
        ("", "Vul een jaar in, bijvoorbeeld 2026.", "Vul het nummer van een gebeurtenis"),
        ("?lang=en", "a year, e.g. 2026", "an event number"),
    ],
)
async def test_a_refused_export_links_each_field_and_keeps_what_was_typed(
    client: AsyncTestClient[Any], lang: str, year: str, event: str
) -> None:
    from lxml import html as lxml_html

    before = await _stored(client)

    await log_in_as(client, "anna-auditor")
    page = await client.get("/rapporten")
    response = await client.post(
        f"/rapporten{lang}",
        data={
            "_csrf_token": csrf_token_in(page.text),
            "jaar": "twintig",
            "lid": "woerden",
            "gebeurtenis": "de laatste",
            "formaat": ["json", "pdf"],
            "decimale_komma": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    html = lxml_html.fromstring(response.text)
    summary = {a.get("href"): a.text_content() for a in html.xpath('//div[@id="foutmeldingen"]//a')}
    assert set(summary) == {"#rapport-jaar", "#rapport-gebeurtenis"}
    for field, message in (("rapport-jaar", year), ("rapport-gebeurtenis", event)):
        assert message in summary[f"#{field}"]
        assert message in html.get_element_by_id(f"{field}-fout").text_content()
        assert html.get_element_by_id(field).get("aria-invalid") == "true"
    assert html.get_element_by_id("rapport-jaar").get("value") == "twintig"
    assert html.get_element_by_id("rapport-lid").get("value") == "woerden"
    assert html.get_element_by_id("rapport-gebeurtenis").get("value") == "de laatste"
    assert sorted(html.xpath('//input[@name="formaat"][@checked]/@value')) == ["json", "pdf"]
    assert html.get_element_by_id("rapport-decimale-komma").get("checked") is not None
    assert "out_of_range" not in response.text
    assert "asOf" not in response.text
    assert await _stored(client) == before  # nothing started


async def test_the_final_failure_is_stored_and_shown_with_its_reason(
    members_db_url: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # the configuration check wants a folder it can write at start-up
    settings = dev_settings(
        members_db_url,
        reports_dir=blocked,
        job_attempts=3,
        job_retry_seconds=0,
        job_polling_seconds=0.1,
    )
    app = create_app(settings)
    blocked.rmdir()
    blocked.write_text("not a folder")  # then it goes: every attempt to write an export fails
    async with AsyncTestClient(app=app) as client:
        await log_in_as(client, "anna-auditor")
        page = await client.get("/rapporten")
        response = await client.post(
            "/rapporten",
            data={"_csrf_token": csrf_token_in(page.text), "jaar": str(YEAR), "formaat": "json"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        job_id = response.headers["location"].rsplit("/", 1)[1]
        job = await finished_in_app(client.app, job_id)
        assert job.status is ExportStatus.FAILED
        assert job.attempts == 3
        assert job.failure is ReportsRefusal.EXPORT_FAILED  # the cause is in the log only
        assert job.error is not None
        html = (await client.get(job.url)).text
        assert "De export is mislukt na 3 pogingen:" in html
        assert str(escape(job.error)) in html
        assert "not a folder" not in html
        assert "blocked" not in html
        assert "hx-trigger" not in html  # nothing more to wait for
        english = (await client.get(f"{job.url}?lang=en")).text
        assert "The export failed after 3 attempts:" in english
        assert str(escape(ReportsRefusal.EXPORT_FAILED.template("en"))) in english
        assert str(escape(ReportsRefusal.EXPORT_FAILED.template("nl"))) in html
