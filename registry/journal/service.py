"""The journal of a year: read the issued documents and their settlements, build the
entries (registry.journal.entries), write CSV or XAF in a worker thread, audit the export.

Services flush, never commit."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import record
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    MemberCredit,
    Settlement,
    SettlementKind,
)
from registry.billing.opening_balances import CREDIT_REASON
from registry.billing.payments import overpaid_reference
from registry.journal.chart import Chart, default_chart_text, parse_chart
from registry.journal.entries import (
    Document,
    DocumentLine,
    OpeningCredit,
    Overpayment,
    Payment,
    Transaction,
    balances,
    journal,
    unbalanced,
)
from registry.journal.errors import JournalRefusal
from registry.journal.formats import FORMATS, Company, YearJournal, write_csv, write_xaf
from registry.kit.errors import ValidationFailed
from registry.kit.language import Language
from registry.members.models import Member
from registry.settings import Settings

FIRST_YEAR, LAST_YEAR = 2000, 2100
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "xaf": "application/xml"}


def chart_of(settings: Settings) -> Chart:
    """The configured chart (REGISTRY_JOURNAL_CHART) or the shipped default, validated."""
    path = settings.journal_chart
    return parse_chart(path.read_text("utf-8") if path else default_chart_text())


def check_request(actor: Actor, year: int, export_format: str) -> None:
    require(actor, Permission.JOURNAL_EXPORT, JournalRefusal.EXPORT_FORBIDDEN)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed.single("year", JournalRefusal.YEAR_OUT_OF_RANGE)
    if export_format not in FORMATS:
        raise ValidationFailed.single(
            "format", JournalRefusal.UNKNOWN_FORMAT, formats=", ".join(FORMATS)
        )


async def _documents(session: AsyncSession, until: date) -> list[Document]:
    rows = (
        await session.scalars(
            select(Invoice)
            .where(Invoice.status != InvoiceStatus.DRAFT, Invoice.issue_date <= until)
            .order_by(Invoice.id)
        )
    ).all()
    lines: dict[int, list[DocumentLine]] = {}
    found = await session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(select(Invoice.id).where(Invoice.issue_date <= until)))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.line_no)
    )
    for line in found:
        lines.setdefault(line.invoice_id, []).append(
            DocumentLine(
                line.category, line.net_cents, line.vat_code, line.vat_rate, line.exemption_reason
            )
        )
    return [
        Document(
            id=row.id,
            number=row.number or "",
            kind=row.kind,
            member_code=row.member_code,
            issue_date=row.issue_date or until,
            lines=tuple(lines.get(row.id, ())),
            prepaid_cents=row.prepaid_cents,
            due_cents=row.due_cents,
            opening_balance=row.opening_balance,
        )
        for row in rows
    ]


async def _payments(session: AsyncSession, until: date) -> list[Payment]:
    rows = await session.execute(
        select(Settlement, Invoice.number, Invoice.member_code)
        .join(Invoice, Invoice.id == Settlement.invoice_id)
        .where(Settlement.settled_on <= until)
        .order_by(Settlement.id)
    )
    return [
        Payment(s.id, number or "", code, s.kind, s.amount_cents, s.settled_on, s.reference)
        for s, number, code in rows.all()
    ]


async def _overpayments(session: AsyncSession, until: date) -> list[Overpayment]:
    """Card money beyond what was open, dated as the card payment of the same PaymentIntent
    (the day the credit was recorded when none of it settled the invoice)."""
    rows = await session.execute(
        select(MemberCredit, Invoice.number, Invoice.member_code)
        .join(Invoice, Invoice.id == MemberCredit.invoice_id)
        .where(MemberCredit.reason.like(overpaid_reference("%")), MemberCredit.amount_cents > 0)
        .order_by(MemberCredit.id)
    )
    card_days = dict(
        (
            await session.execute(
                select(Settlement.reference, Settlement.settled_on).where(
                    Settlement.kind == SettlementKind.STRIPE
                )
            )
        ).all()
    )
    found = []
    for credit, number, code in rows.all():
        reference = (credit.reason or "").removeprefix(overpaid_reference(""))
        on = card_days.get(reference, credit.recorded_at.date())
        if on <= until:
            found.append(
                Overpayment(credit.id, number or "", code, credit.amount_cents, on, reference)
            )
    return found


async def _opening_credits(session: AsyncSession, until: date) -> list[OpeningCredit]:
    """Credit balances of the previous bookkeeping, dated 1 January of the year they were
    imported: the import comes before the first invoice, so every invoice that deducts such
    credit is dated in that year or later, and the credit is in the books before it is used
    (the credit line of the import file has a date, but the credit ledger keeps only when it
    was recorded)."""
    rows = await session.execute(
        select(MemberCredit, Member.code)
        .join(Member, Member.id == MemberCredit.member_id)
        .where(MemberCredit.reason == CREDIT_REASON, MemberCredit.amount_cents > 0)
        .order_by(MemberCredit.id)
    )
    found = []
    for credit, code in rows.all():
        on = date(credit.recorded_at.year, 1, 1)
        if on <= until:
            found.append(OpeningCredit(credit.id, code, credit.amount_cents, on))
    return found


async def year_journal(
    session: AsyncSession,
    actor: Actor,
    year: int,
    settings: Settings,
    language: Language = "nl",
) -> YearJournal:
    """The entries dated in `year`, the balances before it (opening) and at its end."""
    check_request(actor, year, "csv")
    chart = chart_of(settings)
    start, end = date(year, 1, 1), date(year, 12, 31)
    documents = await _documents(session, end)
    payments = await _payments(session, end)
    overpayments = await _overpayments(session, end)
    opening_credits = await _opening_credits(session, end)
    names = dict((await session.execute(select(Member.code, Member.name))).all())
    entries = await asyncio.to_thread(
        journal, documents, payments, overpayments, chart, language, opening_credits
    )
    wrong = unbalanced(entries)
    if wrong:  # the documents' own totals disagree with their lines: never export that
        raise RuntimeError(f"unbalanced journal entries: {[t.number for t in wrong]}")
    before = [t for t in entries if t.on < start]
    during = [t for t in entries if t.on >= start]
    return YearJournal(
        year=year,
        chart=chart,
        company=Company(
            name=settings.cooperative_name,
            kvk=settings.cooperative_kvk,
            vat_id=settings.cooperative_vat_id or "",
            street=settings.cooperative_street,
            postal_code=settings.cooperative_postal_code,
            city=settings.cooperative_city,
        ),
        members=names,
        opening=balances(before),
        transactions=during,
        closing=balances(entries),
        language=language,
    )


@dataclass(frozen=True)
class ExportedJournal:
    content: bytes
    filename: str
    media_type: str
    transactions: list[Transaction]
    closing: Mapping[str, int]
    chart: Chart


async def export_journal(
    session: AsyncSession,
    actor: Actor,
    year: int,
    export_format: str,
    settings: Settings,
    *,
    today: date,
    language: Language = "nl",
) -> ExportedJournal:
    """The year's journal as CSV or XAF bytes; the export is recorded in the audit log."""
    check_request(actor, year, export_format)
    data = await year_journal(session, actor, year, settings, language)
    writer = write_csv if export_format == "csv" else write_xaf
    content = await asyncio.to_thread(writer, data, today)
    await record(
        session,
        actor,
        operation="export",
        entity_type="journal",
        entity_id=str(year),
        before=None,
        after={
            "year": year,
            "format": export_format,
            "transactions": len(data.transactions),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    await session.flush()
    return ExportedJournal(
        content=content,
        filename=f"journaal-{year}.{export_format}",
        media_type=MEDIA_TYPES[export_format],
        transactions=data.transactions,
        closing=data.closing,
        chart=data.chart,
    )


async def write_export(exported: ExportedJournal, output: Path) -> None:
    await asyncio.to_thread(output.write_bytes, exported.content)
