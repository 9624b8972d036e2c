"""The journal export through GraphQL, for the accountant (auditor role) and the directie:
on the demo's books, the XAF validates, every entry balances, and the receivables at the end
of the year are the open amount of the year's contribution report."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
import pyxaf
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.auth.roles import Role
from registry.billing.models import Settlement
from tests.helpers.graphql import GraphQLClient, grant, graphql_client

EXPORT = """
mutation($year: Int!, $format: String!, $language: String) {
  journalExport(year: $year, format: $format, language: $language) {
    export {
      filename mediaType content sha256
      transactions { journal number date document member
                     lines { account accountName debit { amount } credit { amount } } }
      closingBalances { account accountName balance { amount } }
    }
    errors { field code message }
  }
}
"""
REPORT = """
query($year: Int!) {
  contributionReport(year: $year) { report { totals { outstanding { amount } } } }
}
"""


@pytest.fixture
async def accountant(
    demo: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[GraphQLClient]:
    user_id = await grant(session_factory, Role.AUDITOR)
    async with graphql_client(db_url, dev_mode=False, user_id=user_id) as client:
        yield client


async def test_the_accountant_exports_a_year_that_balances_and_agrees_with_the_report(
    accountant: GraphQLClient, session: AsyncSession
) -> None:
    data = await accountant.data(EXPORT, {"year": 2026, "format": "xaf"})
    payload = data["journalExport"]
    assert payload["errors"] == []
    export = payload["export"]
    assert export["filename"] == "journaal-2026.xaf"
    report = pyxaf.validate(export["content"].encode(), xsd=True)
    assert [f.message for f in report.errors] == []

    transactions = export["transactions"]
    assert {t["journal"] for t in transactions} == {"VK", "BNK"}
    for t in transactions:
        debit = sum(Decimal(line["debit"]["amount"]) for line in t["lines"])
        credit = sum(Decimal(line["credit"]["amount"]) for line in t["lines"])
        assert debit == credit > 0, t

    balances = {b["account"]: Decimal(b["balance"]["amount"]) for b in export["closingBalances"]}
    totals = (await accountant.data(REPORT, {"year": 2026}))["contributionReport"]["report"]
    # The report counts every settlement known now; the books at 31 December only those
    # dated in the year. The demo has one of 2027 (Tilburg's part payment of € 10.000).
    later = await session.scalar(
        select(func.sum(Settlement.amount_cents)).where(Settlement.settled_on > date(2026, 12, 31))
    )
    assert later == 1_000_000
    outstanding = Decimal(totals["totals"]["outstanding"]["amount"])
    assert balances["1300"] - Decimal(later).scaleb(-2) == outstanding > 0
    names = {b["account"]: b["accountName"] for b in export["closingBalances"]}
    assert names["1300"] == "Debiteuren"

    english = await accountant.data(EXPORT, {"year": 2026, "format": "csv", "language": "en"})
    content = english["journalExport"]["export"]["content"]
    assert content.startswith("Date;Journal;Transaction number;Account;Account name;")
    events = (
        await session.scalars(select(AuditEvent.after).where(AuditEvent.entity_type == "journal"))
    ).all()
    assert [json.loads(e)["format"] for e in events] == ["xaf", "csv"]


async def test_refusals_are_typed(accountant: GraphQLClient) -> None:
    data = await accountant.data(EXPORT, {"year": 2026, "format": "pdf"})
    assert data["journalExport"]["errors"] == [
        {
            "field": "format",
            "code": "unknown_format",
            "message": "choose one of these formats: csv, xaf",
        }
    ]
    data = await accountant.data(EXPORT, {"year": 1999, "format": "csv"})
    assert [e["code"] for e in data["journalExport"]["errors"]] == ["year_out_of_range"]
