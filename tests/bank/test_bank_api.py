"""Bank statements through GraphQL: import as base64, the queue, matching a waiting line."""

from __future__ import annotations

import base64

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.billing.invoicing import issue, run_invoices
from tests.helpers.bankfiles import UNKNOWN_IBAN, Line, camt053, euros
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.graphql import grant, graphql_client

__all__ = ["billed", "cooperative", "pool_members"]

IMPORT = """mutation($content: String!) { bankStatementImport(content: $content) {
  result { statements alreadyImported lines newLines matched waiting }
  errors { field code message } } }"""
QUEUE = "{ bankQueue { id amount { amount } waitReason counterpartyIban } }"
MATCH = """mutation($id: Int!, $number: String!) {
  bankEntryMatch(entryId: $id, invoiceNumber: $number) {
    entry { state settled { invoiceNumber amount { amount } } } errors { field code } } }"""


async def test_import_match_and_read_back_through_the_api(
    billed: AsyncSession, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    drafts = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    woerden = await issue(billed, ACTOR, drafts["woerden"].id, TODAY, SETTINGS)
    eindhoven = await issue(billed, ACTOR, drafts["eindhoven"].id, TODAY, SETTINGS)
    await billed.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    data = camt053(
        [
            Line(euros(woerden.due_cents), text=f"Factuur {woerden.number}", reference="B-1"),
            Line(euros(eindhoven.due_cents), party="Eindhoven", iban=UNKNOWN_IBAN, text="?"),
        ],
        version="08",
    )
    content = base64.b64encode(data).decode()
    async with graphql_client(db_url, user_id=directie) as api:
        bad = await api.data(IMPORT, {"content": "not base64!"})
        assert [e["code"] for e in bad["bankStatementImport"]["errors"]] == ["not_base64"]
        done = await api.data(IMPORT, {"content": content})
        assert done["bankStatementImport"]["result"] == {
            "statements": 1,
            "alreadyImported": 0,
            "lines": 2,
            "newLines": 2,
            "matched": 1,
            "waiting": 1,
        }
        again = await api.data(IMPORT, {"content": content})
        assert again["bankStatementImport"]["result"]["alreadyImported"] == 1
        (waiting,) = (await api.data(QUEUE))["bankQueue"]
        assert waiting["waitReason"] == "NO_MATCH"
        assert waiting["counterpartyIban"] == UNKNOWN_IBAN
        wrong = await api.data(MATCH, {"id": waiting["id"], "number": woerden.number})
        errors = wrong["bankEntryMatch"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("parts[0].amount", "invalid_amount")]
        matched = await api.data(MATCH, {"id": waiting["id"], "number": eindhoven.number})
        assert matched["bankEntryMatch"]["entry"]["state"] == "MATCHED"
        assert matched["bankEntryMatch"]["entry"]["settled"] == [
            {"invoiceNumber": eindhoven.number, "amount": {"amount": euros(eindhoven.due_cents)}}
        ]
        twice = await api.data(MATCH, {"id": waiting["id"], "number": eindhoven.number})
        assert [e["code"] for e in twice["bankEntryMatch"]["errors"]] == ["already_resolved"]
        assert (await api.data(QUEUE))["bankQueue"] == []
        statements = await api.data("{ bankStatements { fileFormat reference entries { state } } }")
        assert statements["bankStatements"] == [
            {
                "fileFormat": "camt.053.001.08",
                "reference": "STMT-2023-07-01/126",
                "entries": [{"state": "MATCHED"}, {"state": "MATCHED"}],
            }
        ]
