"""Importing bank statements, matching their lines, the directie's review queue, and the
accounts members pay from. Services flush, never commit.

An import holds each account it brings statements of (`bank-account:<iban>`) and then the
members with open invoices, so two imports of the same or overlapping statements store each
statement and each entry once (the unique identities are the last line of defence), and what
one import pays is no longer open for the other. A review action holds its entry
(`bank-entry:<id>`): a double submit finds it dealt with.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit.service import add_recorded, record_row
from registry.auth.policy import Permission, require
from registry.auth.roles import Actor
from registry.bank.errors import BankRefusal
from registry.bank.matching import Line, Matched, OpenDocument, RecordedRefund, match_lines
from registry.bank.models import (
    BankAllocation,
    BankEntry,
    BankStatement,
    Direction,
    EntryState,
    MatchMethod,
    MemberBankAccount,
    WaitReason,
)
from registry.billing.document import DocumentKind
from registry.billing.models import Invoice, Settlement, SettlementKind
from registry.billing.operations import lock_members
from registry.billing.payments import record_transfer
from registry.billing.rules import OPEN
from registry.db import serialise
from registry.kit.errors import (
    Conflict,
    DomainError,
    Euro,
    FieldError,
    FileSize,
    NotFound,
    RefusedValue,
    ValidationFailed,
    field_error,
    prefixed,
)
from registry.kit.money import parse_euro, to_cents, to_euro
from registry.kit.types import utcnow
from registry.members.models import Member
from registry.settings import Settings

if TYPE_CHECKING:
    from registry.bank.formats import ParsedStatement

MAX_PARTS = 20
REASON_MAX = 500
QUEUE_LIMIT = 200
STATEMENTS_LIMIT = 100
_KEY_CHUNK = 500


@dataclass(slots=True)
class ImportSummary:
    statements: int = 0
    already_imported: int = 0
    """Statements in the file that were imported before: nothing of them is stored again."""
    lines: int = 0
    new_lines: int = 0
    """Lines not seen before; the rest came with an earlier (overlapping) statement."""
    matched: int = 0
    waiting: int = 0
    statement_ids: list[int] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _plain(text: str) -> bool:
    """Text without control characters (PostgreSQL refuses NUL in text)."""
    return _CONTROL.search(text) is None


async def import_file(
    session: AsyncSession, actor: Actor, data: bytes, settings: Settings, today: date
) -> ImportSummary:
    """Read a camt.053 or MT940 file (in a thread), store what is new and match it."""
    from registry.bank.formats import read_statements  # lxml, mt-940: loaded when used

    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_IMPORTS)
    if len(data) > settings.bank_statement_max_bytes:
        raise ValidationFailed.single(
            "file", BankRefusal.FILE_TOO_LARGE, limit=FileSize(settings.bank_statement_max_bytes)
        )
    statements = await asyncio.to_thread(read_statements, data, settings.bank_statement_max_entries)
    return await store_statements(session, actor, statements, today)


async def store_statements(
    session: AsyncSession, actor: Actor, statements: Sequence[ParsedStatement], today: date
) -> ImportSummary:
    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_IMPORTS)
    await serialise(session, *(f"bank-account:{s.account_iban}" for s in statements))
    summary = ImportSummary()
    new_entries: list[BankEntry] = []
    for parsed in statements:
        summary.statements += 1
        summary.lines += len(parsed.entries)
        known = await session.scalar(
            select(BankStatement.id).where(
                BankStatement.account_iban == parsed.account_iban,
                BankStatement.statement_ref == parsed.reference[:120],
                BankStatement.statement_date == parsed.statement_date,
            )
        )
        if known is not None:
            summary.already_imported += 1
            continue
        statement = BankStatement(
            account_iban=parsed.account_iban,
            statement_ref=parsed.reference[:120],
            statement_date=parsed.statement_date,
            file_format=parsed.file_format,
            entry_count=len(parsed.entries),
            new_entry_count=0,
            opening_cents=parsed.opening_cents,
            closing_cents=parsed.closing_cents,
            imported_by=actor.label,
        )
        session.add(statement)
        await session.flush()
        fresh = await _new_entries(session, statement, parsed)
        statement.new_entry_count = len(fresh)
        new_entries += fresh
        await session.flush()
        summary.statement_ids.append(statement.id)
        await record_row(session, actor, "import", "bank_statement", statement)
    summary.new_lines = len(new_entries)
    await _match_new(session, actor, new_entries, today)
    summary.matched = sum(1 for e in new_entries if e.state is EntryState.MATCHED)
    summary.waiting = sum(1 for e in new_entries if e.state is EntryState.WAITING)
    return summary


async def _new_entries(
    session: AsyncSession, statement: BankStatement, parsed: ParsedStatement
) -> list[BankEntry]:
    """The statement's entries its account has not had before, stored as waiting."""
    keys = [entry.key for entry in parsed.entries]
    seen: set[str] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        seen.update(
            await session.scalars(
                select(BankEntry.entry_key).where(
                    BankEntry.account_iban == statement.account_iban,
                    BankEntry.entry_key.in_(chunk),
                )
            )
        )
    fresh: list[BankEntry] = []
    for parsed_entry, key in zip(parsed.entries, keys, strict=True):
        if key in seen:
            continue
        seen.add(key)
        fresh.append(
            BankEntry(
                statement_id=statement.id,
                account_iban=statement.account_iban,
                entry_key=key,
                booking_date=parsed_entry.booking_date,
                direction=parsed_entry.direction,
                amount_cents=parsed_entry.amount_cents,
                counterparty_name=parsed_entry.counterparty_name,
                counterparty_iban=parsed_entry.counterparty_iban,
                remittance=parsed_entry.remittance,
                bank_reference=parsed_entry.bank_reference,
                state=EntryState.WAITING,
                wait_reason=WaitReason.NO_MATCH,
            )
        )
    session.add_all(fresh)
    await session.flush()
    return fresh


