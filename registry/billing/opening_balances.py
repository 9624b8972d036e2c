"""Opening balances (beginbalans): what members owed and were owed in the cooperative's
previous bookkeeping, imported once before the registry's first run.

The smallest honest model: an open invoice of the old bookkeeping becomes an issued `Invoice`
marked `opening_balance`, with its old document number, date and due date, no lines (the
registry did not compute it) and its amount as net, gross and due; so it is paid by a bank
transfer and chased by the reminders like any invoice, and it is told apart wherever it is
shown. A credit balance (a negative amount) becomes carried credit in the member's credit
ledger (`MemberCredit`), which the member's next invoice deducts, as a credit note's carried
remainder would be.

The import is refused as soon as any fee run, allocation run or invoice exists (the opening
balances come first), and when opening balances were imported before. Every line is checked
and every broken rule is named with its line and field at once.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import Change, record_many
from registry.audit.snapshot import snapshot
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.billing.document import DocumentKind, Party
from registry.billing.models import BillingAccount, Invoice, InvoiceStatus, MemberCredit
from registry.billing.operations import audit_invoice
from registry.costs.models import AllocationRun
from registry.db import serialise
from registry.fees.models import FeeRun
from registry.kit.errors import (
    ErrorCollector,
    Refusal,
    RefusedValue,
    Text,
    ValidationFailed,
)
from registry.kit.money import parse_euro, to_cents
from registry.members.repository import members_by_codes
from registry.years.service import refuse_closed

COLUMNS = ("member", "document", "date", "due_date", "amount", "description")
MAX_LINES = 10_000
MAX_BYTES = 2_000_000
CREDIT_REASON = "opening balance"


class OpeningBalanceRefusal(Refusal):
    """What the import of opening balances refuses, with the texts people read."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie importeert de beginbalans.",
        "only the management imports the opening balances",
    )
    ALREADY_IMPORTED = Text(
        "opening_balances_imported",
        "De beginbalans is al geïmporteerd; dat gebeurt één keer.",
        "the opening balances were imported already; that happens once",
    )
    AFTER_FIRST_RUN = Text(
        "opening_balances_too_late",
        "De beginbalans wordt geïmporteerd vóór de eerste run of factuur; die zijn er al.",
        "opening balances are imported before the first run or invoice; there are some already",
    )
    FILE_TOO_LARGE = Text(
        "too_large",
        "Het bestand is te groot: ten hoogste {limit} regels en 2 MB.",
        "the file is too large: at most {limit} lines and 2 MB",
    )
    COLUMNS_MISSING = Text(
        "columns_missing",
        "De kopregel moet deze kolommen hebben: {columns}.",
        "the header must have these columns: {columns}",
    )
    NO_LINES = Text("required", "Het bestand bevat geen regels.", "the file has no lines")
    UNREADABLE = Text(
        "invalid_csv",
        "Regel {line} is geen geldige CSV-regel.",
        "line {line} is not a valid CSV line",
    )
    REQUIRED = Text("required", "Regel {line}: vul dit in.", "line {line}: this is required")
    UNKNOWN_MEMBER = Text(
        "unknown_member",
        "Regel {line}: er is geen lid met de code '{member}'.",
        "line {line}: there is no member with the code '{member}'",
    )
    INVALID_DATE = Text(
        "invalid_date",
        "Regel {line}: '{value}' is geen datum (JJJJ-MM-DD).",
        "line {line}: '{value}' is not a date (YYYY-MM-DD)",
    )
    DUE_BEFORE_DATE = Text(
        "due_before_date",
        "Regel {line}: de vervaldatum ligt vóór de documentdatum.",
        "line {line}: the due date is before the document date",
    )
    INVALID_AMOUNT = Text(
        "invalid_amount",
        "Regel {line}: ongeldig bedrag: {reason}",
        "line {line}: amount: {reason}",
    )
    ZERO_AMOUNT = Text(
        "zero_amount",
        "Regel {line}: een bedrag van nul is geen openstaande post.",
        "line {line}: an amount of zero is no open item",
    )
    DUPLICATE_DOCUMENT = Text(
        "duplicate_document",
        "Regel {line}: documentnummer {document} komt al voor (regel {first}).",
        "line {line}: document number {document} appears already (line {first})",
    )
    DOCUMENT_EXISTS = Text(
        "document_exists",
        "Regel {line}: documentnummer {document} bestaat al in het register.",
        "line {line}: document number {document} already exists in the registry",
    )


