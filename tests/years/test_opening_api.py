"""Opening balances through GraphQL: the directie imports them once; every bad line named."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.roles import Role
from registry.members.registration import MemberInput, create_member
from tests.helpers.cooperative import ACTOR
from tests.helpers.graphql import grant, graphql_client

IMPORT = """
mutation Import($csv: String!) {
  openingBalancesImport(csv: $csv) {
    result { invoices credits receivable { amount } credit { amount } }
    errors { field code message }
  }
}
"""
CSV = (
    "member;document;date;due_date;amount;description\n"
    "woerden;VF-2022-0412;2022-11-15;2022-12-15;1.234,56;Contributie 2022\n"
    "woerden;CN-2022-0007;2022-12-20;2022-12-20;-75,00;Tegoed\n"
)


async def test_the_directie_imports_opening_balances_once(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    await create_member(session, ACTOR, MemberInput("woerden", "Gemeente Woerden", "gemeente"))
    await session.commit()
    directie = await grant(session_factory, Role.DIRECTIE)
    async with graphql_client(db_url, user_id=directie) as api:
        bad = (await api.data(IMPORT, {"csv": CSV.replace("2022-12-15", "15-12-2022")}))[
            "openingBalancesImport"
        ]
        assert bad["result"] is None
        assert [(e["field"], e["code"]) for e in bad["errors"]] == [
            ("lines[2].dueDate", "invalid_date")
        ]
        done = (await api.data(IMPORT, {"csv": CSV}))["openingBalancesImport"]
        assert done["errors"] == []
        assert done["result"] == {
            "invoices": 1,
            "credits": 1,
            "receivable": {"amount": "1234.56"},
            "credit": {"amount": "75.00"},
        }
        again = (await api.data(IMPORT, {"csv": CSV}))["openingBalancesImport"]
        assert [e["code"] for e in again["errors"]] == ["opening_balances_imported"]