async def _match_new(
    session: AsyncSession, actor: Actor, entries: Sequence[BankEntry], today: date
) -> None:
    if not entries:
        return
    member_ids = await session.scalars(
        select(Invoice.member_id).where(Invoice.status.in_(OPEN)).distinct()
    )
    refund_members = await session.scalars(
        select(Invoice.member_id)
        .join(Settlement, Settlement.invoice_id == Invoice.id)
        .where(Settlement.kind == SettlementKind.REFUND)
        .distinct()
    )
    await lock_members(session, sorted({*member_ids, *refund_members}))
    documents = await open_documents(session)
    accounts = await account_owners(session)
    refunds = await unlinked_refunds(session)
    lines = [Line(e.direction, e.amount_cents, e.counterparty_iban, e.remittance) for e in entries]
    numbers = {d.id: d.number for d in documents} | {r.invoice_id: r.number for r in refunds}
    members = {d.id: d.member_id for d in documents} | {r.invoice_id: r.member_id for r in refunds}
    for entry, decision in zip(
        entries, match_lines(lines, documents, accounts, refunds), strict=True
    ):
        if not isinstance(decision, Matched):
            entry.wait_reason = decision.reason
            continue
        settlement_id = decision.settlement_id
        if settlement_id is None:
            try:
                settlement = await record_transfer(
                    session,
                    actor,
                    decision.invoice_id,
                    str(to_euro(decision.amount_cents)),
                    entry.booking_date,
                    _reference(entry, numbers[decision.invoice_id]),
                    today,
                )
            except DomainError:  # refused before anything was written (a date ahead of today)
                entry.wait_reason = WaitReason.NO_MATCH
                continue
            settlement_id = settlement.id
        session.add(
            BankAllocation(
                entry_id=entry.id,
                invoice_id=decision.invoice_id,
                settlement_id=settlement_id,
                amount_cents=decision.amount_cents,
                method=decision.method,
            )
        )
        await _record_match(
            session,
            actor,
            entry,
            [numbers[decision.invoice_id]],
            decision.method,
            members[decision.invoice_id],
        )


def _reference(entry: BankEntry, number: str) -> str:
    return f"bank:{entry.id}:{number}"


async def _record_match(
    session: AsyncSession,
    actor: Actor,
    entry: BankEntry,
    invoices: list[str],
    method: MatchMethod,
    member_id: int | None,
) -> None:
    """Mark a bank line matched and record it: one event for the line, naming every invoice
    it pays and how it was matched (under the member when they are all one member's)."""
    _resolve(entry, EntryState.MATCHED, actor)
    await session.flush()
    await record_row(
        session,
        actor,
        "match",
        "bank_entry",
        entry,
        member_id=member_id,
        invoices=invoices,
        method=method,
    )


