"""Bank statements in the API: import one (base64), read statements, their entries and the
review queue (directie, auditor), and the directie's review actions."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Concatenate

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from registry.auth.policy import Permission
from registry.auth.roles import Actor
from registry.bank import service
from registry.bank.errors import BankRefusal
from registry.bank.models import BankEntry as EntryRow
from registry.bank.models import (
    BankStatement as StatementRow,
)
from registry.bank.models import (
    Direction,
    EntryState,
    MemberBankAccount,
    WaitReason,
)
from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.context import Info
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.graphql.mutating import Args, act, answer, listed, mutate
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
        return from_attributes(
            cls,
            e,
            **amounts(e, "amount"),
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
        return from_attributes(
            cls,
            s,
            reference=s.statement_ref,
            opening_balance=Money.maybe(s.opening_cents),
            closing_balance=Money.maybe(s.closing_cents),
        )

    @field_for(Permission.FINANCE_READ, "The statement's entries that were new when imported.")
    async def entries(self, info: Info) -> list[BankEntry]:
        return await listed(info, BankEntry.of, service.entries_of, self.id)


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
        return await listed(info, BankStatement.of, service.statements)

    @field_for(
        Permission.FINANCE_READ,
        "The bank lines waiting for the directie: match, split or mark unrelated.",
    )
    async def bank_queue(self, info: Info) -> list[BankEntry]:
        return await listed(info, BankEntry.of, service.queue)


def _decoded(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.single("content", BankRefusal.NOT_BASE64) from None


async def _review(
    info: Info,
    operation: Callable[Concatenate[AsyncSession, Actor, Args], Awaitable[EntryRow]],
    *args: Args.args,
    **kwargs: Args.kwargs,
) -> BankEntryPayload:
    """A review action on one bank line, `operation(session, actor, *args, **kwargs)`, in the
    request's transaction; answered with the line and what it settled as they now stand."""

    async def work(session: AsyncSession) -> BankEntry:
        entry = await operation(session, info.context.actor, *args, **kwargs)
        (view,) = await service.views(session, [entry.id])
        return BankEntry.of(view)

    return await mutate(info, BankEntryPayload, work, lambda e: BankEntryPayload(entry=e))


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
            return from_attributes(BankImport, summary)

        return await mutate(
            info, BankImportPayload, work, lambda result: BankImportPayload(result=result)
        )

    @mutation(Permission.BILLING_MANAGE, "The whole bank line pays one invoice (or credit note).")
    async def bank_entry_match(
        self, info: Info, entry_id: int, invoice_number: str
    ) -> BankEntryPayload:
        return await _review(info, service.match_entry, entry_id, invoice_number, today())

    @mutation(
        Permission.BILLING_MANAGE,
        "Split a bank line over invoices: the parts add up to the line, each at most what is "
        "open on its invoice.",
    )
    async def bank_entry_split(
        self, info: Info, entry_id: int, parts: list[BankSplitPart]
    ) -> BankEntryPayload:
        return await _review(
            info,
            service.split_entry,
            entry_id,
            [service.Part(p.invoice_number, p.amount) for p in parts[: service.MAX_PARTS + 1]],
            today(),
        )

    @mutation(Permission.BILLING_MANAGE, "The bank line has nothing to do with invoices: why.")
    async def bank_entry_mark_unrelated(
        self, info: Info, entry_id: int, reason: str
    ) -> BankEntryPayload:
        return await _review(info, service.mark_unrelated, entry_id, reason)

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