@dataclass(frozen=True, slots=True)
class OpeningLine:
    """One open item of the previous bookkeeping, as read from the file."""

    line: int
    member: str
    document: str
    dated: date
    due: date
    amount_cents: int
    description: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    invoices: int
    credits: int
    receivable_cents: int
    credit_cents: int


def _date(text: str, line: int, field: str, errors: ErrorCollector) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        if text:
            errors.add(field, OpeningBalanceRefusal.INVALID_DATE, line=str(line), value=text)
        else:
            errors.add(field, OpeningBalanceRefusal.REQUIRED, line=str(line))
        return None


def parse_opening_balances(content: bytes) -> list[OpeningLine]:
    """Read `member,document,date,due_date,amount,description` (comma or semicolon, UTF-8).

    Every broken rule is named as `lines[N].field`, N being the line number in the file
    (the header is line 1). Amounts are euros (Dutch or plain notation); negative is credit.
    """
    if len(content) > MAX_BYTES:
        raise ValidationFailed.single(
            "file", OpeningBalanceRefusal.FILE_TOO_LARGE, limit=str(MAX_LINES)
        )
    text = content.decode("utf-8-sig", errors="replace")
    rows = text.splitlines()
    if len(rows) > MAX_LINES + 1:
        raise ValidationFailed.single(
            "file", OpeningBalanceRefusal.FILE_TOO_LARGE, limit=str(MAX_LINES)
        )
    header_text = rows[0] if rows else ""
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = [h.strip().lower() for h in header_text.split(delimiter)]
    if any(c not in header for c in COLUMNS):
        raise ValidationFailed.single(
            "file", OpeningBalanceRefusal.COLUMNS_MISSING, columns=", ".join(COLUMNS)
        )
    errors = ErrorCollector()
    found: list[OpeningLine] = []
    first_of: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row.strip():
            continue
        where = f"lines[{number}]"
        try:
            cells = next(csv.reader(io.StringIO(row), delimiter=delimiter, strict=True))
        except csv.Error:
            errors.add(where, OpeningBalanceRefusal.UNREADABLE, line=str(number))
            continue
        values = {
            c: (cells[header.index(c)] if header.index(c) < len(cells) else "").strip()
            for c in COLUMNS
        }
        line = str(number)
        for column in ("member", "document", "description"):
            if not values[column]:
                errors.add(f"{where}.{column}", OpeningBalanceRefusal.REQUIRED, line=line)
        dated = _date(values["date"], number, f"{where}.date", errors)
        due = _date(values["due_date"], number, f"{where}.dueDate", errors)
        if dated and due and due < dated:
            errors.add(f"{where}.dueDate", OpeningBalanceRefusal.DUE_BEFORE_DATE, line=line)
        cents: int | None = None
        try:
            cents = int(to_cents(parse_euro(values["amount"])))
        except RefusedValue as exc:
            errors.add(
                f"{where}.amount",
                OpeningBalanceRefusal.INVALID_AMOUNT,
                line=line,
                reason=exc.phrase,
            )
        if cents == 0:
            errors.add(f"{where}.amount", OpeningBalanceRefusal.ZERO_AMOUNT, line=line)
        document = values["document"]
        if document and document in first_of:
            errors.add(
                f"{where}.document",
                OpeningBalanceRefusal.DUPLICATE_DOCUMENT,
                line=line,
                document=document,
                first=str(first_of[document]),
            )
        elif document:
            first_of[document] = number
        if (
            dated
            and due
            and cents
            and all(values[c] for c in ("member", "document", "description"))
        ):
            found.append(
                OpeningLine(
                    number, values["member"], document, dated, due, cents, values["description"]
                )
            )
    if not rows[1:] or (not found and not errors.errors):
        errors.add("file", OpeningBalanceRefusal.NO_LINES)
    errors.raise_if_any()
    return found