def _resolve(entry: BankEntry, state: EntryState, actor: Actor) -> None:
    entry.state = state
    entry.wait_reason = None
    entry.resolved_by = actor.label
    entry.resolved_at = utcnow()


async def open_documents(session: AsyncSession) -> list[OpenDocument]:
    """Issued invoices with money still owed, and credit notes with money still to refund."""
    rows = await session.scalars(
        select(Invoice)
        .where(Invoice.status.in_(OPEN), Invoice.number.is_not(None))
        .order_by(Invoice.id)
        .execution_options(populate_existing=True)  # as stored now, after the member locks
    )
    documents = []
    for invoice in rows:
        assert invoice.number is not None
        outstanding = invoice.due_cents - invoice.settled_cents
        credit_note = invoice.kind is DocumentKind.CREDIT_NOTE
        open_cents = -outstanding if credit_note else outstanding
        if open_cents > 0:
            documents.append(
                OpenDocument(invoice.id, invoice.number, invoice.member_id, open_cents, credit_note)
            )
    return documents


async def account_owners(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(MemberBankAccount.iban, MemberBankAccount.member_id))
    return {iban: member_id for iban, member_id in rows}


async def unlinked_refunds(session: AsyncSession) -> list[RecordedRefund]:
    """Refunds recorded on credit notes that no bank line accounts for yet."""
    linked = select(BankAllocation.settlement_id)
    rows = await session.execute(
        select(Settlement, Invoice.number, Invoice.member_id)
        .join(Invoice, Invoice.id == Settlement.invoice_id)
        .where(Settlement.kind == SettlementKind.REFUND, Settlement.id.not_in(linked))
        .order_by(Settlement.id)
    )
    return [
        RecordedRefund(s.id, s.invoice_id, number or "", member_id, -s.amount_cents)
        for s, number, member_id in rows
    ]


# The review queue ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    invoice: str
    """The invoice (or credit note) number."""
    amount: str
    """Euros as typed."""


async def _waiting_entry(session: AsyncSession, entry_id: int) -> BankEntry:
    await serialise(session, f"bank-entry:{entry_id}")
    entry = await session.get(BankEntry, entry_id, populate_existing=True)
    if entry is None:
        raise NotFound(BankRefusal.NO_ENTRY, entry=str(entry_id))
    if entry.state is not EntryState.WAITING:
        raise Conflict(BankRefusal.ALREADY_RESOLVED)
    return entry


async def match_entry(
    session: AsyncSession, actor: Actor, entry_id: int, invoice: str, today: date
) -> BankEntry:
    """The whole line pays one invoice (or is the refund of one credit note)."""
    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_REVIEWS)
    entry = await _waiting_entry(session, entry_id)
    amount = str(to_euro(entry.amount_cents))
    return await _split(session, actor, entry, [Part(invoice, amount)], today)


async def split_entry(
    session: AsyncSession, actor: Actor, entry_id: int, parts: Sequence[Part], today: date
) -> BankEntry:
    """The line pays several invoices: the parts add up to the line exactly, each part at
    most what is open on its invoice."""
    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_REVIEWS)
    entry = await _waiting_entry(session, entry_id)
    return await _split(session, actor, entry, parts, today)


