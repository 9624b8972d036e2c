"""Opening balances in the journal: the open invoices and credit balances of the previous
bookkeeping are memorial entries against the tussenrekening beginbalans; a payment of an
opening invoice and the use of an opening credit are booked as any other; both files are
written, the XAF validates, every entry balances and the receivables are what is open."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyxaf
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import Invoice, InvoiceStatus, MemberCredit
from registry.billing.opening_balances import import_opening_balances
from registry.billing.payments import record_transfer
from registry.fees.service import run_fees
from registry.journal.formats import XAF_NAMESPACE
from registry.journal.service import export_journal
from registry.reports.service import prepare
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, configure_billing
from tests.helpers.pools import cooperative, pool_members

__all__ = ["cooperative", "pool_members"]

OPENING = (
    b"member;document;date;due_date;amount;description\n"
    b"woerden;VF-2022-0412;2022-11-15;2022-12-15;1.234,56;Contributie 2022, tweede termijn\n"
    b"gr-meierijstad-noord;VF-2022-0433;2022-12-01;2022-12-31;500;Bijdrage project\n"
    b"woerden;CN-2022-0007;2022-12-20;2022-12-20;-75,00;Tegoed uit creditnota\n"
)
IMPORTED = datetime(2023, 1, 10, 9, 30, tzinfo=UTC)
"""When the import happened in this story (the registry's first weeks, in 2023)."""
RECEIVABLES, MEMBER_CREDIT, SUSPENSE, BANK = "1300", "1510", "2010", "1100"


async def _books_opened_with_balances(session: AsyncSession) -> None:
    result = await import_opening_balances(session, ACTOR, OPENING)
    assert (result.receivable_cents, result.credit_cents) == (173_456, 7_500)
    await session.execute(update(MemberCredit).values(recorded_at=IMPORTED))
    # One opening invoice paid by bank, in full.
    boxtel = await session.scalar(select(Invoice).where(Invoice.number == "VF-2022-0433"))
    assert boxtel is not None
    await record_transfer(session, ACTOR, boxtel.id, "500", date(2023, 2, 1), "NL-OB-1", TODAY)
    # The registry's first invoices; Woerden's deducts its opening credit.
    await configure_billing(session)
    await run_fees(session, ACTOR, 2020)
    for draft in await run_invoices(session, ACTOR, TODAY):
        await issue(session, ACTOR, draft.id, TODAY, SETTINGS)


def _opening_lines(content: bytes) -> list[tuple[str, str, str]]:
    root = etree.fromstring(content)
    space = {"x": XAF_NAMESPACE}
    return [
        (
            line.findtext("x:accID", namespaces=space) or "",
            line.findtext("x:amnt", namespaces=space) or "",
            line.findtext("x:amntTp", namespaces=space) or "",
        )
        for line in root.iterfind(".//x:openingBalance/x:obLine", space)
    ]


def _csv_sums(content: bytes) -> dict[tuple[str, str], list[int]]:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"):
        key = (row["Dagboek"], row["Boekstuknummer"])
        for n, column in enumerate(("Debet", "Credit")):
            if row[column]:
                sums[key][n] += int(Decimal(row[column].replace(".", "").replace(",", ".")) * 100)
    return sums


async def test_opening_balances_are_booked_settled_and_exported(
    pool_members: AsyncSession, tmp_path: Path
) -> None:
    session = pool_members
    await _books_opened_with_balances(session)
    woerden_first = await session.scalar(
        select(Invoice)
        .where(Invoice.member_code == "woerden", Invoice.opening_balance.is_(False))
        .order_by(Invoice.id)
    )
    assert woerden_first is not None
    assert woerden_first.prepaid_cents == 7_500

    # 2022: the open invoices of the previous bookkeeping, nothing else.
    before = await export_journal(session, ACTOR, 2022, "xaf", SETTINGS, today=TODAY)
    assert [(t.journal.value, t.number, t.on) for t in before.transactions] == [
        ("MEM", "opening-VF-2022-0412", date(2022, 11, 15)),
        ("MEM", "opening-VF-2022-0433", date(2022, 12, 1)),
    ]
    assert dict(before.closing) == {RECEIVABLES: 173_456, SUSPENSE: -173_456}
    assert pyxaf.validate(before.content, xsd=True).ok

    # 2023: opens with those balances; the credit balance on 1 January, before it is used.
    xaf = await export_journal(session, ACTOR, 2023, "xaf", SETTINGS, today=TODAY)
    path = tmp_path / xaf.filename
    path.write_bytes(xaf.content)
    report = pyxaf.validate(path, xsd=True)
    assert [f"{f.code} {f.message}" for f in report.errors] == []
    with pyxaf.open(path) as auditfile:
        read = list(auditfile.transactions())
    assert len(read) == len(xaf.transactions)
    assert all(t.balanced for t in read)
    first = xaf.transactions[0]
    assert (first.journal.value, first.number, first.on) == (
        "MEM",
        "opening-credit-1",
        date(2023, 1, 1),
    )
    assert [(line.account, line.debit_cents, line.credit_cents) for line in first.lines] == [
        (SUSPENSE, 7_500, 0),
        (MEMBER_CREDIT, 0, 7_500),
    ]
    assert _opening_lines(xaf.content) == [
        (RECEIVABLES, "1734.56", "D"),
        (SUSPENSE, "1734.56", "C"),
    ]

    exported = await export_journal(session, ACTOR, 2023, "csv", SETTINGS, today=TODAY)
    sums = _csv_sums(exported.content)
    assert len(sums) == len(exported.transactions)
    assert all(debit == credit > 0 for debit, credit in sums.values())
    assert sums[("MEM", "opening-credit-1")] == [7_500, 7_500]
    assert all(t.balanced for t in exported.transactions)

    closing = exported.closing
    # Receivables at year end are exactly what is still open, opening invoices included:
    # Woerden's 1,234.56 of the previous bookkeeping and the registry's own invoices.
    issued = (
        await session.scalars(select(Invoice).where(Invoice.status != InvoiceStatus.DRAFT))
    ).all()
    still_open = sum(i.due_cents - i.settled_cents for i in issued)
    assert closing[RECEIVABLES] == still_open
    reports = [await prepare(session, ACTOR, year) for year in (2022, 2023)]
    assert closing[RECEIVABLES] == sum(r.totals.outstanding_cents for r in reports)
    assert closing[RECEIVABLES] > 123_456
    # The opening credit is used up, so the members' credit account is back at zero.
    assert sum((await session.scalars(select(MemberCredit.amount_cents))).all()) == 0
    assert closing.get(MEMBER_CREDIT, 0) == 0
    # The suspense account keeps the net amount the import brought in (1,734.56 open
    # invoices less 75.00 credit) as a credit balance; payments and use do not touch it.
    assert closing[SUSPENSE] == -(173_456 - 7_500)
    assert closing[BANK] == 50_000
    assert sum(closing.values()) == 0
