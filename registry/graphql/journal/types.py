"""GraphQL types of the journal export."""

from __future__ import annotations

import hashlib
from datetime import date

import strawberry

from registry.graphql.attributes import amounts, from_attributes
from registry.graphql.errors import FieldError
from registry.graphql.money import Money
from registry.journal.chart import Chart
from registry.journal.entries import Line, Transaction
from registry.journal.service import ExportedJournal
from registry.kit.language import Language


def _account_name(chart: Chart, number: str, language: Language) -> str:
    """The name of a ledger account of the chart in the reader's language."""
    account = chart.accounts[number]
    return account.name if language == "nl" else account.name_en


@strawberry.type(description="One line of a journal entry: an amount on one ledger account.")
class JournalLine:
    account: str = strawberry.field(description="Ledger account number of the chart.")
    account_name: str
    description: str
    debit: Money
    credit: Money

    @classmethod
    def of(cls, line: Line, chart: Chart, language: Language) -> JournalLine:
        return from_attributes(
            cls,
            line,
            account_name=_account_name(chart, line.account, language),
            **amounts(line, "debit", "credit"),
        )


@strawberry.type(description="A balanced journal entry: its debits equal its credits.")
class JournalTransaction:
    journal: str = strawberry.field(
        description="VK (sales), BNK (bank), STR (Stripe) or MEM (general journal)."
    )
    number: str = strawberry.field(description="Unique within its journal.")
    date: date
    description: str
    document: str = strawberry.field(description="The invoice or credit note number.")
    member: str = strawberry.field(description="Member code.")
    lines: list[JournalLine]

    @classmethod
    def of(cls, t: Transaction, chart: Chart, language: Language) -> JournalTransaction:
        return cls(
            journal=t.journal.value,
            number=t.number,
            date=t.on,
            description=t.description,
            document=t.document,
            member=t.member_code,
            lines=[JournalLine.of(line, chart, language) for line in t.lines],
        )


@strawberry.type(description="An account's balance at the end of the year (debit positive).")
class JournalBalance:
    account: str
    account_name: str
    balance: Money


@strawberry.type(description="The journal of a year as a file, with its entries.")
class JournalExport:
    year: int
    format: str = strawberry.field(description="csv or xaf (XML Auditfile Financieel 3.2).")
    filename: str
    media_type: str
    content: str = strawberry.field(description="The file's text (UTF-8).")
    sha256: str = strawberry.field(description="SHA-256 of the file's bytes.")
    transactions: list[JournalTransaction]
    closing_balances: list[JournalBalance]

    @classmethod
    def of(
        cls, exported: ExportedJournal, year: int, export_format: str, language: Language
    ) -> JournalExport:
        chart = exported.chart
        return cls(
            year=year,
            format=export_format,
            filename=exported.filename,
            media_type=exported.media_type,
            content=exported.content.decode("utf-8-sig"),
            sha256=hashlib.sha256(exported.content).hexdigest(),
            transactions=[JournalTransaction.of(t, chart, language) for t in exported.transactions],
            closing_balances=[
                JournalBalance(
                    account=number,
                    account_name=_account_name(chart, number, language),
                    balance=Money.of_cents(cents),
                )
                for number, cents in sorted(exported.closing.items())
            ],
        )


@strawberry.type
class JournalExportPayload:
    export: JournalExport | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
