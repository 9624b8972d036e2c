"""Bank statements in the API: import one (base64), read statements, their entries and the
review queue (directie, auditor), and the directie's review actions."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.bank import service
from registry.bank.errors import BankRefusal
from registry.bank.models import (
    BankStatement as StatementRow,
)
from registry.bank.models import (
    Direction,
    EntryState,
    MemberBankAccount,
    WaitReason,
)
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.mutating import act, answer, mutate
from registry.graphql.permissions import field_for, mutation
from registry.kit.clock import today
from registry.kit.errors import ValidationFailed

strawberry.enum(Direction, name="BankEntryDirection")
strawberry.enum(EntryState, name="BankEntryState")
strawberry.enum(WaitReason, name="BankEntryWaitReason")


@strawberry.type(description="Part of a bank line that settled an invoice or credit note.")
class BankEntrySettlement:
    invoice_number: str
    amount: Money


@strawberry.type(description="One booked line of a bank statement, stored once per account.")
class BankEntry:
    id: int
    booking_date: date
    direction: Direction
    amount: Money = strawberry.field(description="Always positive; direction says which way.")
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str
    bank_reference: str | None
    state: EntryState
    wait_reason: WaitReason | None = strawberry.field(
        description="Why it was not matched automatically, while it waits."
    )
    unrelated_reason: str | None
    settled: list[BankEntrySettlement]

    @classmethod
    def of(cls, view: service.EntryView) -> BankEntry:
        e = view.entry
        return cls(
            id=e.id,
            booking_date=e.booking_date,
            direction=e.direction,
            amount=Money.of_cents(e.amount_cents),
            counterparty_name=e.counterparty_name,
            counterparty_iban=e.counterparty_iban,
            remittance=e.remittance,
            bank_reference=e.bank_reference,
            state=e.state,
            wait_reason=e.wait_reason,
            unrelated_reason=e.unrelated_reason,
            settled=[
                BankEntrySettlement(invoice_number=n, amount=Money.of_cents(c))
                for n, c in view.invoices
            ],
        )


@strawberry.type(description="A bank statement as imported.")
class BankStatement:
    id: int
    account_iban: str
    reference: str = strawberry.field(description="The bank's statement id and sequence.")
    statement_date: date
    file_format: str
    entry_count: int
    new_entry_count: int = strawberry.field(description="Entries not imported before.")
    opening_balance: Money | None
    closing_balance: Money | None
    imported_at: datetime
    imported_by: str

    @classmethod
    def of(cls, s: StatementRow) -> BankStatement:
        return cls(
            id=s.id,
            account_iban=s.account_iban,
            reference=s.statement_ref,
            statement_date=s.statement_date,
            file_format=s.file_format,
            entry_count=s.entry_count,
            new_entry_count=s.new_entry_count,
            opening_balance=Money.maybe(s.opening_cents),
            closing_balance=Money.maybe(s.closing_cents),
            imported_at=s.imported_at,
            imported_by=s.imported_by,
        )

    @field_for(Permission.FINANCE_READ, "The statement's entries that were new when imported.")
    async def entries(self, info: Info) -> list[BankEntry]:
        async with info.context.db() as session:
            views = await service.entries_of(session, info.context.actor, self.id)
        return [BankEntry.of(v) for v in views]


@strawberry.type(description="What an import read, stored and matched.")
class BankImport:
    statements: int
    already_imported: int = strawberry.field(description="Statements imported before: skipped.")
    lines: int
    new_lines: int
    matched: int
    waiting: int


@strawberry.type
class BankImportPayload:
    result: BankImport | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class BankEntryPayload:
    entry: BankEntry | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type(description="An account a member pays from.")
class MemberBankAccountType:
    iban: str
    member_code: str


@strawberry.type
class MemberBankAccountPayload:
    account: MemberBankAccountType | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.input
class BankSplitPart:
    invoice_number: str
    amount: str = strawberry.field(description="Euros, e.g. 1234.56 or 1.234,56.")


@strawberry.type
class BankQuery:
    @field_for(Permission.FINANCE_READ, "The latest imported bank statements, newest first.")
    async def bank_statements(self, info: Info) -> list[BankStatement]:
        async with info.context.db() as session:
            rows = await service.statements(session, info.context.actor)
        return [BankStatement.of(s) for s in rows]

    @field_for(
        Permission.FINANCE_READ,
        "The bank lines waiting for the directie: match, split or mark unrelated.",
    )
    async def bank_queue(self, info: Info) -> list[BankEntry]:
        async with info.context.db() as session:
            views = await service.queue(session, info.context.actor)
        return [BankEntry.of(v) for v in views]


def _decoded(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.single("content", BankRefusal.NOT_BASE64) from None


async def _entry_view(session: AsyncSession, entry_id: int) -> BankEntry:
    (view,) = await service.views(session, [entry_id])
    return BankEntry.of(view)


@strawberry.type
class BankMutation:
    @mutation(
        Permission.BILLING_MANAGE,
        "Import a camt.053 or MT940 statement (the file as base64): what is new is stored, "
        "exact matches are recorded as bank transfers, the rest waits in the review queue.",
    )
    async def bank_statement_import(self, info: Info, content: str) -> BankImportPayload:
        settings = info.context.settings

        async def work(session: AsyncSession) -> BankImport:
            data = _decoded(content)
            summary = await service.import_file(
                session, info.context.actor, data, settings, today()
            )
            return BankImport(
                statements=summary.statements,
                already_imported=summary.already_imported,
                lines=summary.lines,
                new_lines=summary.new_lines,
                matched=summary.matched,
                waiting=summary.waiting,
            )

        return await mutate(
            info, BankImportPayload, work, lambda result: BankImportPayload(result=result)
        )

    @mutation(Permission.BILLING_MANAGE, "The whole bank line pays one invoice (or credit note).")
    async def bank_entry_match(
        self, info: Info, entry_id: int, invoice_number: str
    ) -> BankEntryPayload:
        async def work(session: AsyncSession) -> BankEntry:
            entry = await service.match_entry(
                session, info.context.actor, entry_id, invoice_number, today()
            )
            return await _entry_view(session, entry.id)

        return await mutate(info, BankEntryPayload, work, lambda e: BankEntryPayload(entry=e))

    @mutation(
        Permission.BILLING_MANAGE,
        "Split a bank line over invoices: the parts add up to the line, each at most what is "
        "open on its invoice.",
    )
    async def bank_entry_split(
        self, info: Info, entry_id: int, parts: list[BankSplitPart]
    ) -> BankEntryPayload:
        async def work(session: AsyncSession) -> BankEntry:
            entry = await service.split_entry(
                session,
                info.context.actor,
                entry_id,
                [service.Part(p.invoice_number, p.amount) for p in parts[: service.MAX_PARTS + 1]],
                today(),
            )
            return await _entry_view(session, entry.id)

        return await mutate(info, BankEntryPayload, work, lambda e: BankEntryPayload(entry=e))

    @mutation(Permission.BILLING_MANAGE, "The bank line has nothing to do with invoices: why.")
    async def bank_entry_mark_unrelated(
        self, info: Info, entry_id: int, reason: str
    ) -> BankEntryPayload:
        async def work(session: AsyncSession) -> BankEntry:
            entry = await service.mark_unrelated(session, info.context.actor, entry_id, reason)
            return await _entry_view(session, entry.id)

        return await mutate(info, BankEntryPayload, work, lambda e: BankEntryPayload(entry=e))

    @mutation(
        Permission.BILLING_MANAGE,
        "Record an account a member pays from (a valid IBAN of no other member).",
    )
    async def member_bank_account_add(
        self, info: Info, member: str, iban: str
    ) -> MemberBankAccountPayload:
        def shape(account: MemberBankAccount) -> MemberBankAccountType:
            return MemberBankAccountType(iban=account.iban, member_code=member.strip())

        return await act(
            info,
            answer(MemberBankAccountPayload, "account", shape),
            service.add_account,
            member,
            iban,
        )
