"""The contribution report in the API: the same data as the files, who may have which
report, typed errors, and exports whose downloads match their manifest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role, system_actor
from registry.kit.money import to_euro
from registry.reports.errors import ReportsRefusal
from registry.reports.models import ExportStatus, ReportExport
from registry.reports.service import prepare
from tests.helpers.graphql import GraphQLClient, error_messages, grant, graphql_client
from tests.helpers.jobs import finished_in_app

YEAR = 2026
OWN, OTHER = "woerden", "eindhoven"

REPORT = """
query Report($year: Int!, $member: String, $asOf: Int) {
  contributionReport(year: $year, memberCode: $member, asOf: $asOf) {
    report {
      title
      scope { year member auditEvent auditEventHash }
      inputsSha256
      members {
        code
        contribution { amount { amount currency } }
        account { invoiced { amount } outstanding { amount } }
        billable { amount }
      }
      totals {
        contributions { amount } invoiced { amount } paid { amount } outstanding { amount }
        billable { amount } billed { amount } pools { poolCode total { amount } }
      }
      checks { code left { amount } right { amount } holds }
      findings { code memberCode detail }
    }
    errors { field code }
  }
}
"""

EXPORT = """
mutation Export($year: Int!, $member: String, $asOf: Int, $formats: [String!]) {
  contributionReportExport(year: $year, memberCode: $member, asOf: $asOf, formats: $formats) {
    job { id url status }
    errors { field code }
  }
}
"""

JOB = """
query Job($id: ID!) {
  contributionReportExportJob(id: $id) {
    status membersDone membersTotal error inputsSha256
    files { name contentType downloadUrl }
  }
}
"""


@pytest.fixture
async def people(
    demo: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> dict[str, int]:
    return {
        "auditor": await grant(session_factory, Role.AUDITOR),
        "member_admin": await grant(session_factory, Role.MEMBER_ADMIN, OWN),
    }


@pytest.fixture
async def auditor(
    db_url: str, people: dict[str, int], tmp_path: Path
) -> AsyncIterator[GraphQLClient]:
    async with graphql_client(
        db_url, user_id=people["auditor"], reports_dir=tmp_path / "reports", worker_in_process=True
    ) as client:
        yield client


@pytest.fixture
async def member_admin(
    db_url: str, people: dict[str, int], tmp_path: Path
) -> AsyncIterator[GraphQLClient]:
    async with graphql_client(
        db_url,
        user_id=people["member_admin"],
        reports_dir=tmp_path / "reports",
        worker_in_process=True,
    ) as client:
        yield client


def _amount(money: dict[str, Any]) -> Decimal:
    return Decimal(money["amount"])


async def test_the_report_has_the_totals_that_prepare_computes(
    auditor: GraphQLClient, session: AsyncSession
) -> None:
    data = await auditor.data(REPORT, {"year": YEAR})
    payload = data["contributionReport"]
    assert payload["errors"] == []
    report = payload["report"]
    prepared = await prepare(session, system_actor("test"), YEAR)
    totals, header = prepared.totals, prepared.header
    assert report["title"] == "Contributierapport 2026"
    assert report["inputsSha256"] == header.inputs_sha256
    assert report["scope"] == {
        "year": YEAR,
        "member": None,
        "auditEvent": header.scope.as_of_seq,
        "auditEventHash": header.scope.as_of_hash,
    }
    assert len(report["members"]) == header.members > 0
    got = report["totals"]
    for field, cents in (
        ("contributions", totals.contributions_cents),
        ("invoiced", totals.invoiced_cents),
        ("paid", totals.paid_cents),
        ("outstanding", totals.outstanding_cents),
        ("billable", totals.billable_cents),
        ("billed", totals.billed_cents),
    ):
        assert _amount(got[field]) == to_euro(cents), field
    assert {p["poolCode"]: _amount(p["total"]) for p in got["pools"]} == {
        code: to_euro(cents) for code, cents in totals.pool_totals_cents.items()
    }
    assert sum(_amount(m["account"]["invoiced"]) for m in report["members"]) == to_euro(
        totals.invoiced_cents
    )
    assert {c["code"] for c in report["checks"]} >= {"payments", "billed"}
    assert all(c["holds"] == (c["left"] == c["right"]) for c in report["checks"])
    assert [(f["code"], f["memberCode"]) for f in report["findings"]] == [
        (f.code, f.member_code) for f in prepared.findings
    ]


async def test_a_member_admin_has_its_own_report_only(member_admin: GraphQLClient) -> None:
    own = await member_admin.data(REPORT, {"year": YEAR, "member": OWN})
    report = own["contributionReport"]["report"]
    assert [m["code"] for m in report["members"]] == [OWN]
    assert report["scope"]["member"] == OWN
    assert report["title"] == f"Contributierapport 2026 — {OWN}"
    for variables in ({"year": YEAR, "member": OTHER}, {"year": YEAR}):
        body = await member_admin.execute(REPORT, variables)
        assert error_messages(body) == ["not allowed: requires reports:export"]
        body = await member_admin.execute(EXPORT, variables)
        assert error_messages(body) == ["not allowed: requires reports:export"]


async def test_typed_errors(auditor: GraphQLClient) -> None:
    cases = (
        ({"year": 1800}, "year", "out_of_range"),
        ({"year": YEAR, "member": "nergenshuizen"}, "member", "unknown_member"),
        ({"year": YEAR, "asOf": 10_000_000}, "asOf", "unknown_event"),
    )
    for variables, field, code in cases:
        data = await auditor.data(REPORT, variables)
        assert data["contributionReport"] == {
            "report": None,
            "errors": [{"field": field, "code": code}],
        }
        data = await auditor.data(EXPORT, variables)
        assert data["contributionReportExport"]["errors"] == [{"field": field, "code": code}]
    data = await auditor.data(EXPORT, {"year": YEAR, "formats": ["csv", "docx"]})
    assert data["contributionReportExport"] == {
        "job": None,
        "errors": [{"field": "formats", "code": "unknown_format"}],
    }


async def test_an_export_runs_and_its_downloads_match_the_manifest(
    auditor: GraphQLClient, member_admin: GraphQLClient
) -> None:
    started = (await auditor.data(EXPORT, {"year": YEAR, "formats": ["csv", "json"]}))[
        "contributionReportExport"
    ]
    assert started["errors"] == []
    job_id = started["job"]["id"]
    assert started["job"]["url"] == f"/rapporten/{job_id}"
    await finished_in_app(auditor.http.app, job_id)

    found = (await auditor.data(JOB, {"id": job_id}))["contributionReportExportJob"]
    assert found["status"] == "DONE"
    assert found["error"] is None
    assert found["membersDone"] == found["membersTotal"] > 0
    names = [f["name"] for f in found["files"]]
    assert names[-1].endswith(".manifest.json")
    assert sum(name.endswith(".csv") for name in names) == 8
    assert any(name.endswith(".json") and "manifest" not in name for name in names)
    downloads: dict[str, bytes] = {}
    for file in found["files"]:
        assert file["downloadUrl"] == f"/rapporten/{job_id}/{file['name']}"
        response = await auditor.http.get(file["downloadUrl"])
        assert response.status_code == 200, file
        assert response.headers["content-type"] == file["contentType"]
        downloads[file["name"]] = response.content
    manifest = json.loads(downloads.pop(names[-1]))
    assert manifest["inputs_sha256"] == found["inputsSha256"]
    assert manifest["files"] == {
        name: hashlib.sha256(content).hexdigest() for name, content in downloads.items()
    }

    # Another person (here a member's admin) does not see the job, nor its files.
    assert (await member_admin.data(JOB, {"id": job_id}))["contributionReportExportJob"] is None
    assert (await auditor.data(JOB, {"id": "onbekend"}))["contributionReportExportJob"] is None


async def test_a_member_admin_exports_its_own_report(member_admin: GraphQLClient) -> None:
    started = (await member_admin.data(EXPORT, {"year": YEAR, "member": OWN, "formats": ["pdf"]}))[
        "contributionReportExport"
    ]
    job_id = started["job"]["id"]
    await finished_in_app(member_admin.http.app, job_id)
    found = (await member_admin.data(JOB, {"id": job_id}))["contributionReportExportJob"]
    assert found["status"] == "DONE"
    pdf = next(f for f in found["files"] if f["name"].endswith(".pdf"))
    assert f"-{OWN}-" in pdf["name"]
    response = await member_admin.http.get(pdf["downloadUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_a_failed_export_says_why_in_the_callers_language(
    auditor: GraphQLClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session, session.begin():
        session.add(
            ReportExport(
                id="failed-export",
                status=ExportStatus.FAILED,
                year=YEAR,
                as_of_seq=0,
                as_of_hash="0" * 64,
                formats="json",
                language="en",
                attempts=3,
                members_done=0,
                error=ReportsRefusal.EXPORT_FAILED.code,
            )
        )
    said: dict[str, str] = {}
    for language in ("nl", "en"):
        auditor.http.headers["Accept-Language"] = language
        found = (await auditor.data(JOB, {"id": "failed-export"}))["contributionReportExportJob"]
        assert found["status"] == "FAILED"
        said[language] = found["error"]
    assert said == {
        "nl": ReportsRefusal.EXPORT_FAILED.template("nl"),
        "en": ReportsRefusal.EXPORT_FAILED.template("en"),
    }