async def _split(
    session: AsyncSession, actor: Actor, entry: BankEntry, parts: Sequence[Part], today: date
) -> BankEntry:
    parts = [p for p in parts if p.invoice.strip() or p.amount.strip()]
    if not parts:
        raise ValidationFailed.single("parts", BankRefusal.NO_PARTS)
    if len(parts) > MAX_PARTS:
        raise ValidationFailed.single("parts", BankRefusal.TOO_MANY_PARTS, limit=MAX_PARTS)
    errors: list[FieldError] = []
    chosen: list[tuple[Invoice, int, str]] = []
    seen: set[str] = set()
    for index, part in enumerate(parts):
        number = part.invoice.strip()
        where = f"parts[{index}]"
        document = (
            await session.scalar(select(Invoice).where(Invoice.number == number))
            if _plain(number)
            else None
        )
        if document is None:
            errors.append(
                field_error(f"{where}.invoice", BankRefusal.UNKNOWN_INVOICE, invoice=number or "-")
            )
        elif number in seen:
            errors.append(
                field_error(f"{where}.invoice", BankRefusal.INVOICE_TWICE, invoice=number)
            )
        elif (document.kind is DocumentKind.CREDIT_NOTE) != (entry.direction is Direction.DEBIT):
            errors.append(field_error(f"{where}.invoice", BankRefusal.WRONG_DOCUMENT))
        seen.add(number)
        try:
            cents = int(to_cents(parse_euro(part.amount)))
        except RefusedValue as refused:
            errors.append(FieldError(f"{where}.amount", refused.phrase))
            continue
        if document is not None:
            chosen.append((document, cents, part.amount))
    if errors:
        raise ValidationFailed(errors)
    total = sum(cents for _, cents, _ in chosen)
    if total != entry.amount_cents:
        raise ValidationFailed.single(
            "parts",
            BankRefusal.PARTS_DO_NOT_ADD_UP,
            total=Euro(total),
            amount=Euro(entry.amount_cents),
        )
    await lock_members(session, sorted({document.member_id for document, _, _ in chosen}))
    for index, (document, cents, typed) in enumerate(chosen):
        assert document.number is not None
        try:
            settlement = await record_transfer(
                session,
                actor,
                document.id,
                typed,
                entry.booking_date,
                _reference(entry, document.number),
                today,
            )
        except ValidationFailed as refused:
            raise ValidationFailed(prefixed(refused.errors, f"parts[{index}]")) from None
        session.add(
            BankAllocation(
                entry_id=entry.id,
                invoice_id=document.id,
                settlement_id=settlement.id,
                amount_cents=cents,
                method=MatchMethod.DIRECTIE,
            )
        )
    members = {document.member_id for document, _, _ in chosen}
    one_member = members.pop() if len(members) == 1 else None
    if one_member is not None and entry.counterparty_iban:
        await _learn_account(session, actor, one_member, entry.counterparty_iban)
    invoices = [document.number for document, _, _ in chosen if document.number is not None]
    await _record_match(session, actor, entry, invoices, MatchMethod.DIRECTIE, one_member)
    return entry


async def mark_unrelated(
    session: AsyncSession, actor: Actor, entry_id: int, reason: str
) -> BankEntry:
    """The line has nothing to do with invoices (bank costs, a grant): say why."""
    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_REVIEWS)
    text = " ".join(reason.split())
    if not text:
        raise ValidationFailed.single("reason", BankRefusal.REASON_REQUIRED)
    if not _plain(text):
        raise ValidationFailed.single("reason", BankRefusal.CONTROL_CHARACTERS)
    if len(text) > REASON_MAX:
        raise ValidationFailed.single("reason", BankRefusal.REASON_TOO_LONG, limit=REASON_MAX)
    entry = await _waiting_entry(session, entry_id)
    _resolve(entry, EntryState.UNRELATED, actor)
    entry.unrelated_reason = text
    await session.flush()
    await record_row(session, actor, "mark_unrelated", "bank_entry", entry)
    return entry


# Members' accounts --------------------------------------------------------------------------


async def add_account(
    session: AsyncSession, actor: Actor, member_code: str, iban: str
) -> MemberBankAccount:
    """Record an account a member pays from; its payments then match by amount and account."""
    from registry.bank.formats import valid_iban

    require(actor, Permission.BILLING_MANAGE, BankRefusal.DIRECTIE_KEEPS_ACCOUNTS)
    errors: list[FieldError] = []
    code = member_code.strip()
    member = (
        await session.scalar(select(Member).where(Member.code == code)) if _plain(code) else None
    )
    if member is None:
        errors.append(field_error("member", BankRefusal.UNKNOWN_MEMBER, member=member_code or "-"))
    compact = valid_iban(iban)
    if compact is None:
        errors.append(field_error("iban", BankRefusal.INVALID_IBAN, iban=iban.strip()[:40] or "-"))
    if errors:
        raise ValidationFailed(errors)
    assert member is not None
    assert compact is not None
    await serialise(session, f"iban:{compact}")
    owner = await session.scalar(
        select(Member).join(MemberBankAccount).where(MemberBankAccount.iban == compact)
    )
    if owner is not None:
        raise ValidationFailed.single(
            "iban", BankRefusal.IBAN_TAKEN, iban=compact, member=owner.name
        )
    account = MemberBankAccount(member_id=member.id, iban=compact, added_by=actor.label)
    await add_recorded(
        session, actor, account, entity_type="member_bank_account", member_id=member.id
    )
    return account


