"""`registry bank import FILE`: a summary of what was read, matched and left waiting; the
same file again records nothing; an unreadable file is refused with its line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.bank.models import BankEntry
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice, InvoiceStatus
from tests.helpers.bankfiles import UNKNOWN_IBAN, Line, euros, mt940
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.cli import invoke

__all__ = ["billed", "cooperative", "pool_members"]


async def test_bank_import_prints_a_summary_and_stores_a_statement_once(
    billed: AsyncSession,
    cli_db: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    drafts = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    woerden = await issue(billed, ACTOR, drafts["woerden"].id, TODAY, SETTINGS)
    await billed.commit()
    statement = tmp_path / "afschrift.sta"
    statement.write_bytes(
        mt940(
            [
                Line(euros(woerden.due_cents), text=f"Factuur {woerden.number}"),
                Line("40.00", party="Onbekend", iban=UNKNOWN_IBAN, text="?"),
            ]
        )
    )
    first = await invoke("bank", "import", str(statement))
    assert first.exit_code == 0, first.output
    assert "2 lines, 2 new: 1 matched, 1 waiting for review" in first.output
    again = await invoke("bank", "import", str(statement))
    assert again.exit_code == 0, again.output
    assert "1 statement(s), 1 imported before" in again.output
    assert "0 new" in again.output
    async with session_factory() as session:
        paid = await session.get(Invoice, woerden.id)
        assert paid is not None
        assert paid.status is InvoiceStatus.PAID
        assert await session.scalar(select(func.count()).select_from(BankEntry)) == 2

    broken = tmp_path / "kapot.xml"
    broken.write_text("<?xml version='1.0'?>\n<Document>\n  <Stmt>\n</Document>\n")
    refused = await invoke("bank", "import", str(broken))
    assert refused.exit_code == 1
    assert "not well-formed at line 4" in refused.output