async def _refuse_when_not_first(session: AsyncSession) -> None:
    imported = await session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.opening_balance.is_(True))
    )
    credits = await session.scalar(
        select(func.count()).select_from(MemberCredit).where(MemberCredit.reason == CREDIT_REASON)
    )
    if imported or credits:
        raise ValidationFailed.single("file", OpeningBalanceRefusal.ALREADY_IMPORTED)
    for model in (FeeRun, AllocationRun, Invoice):
        if await session.scalar(select(func.count()).select_from(model)):
            raise ValidationFailed.single("file", OpeningBalanceRefusal.AFTER_FIRST_RUN)


async def import_opening_balances(
    session: AsyncSession, actor: Actor, content: bytes
) -> ImportResult:
    """Store the opening balances of a CSV file, all or nothing; audited per document."""
    require(actor, Permission.BILLING_MANAGE, OpeningBalanceRefusal.DIRECTIE_ONLY)
    await serialise(session, "opening_balances")
    lines = parse_opening_balances(content)
    await refuse_closed(session, {f"lines[{line.line}].date": line.dated for line in lines})
    await _refuse_when_not_first(session)
    by_code = await members_by_codes(session, sorted({line.member for line in lines}))
    existing = set(
        (
            await session.scalars(
                select(Invoice.number).where(
                    or_(*(Invoice.number == line.document for line in lines))
                )
            )
        ).all()
    )
    errors = ErrorCollector()
    for line in lines:
        if line.member not in by_code:
            errors.add(
                f"lines[{line.line}].member",
                OpeningBalanceRefusal.UNKNOWN_MEMBER,
                line=str(line.line),
                member=line.member,
            )
        if line.document in existing:
            errors.add(
                f"lines[{line.line}].document",
                OpeningBalanceRefusal.DOCUMENT_EXISTS,
                line=str(line.line),
                document=line.document,
            )
    errors.raise_if_any()
    accounts = {
        a.member_id: a
        for a in (
            await session.scalars(
                select(BillingAccount).where(
                    BillingAccount.member_id.in_([m.id for m in by_code.values()])
                )
            )
        ).all()
    }
    invoices: list[Invoice] = []
    credits: list[MemberCredit] = []
    for line in lines:
        member = by_code[line.member]
        if line.amount_cents < 0:
            credits.append(
                MemberCredit(
                    member_id=member.id, amount_cents=-line.amount_cents, reason=CREDIT_REASON
                )
            )
            continue
        account = accounts.get(member.id)
        customer = Party(
            name=member.name,
            street=account.street if account else "",
            postal_code=account.postal_code if account else "",
            city=account.city if account else "",
            oin=member.oin,
            kvk=member.kvk,
            email=account.email if account else None,
        )
        invoices.append(
            Invoice(
                member_id=member.id,
                member_code=member.code,
                kind=DocumentKind.INVOICE,
                status=InvoiceStatus.ISSUED,
                period_until=line.dated,
                year=line.dated.year,
                sequence=None,
                number=line.document,
                issue_date=line.dated,
                due_date=line.due,
                net_cents=line.amount_cents,
                vat_cents=0,
                gross_cents=line.amount_cents,
                prepaid_cents=0,
                due_cents=line.amount_cents,
                settled_cents=0,
                reason=line.description,
                customer=json.dumps(customer.__dict__, sort_keys=True, ensure_ascii=False),
                buyer_reference=member.code,
                opening_balance=True,
                lines=[],
                created_by=actor.label,
                issued_by=actor.label,
            )
        )
    session.add_all([*invoices, *credits])
    await session.flush()
    # An opening invoice is audited as issued, like any invoice, so a report as at an
    # earlier event leaves it out; a credit balance as an opening balance.
    for invoice in invoices:
        await audit_invoice(session, actor, "issue", invoice)
    await record_many(
        session,
        actor,
        [
            Change("create", "opening_balance", f"credit:{c.id}", None, snapshot(c), c.member_id)
            for c in credits
        ],
    )
    return ImportResult(
        invoices=len(invoices),
        credits=len(credits),
        receivable_cents=sum(i.gross_cents for i in invoices),
        credit_cents=sum(c.amount_cents for c in credits),
    )