async def _learn_account(session: AsyncSession, actor: Actor, member_id: int, iban: str) -> None:
    """Remember the account a member paid from, when no member has it yet."""
    await serialise(session, f"iban:{iban}")
    if await session.scalar(select(MemberBankAccount.id).where(MemberBankAccount.iban == iban)):
        return
    account = MemberBankAccount(member_id=member_id, iban=iban, added_by=actor.label)
    await add_recorded(
        session, actor, account, entity_type="member_bank_account", member_id=member_id
    )


# Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: BankEntry
    invoices: list[tuple[str, int]]
    """(number, cents) of what the entry settled."""


async def statements(session: AsyncSession, actor: Actor) -> list[BankStatement]:
    require(actor, Permission.FINANCE_READ, BankRefusal.FINANCE_READS)
    return list(
        await session.scalars(
            select(BankStatement)
            .order_by(BankStatement.statement_date.desc(), BankStatement.id.desc())
            .limit(STATEMENTS_LIMIT)
        )
    )


async def statement(session: AsyncSession, actor: Actor, statement_id: int) -> BankStatement:
    require(actor, Permission.FINANCE_READ, BankRefusal.FINANCE_READS)
    found = await session.get(BankStatement, statement_id)
    if found is None:
        raise NotFound(BankRefusal.NO_STATEMENT_FOUND, statement=str(statement_id))
    return found


async def entries_of(session: AsyncSession, actor: Actor, statement_id: int) -> list[EntryView]:
    require(actor, Permission.FINANCE_READ, BankRefusal.FINANCE_READS)
    rows = await session.scalars(
        select(BankEntry).where(BankEntry.statement_id == statement_id).order_by(BankEntry.id)
    )
    return await _views(session, list(rows))


async def queue(session: AsyncSession, actor: Actor) -> list[EntryView]:
    """The entries waiting for the directie, oldest first."""
    require(actor, Permission.FINANCE_READ, BankRefusal.FINANCE_READS)
    rows = await session.scalars(
        select(BankEntry)
        .where(BankEntry.state == EntryState.WAITING)
        .order_by(BankEntry.booking_date, BankEntry.id)
        .limit(QUEUE_LIMIT)
    )
    return await _views(session, list(rows))


async def views(session: AsyncSession, entry_ids: Sequence[int]) -> list[EntryView]:
    """The entries with what they settled, as stored now."""
    rows = await session.scalars(
        select(BankEntry)
        .where(BankEntry.id.in_(entry_ids))
        .order_by(BankEntry.id)
        .execution_options(populate_existing=True)
    )
    return await _views(session, list(rows))


async def _views(session: AsyncSession, entries: list[BankEntry]) -> list[EntryView]:
    ids = [e.id for e in entries]
    settled: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            select(BankAllocation.entry_id, Invoice.number, BankAllocation.amount_cents)
            .join(Invoice, Invoice.id == BankAllocation.invoice_id)
            .where(BankAllocation.entry_id.in_(ids))
            .order_by(BankAllocation.id)
        )
        for entry_id, number, cents in rows:
            settled[entry_id].append((number or "", cents))
    return [EntryView(e, settled[e.id]) for e in entries]


@dataclass(frozen=True, slots=True)
class Choice:
    number: str
    member: str
    open_cents: int
    credit_note: bool


async def choices(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The open invoices and credit notes a line can be matched to, for the review forms."""
    require(actor, Permission.FINANCE_READ, BankRefusal.FINANCE_READS)
    documents = await open_documents(session)
    names = dict((await session.execute(select(Member.id, Member.name))).all())
    return [
        Choice(d.number, names.get(d.member_id, ""), d.open_cents, d.credit_note) for d in documents
    ]
