"""The journal of a year from the registry's own invoices, credit notes, payments and
refunds: the XAF validates against the official XSD (pyxaf), every transaction balances in
both files, and the receivables at year end equal the open amount of the contribution report."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import pyxaf
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.models import AuditEvent
from registry.auth.roles import Actor, ActorKind, Grant, Role
from registry.billing.credit_notes import credit
from registry.billing.gateway import IntentRef
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import CreditChoice, Invoice, MemberCredit
from registry.billing.payments import record_card_payment, record_transfer
from registry.journal.service import export_journal
from registry.kit.errors import Forbidden, ValidationFailed
from registry.reports.service import prepare
from registry.settings import Settings
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members

__all__ = ["billed", "cooperative", "pool_members"]


async def _invoice(session: AsyncSession, member: str) -> Invoice:
    found = await session.scalar(
        select(Invoice).where(Invoice.member_code == member).order_by(Invoice.id)
    )
    assert found is not None
    return found


async def _a_year_of_books(session: AsyncSession) -> None:
    """Issued invoices; a bank transfer, a card payment with an overpayment, a credit note
    whose remainder is carried and one whose remainder is refunded by bank; the credited
    items invoiced again, one of them paid by the carried credit, one left open."""
    for draft in await run_invoices(session, ACTOR, TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)
    woerden = await _invoice(session, "woerden")
    await record_transfer(session, ACTOR, woerden.id, "1000", TODAY, "NL-BANK-1", TODAY)
    open_cents = woerden.due_cents - woerden.settled_cents
    intent = IntentRef("pi_journal_1", "succeeded", open_cents + 1_234, "eur", None)
    await record_card_payment(session, ACTOR, woerden, intent, TODAY)

    boxtel = await _invoice(session, "gr-meierijstad-noord")
    await record_transfer(
        session, ACTOR, boxtel.id, str(Decimal(boxtel.due_cents) / 100), TODAY, "NL-BANK-2", TODAY
    )
    await credit(
        session,
        ACTOR,
        boxtel.id,
        TODAY,
        SETTINGS,
        reason="Dubbel",
        credit_choice=CreditChoice.CARRY,
    )

    eindhoven = await _invoice(session, "eindhoven")
    await record_transfer(session, ACTOR, eindhoven.id, "500", TODAY, "NL-BANK-3", TODAY)
    note = await credit(
        session,
        ACTOR,
        eindhoven.id,
        TODAY,
        SETTINGS,
        reason="Verkeerd aantal inwoners",
        credit_choice=CreditChoice.REFUND,
    )
    await record_transfer(session, ACTOR, note.id, "500", TODAY, "NL-BANK-REFUND-1", TODAY)
    # The credited items are billed again; Meierijstad's carried credit pays its new invoice.
    for draft in await run_invoices(session, ACTOR, TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)


def _per_transaction_csv(content: bytes) -> dict[tuple[str, str], list[int]]:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def cents(text: str) -> int:
        return int(Decimal(text.replace(",", ".")) * 100) if text else 0

    for row in rows:
        key = (row["Dagboek"], row["Boekstuknummer"])
        sums[key][0] += cents(row["Debet"])
        sums[key][1] += cents(row["Credit"])
    return sums


async def test_the_books_of_a_year_balance_validate_and_agree_with_the_report(
    billed: AsyncSession, tmp_path: Path
) -> None:
    session = billed
    await _a_year_of_books(session)

    xaf = await export_journal(session, ACTOR, 2023, "xaf", SETTINGS, today=TODAY)
    path = tmp_path / xaf.filename
    path.write_bytes(xaf.content)
    report = pyxaf.validate(path, xsd=True)
    assert [f"{f.code} {f.message}" for f in report.errors] == []
    assert report.ok
    with pyxaf.open(path) as auditfile:
        read = list(auditfile.transactions())
        assert str(auditfile.version) == "3.2"
    assert {t.journal_id for t in read} == {"VK", "BNK", "STR", "MEM"}
    assert all(t.balanced for t in read)
    assert len(read) == len(xaf.transactions)

    exported = await export_journal(session, ACTOR, 2023, "csv", SETTINGS, today=TODAY)
    per_transaction = _per_transaction_csv(exported.content)
    assert len(per_transaction) == len(exported.transactions)
    assert all(debit == credit > 0 for debit, credit in per_transaction.values())

    prepared = await prepare(session, ACTOR, 2023)
    receivables = exported.closing["1300"]
    assert receivables == prepared.totals.outstanding_cents
    assert receivables > 0
    # The overpayment and the carried remainder are the members' credit, as the ledger has it.
    ledger = sum((await session.scalars(select(MemberCredit.amount_cents))).all())
    assert -exported.closing["1510"] == ledger > 0
    # What came in by bank, less the refund; what Stripe took.
    assert exported.closing["1100"] == 100_000 + 50_000 - 50_000 + await _due(
        session, "gr-meierijstad-noord"
    )
    woerden = await _invoice(session, "woerden")
    assert exported.closing["1110"] == woerden.due_cents - 100_000 + 1_234

    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "journal"))
    ).all()
    assert [(e.operation, e.entity_id) for e in events] == [("export", "2023"), ("export", "2023")]


async def _due(session: AsyncSession, member: str) -> int:
    return (await _invoice(session, member)).due_cents


async def test_a_year_before_the_books_opens_with_their_balance(billed: AsyncSession) -> None:
    session = billed
    await _a_year_of_books(session)
    next_year = await export_journal(session, ACTOR, 2024, "xaf", SETTINGS, today=TODAY)
    this_year = await export_journal(session, ACTOR, 2023, "csv", SETTINGS, today=TODAY)
    assert next_year.transactions == []
    assert next_year.closing == this_year.closing
    assert b"<openingBalance>" in next_year.content
    assert pyxaf.validate(next_year.content, xsd=True).ok


async def test_who_may_export_the_journal(billed: AsyncSession) -> None:
    session = billed
    auditor = Actor(ActorKind.USER, "Accountant", 2, grants=frozenset({Grant(Role.AUDITOR)}))
    assert (await export_journal(session, auditor, 2023, "csv", SETTINGS, today=TODAY)).content
    member = await _member_id(session, "woerden")
    admin = Actor(
        ActorKind.USER, "Woerden", 3, grants=frozenset({Grant(Role.MEMBER_ADMIN, member)})
    )
    with pytest.raises(Forbidden):
        await export_journal(session, admin, 2023, "csv", SETTINGS, today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        await export_journal(session, auditor, 2023, "pdf", SETTINGS, today=TODAY)
    assert refused.value.errors[0].field == "format"


async def test_a_configured_chart_is_used_and_checked(billed: AsyncSession, tmp_path: Path) -> None:
    from registry.journal.chart import default_chart_text

    session = billed
    await _a_year_of_books(session)
    chart = tmp_path / "chart.toml"
    chart.write_text(
        default_chart_text()
        .replace('"1300"', '"1200"')
        .replace("[accounts.1300]", "[accounts.1200]")
    )
    settings = Settings(cooperative_vat_id="NL001234567B01", journal_chart=chart)
    exported = await export_journal(session, ACTOR, 2023, "csv", settings, today=TODAY)
    assert "1300" not in exported.closing
    assert exported.closing["1200"] > 0
    chart.write_text(default_chart_text().replace('allocation = "8100"\n', ""))
    with pytest.raises(ValidationFailed) as refused:
        await export_journal(session, ACTOR, 2023, "csv", settings, today=TODAY)
    assert "revenue.allocation" in refused.value.errors[0].message


async def _member_id(session: AsyncSession, code: str) -> int:
    from registry.members.models import Member

    found = await session.scalar(select(Member.id).where(Member.code == code))
    assert found is not None
    return found
