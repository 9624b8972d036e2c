"""Importing camt.053 and MT940 statements made by the tests: matched lines become bank
transfers of the invoices (status, audit), the rest waits; nothing is stored twice, also
when two imports run at the same moment (SQLite and PostgreSQL, each on its own connection).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.audit.models import AuditEvent
from registry.bank.models import (
    BankAllocation,
    BankEntry,
    BankStatement,
    EntryState,
    MatchMethod,
    MemberBankAccount,
    WaitReason,
)
from registry.bank.service import (
    Part,
    add_account,
    import_file,
    mark_unrelated,
    match_entry,
    queue,
    split_entry,
)
from registry.billing.credit_notes import credit
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import CreditChoice, Invoice, InvoiceStatus, Settlement, SettlementKind
from registry.billing.payments import record_transfer
from registry.kit.errors import Conflict, ValidationFailed
from tests.helpers.bankfiles import (
    EINDHOVEN_IBAN,
    UNKNOWN_IBAN,
    WOERDEN_IBAN,
    Line,
    camt053,
    euros,
    mt940,
)
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.race import race, succeeded

__all__ = ["billed", "cooperative", "pool_members"]

Maker = Callable[..., bytes]
FORMATS: dict[str, Maker] = {
    "camt.053.001.02": lambda lines, **kw: camt053(lines, version="02", **kw),
    "camt.053.001.08": lambda lines, **kw: camt053(lines, version="08", **kw),
    "mt940": mt940,
}


@dataclass(frozen=True, slots=True)
class Issued:
    woerden: Invoice
    eindhoven: Invoice
    meierijstad: Invoice


@pytest.fixture
async def issued(billed: AsyncSession) -> Issued:
    drafts = {d.member_code: d for d in await run_invoices(billed, ACTOR, TODAY)}
    invoices = {
        code: await issue(billed, ACTOR, drafts[code].id, TODAY, SETTINGS)
        for code in ("woerden", "eindhoven", "gr-meierijstad-noord")
    }
    await add_account(billed, ACTOR, "eindhoven", "NL39 RABO 0300 0652 64")
    await billed.commit()
    return Issued(invoices["woerden"], invoices["eindhoven"], invoices["gr-meierijstad-noord"])


def partly_matching(issued: Issued) -> list[Line]:
    """Woerden pays by reference, Eindhoven without one from its known account, a stranger
    pays something, the bank takes its costs."""
    return [
        Line(
            euros(issued.woerden.due_cents),
            text=f"Betaling factuur {issued.woerden.number}",
            reference="BANK-0001",
        ),
        Line(
            euros(issued.eindhoven.due_cents),
            party="Gemeente Eindhoven",
            iban=EINDHOVEN_IBAN,
            text="contributie 2020",
            reference="BANK-0002",
        ),
        Line("17.50", party="Stichting Onbekend", iban=UNKNOWN_IBAN, text="donatie"),
        Line("12.10", credit=False, party="ABN AMRO", iban=None, text="Kosten betalingsverkeer"),
    ]


async def count(session: AsyncSession, model: type, *where: object) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.mark.parametrize("file_format", FORMATS)
async def test_a_partly_matching_statement_pays_what_it_can_and_queues_the_rest(
    issued: Issued, session: AsyncSession, file_format: str
) -> None:
    data = FORMATS[file_format](partly_matching(issued))
    summary = await import_file(session, ACTOR, data, SETTINGS, TODAY)
    assert (summary.lines, summary.new_lines, summary.matched, summary.waiting) == (4, 4, 2, 2)
    statement = await session.get(BankStatement, summary.statement_ids[0])
    assert statement is not None
    assert statement.file_format == file_format
    for invoice, method in (
        (issued.woerden, MatchMethod.REFERENCE),
        (issued.eindhoven, MatchMethod.AMOUNT_AND_IBAN),
    ):
        await session.refresh(invoice)
        assert invoice.status is InvoiceStatus.PAID
        settlement = await session.scalar(
            select(Settlement).where(Settlement.invoice_id == invoice.id)
        )
        assert settlement is not None
        assert settlement.kind is SettlementKind.BANK_TRANSFER
        assert settlement.amount_cents == invoice.due_cents
        allocation = await session.scalar(
            select(BankAllocation).where(BankAllocation.settlement_id == settlement.id)
        )
        assert allocation is not None
        assert allocation.method is method
    await session.refresh(issued.meierijstad)
    assert issued.meierijstad.status is InvoiceStatus.ISSUED
    waiting = await queue(session, ACTOR)
    assert [(v.entry.amount_cents, v.entry.wait_reason) for v in waiting] == [
        (1750, WaitReason.NO_MATCH),
        (1210, WaitReason.NO_REFUND),
    ]
    kinds = set(await session.scalars(select(AuditEvent.entity_type)))
    assert {"bank_statement", "bank_entry", "invoice_settlement"} <= kinds


@pytest.mark.parametrize("file_format", FORMATS)
async def test_the_same_statement_twice_records_nothing_twice(
    issued: Issued, session: AsyncSession, file_format: str
) -> None:
    data = FORMATS[file_format](partly_matching(issued))
    await import_file(session, ACTOR, data, SETTINGS, TODAY)
    again = await import_file(session, ACTOR, data, SETTINGS, TODAY)
    assert (again.already_imported, again.new_lines, again.matched) == (1, 0, 0)
    assert await count(session, BankStatement) == 1
    assert await count(session, BankEntry) == 4
    assert await count(session, Settlement) == 2


async def test_an_overlapping_statement_stores_only_its_new_lines(
    issued: Issued, session: AsyncSession
) -> None:
    lines = partly_matching(issued)
    await import_file(session, ACTOR, camt053(lines[:2]), SETTINGS, TODAY)
    later = await import_file(
        session,
        ACTOR,
        camt053(lines, statement_id="STMT-2023-07-02", sequence="127"),
        SETTINGS,
        TODAY,
    )
    assert (later.lines, later.new_lines, later.matched, later.waiting) == (4, 2, 0, 2)
    assert await count(session, BankEntry) == 4
    assert await count(session, Settlement) == 2


@pytest.mark.parametrize(
    ("data", "code", "where"),
    [
        (b"", "empty_file", ""),
        (b"Datum;Bedrag\n2023-07-01;12,00\n", "unknown_format", ""),
        (
            b"<?xml version='1.0'?>\n<Document>\n<BkToCstmrStmt>\n</Document>",
            "xml_malformed",
            "line 4",
        ),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>",
            "unsupported_version",
            "pain.001",
        ),
    ],
)
async def test_an_unreadable_file_is_refused_naming_what_is_wrong(
    issued: Issued, session: AsyncSession, data: bytes, code: str, where: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await import_file(session, ACTOR, data, SETTINGS, TODAY)
    assert [e.code for e in refused.value.errors] == [code]
    assert where in refused.value.errors[0].text("en")
    assert await count(session, BankStatement) == 0


@pytest.mark.parametrize("file_format", FORMATS)
async def test_a_malformed_amount_names_its_line_and_stores_nothing(
    issued: Issued, session: AsyncSession, file_format: str
) -> None:
    good = FORMATS[file_format](partly_matching(issued))
    amount = euros(issued.eindhoven.due_cents)
    if file_format == "mt940":
        written = amount.replace(".", ",").encode()
        bad = good.replace(b"C" + written + b"NTRF", b"X" + written + b"NTRF")  # no credit mark
        expected = ("tag_invalid", "line 7")
    else:
        bad = good.replace(f">{amount}<".encode(), b">12,3.4<")
        expected = ("element_invalid", "element Amt at line")
    assert bad != good
    with pytest.raises(ValidationFailed) as refused:
        await import_file(session, ACTOR, bad, SETTINGS, TODAY)
    error = refused.value.errors[0]
    assert error.code == expected[0]
    assert expected[1] in error.text("en")
    assert await count(session, BankStatement) == 0
    assert await count(session, Settlement) == 0


async def test_a_file_above_the_limit_is_refused_before_it_is_read(
    issued: Issued, session: AsyncSession
) -> None:
    small = SETTINGS.model_copy(update={"bank_statement_max_bytes": 1024})
    with pytest.raises(ValidationFailed) as refused:
        await import_file(session, ACTOR, camt053(partly_matching(issued)), small, TODAY)
    assert refused.value.errors[0].code == "file_too_large"
    few = SETTINGS.model_copy(update={"bank_statement_max_entries": 3})
    with pytest.raises(ValidationFailed) as refused:
        await import_file(session, ACTOR, mt940(partly_matching(issued)), few, TODAY)
    assert refused.value.errors[0].code == "too_many_entries"


async def test_two_imports_of_one_statement_at_once_store_and_pay_it_once(
    issued: Issued, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    data = camt053(partly_matching(issued), version="08")
    results = succeeded(
        await race(session_factory, lambda s: import_file(s, ACTOR, data, SETTINGS, TODAY), 2)
    )
    assert sorted(r.new_lines for r in results) == [0, 4]
    assert sorted(r.matched for r in results) == [0, 2]
    async with session_factory() as session:
        assert await count(session, BankStatement) == 1
        assert await count(session, BankEntry) == 4
        assert await count(session, Settlement) == 2


async def test_two_overlapping_statements_at_once_store_each_line_once(
    issued: Issued, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    lines = partly_matching(issued)
    files = iter([mt940(lines[:3]), mt940(lines[1:], reference="STMT-B", number="127")])
    chosen = [next(files), next(files)]
    calls = iter(chosen)
    results = succeeded(
        await race(
            session_factory, lambda s: import_file(s, ACTOR, next(calls), SETTINGS, TODAY), 2
        )
    )
    assert sum(r.new_lines for r in results) == 4
    async with session_factory() as session:
        assert await count(session, BankStatement) == 2
        assert await count(session, BankEntry) == 4
        assert await count(session, Settlement) == 2


async def test_the_directie_splits_a_line_over_two_invoices(
    issued: Issued, session: AsyncSession
) -> None:
    woerden, meierijstad = issued.woerden, issued.meierijstad
    assert woerden.number
    assert meierijstad.number
    first = (woerden.number, woerden.due_cents, woerden.id)
    second = (meierijstad.number, meierijstad.due_cents, meierijstad.id)
    total = first[1] + second[1]
    data = camt053(
        [Line(euros(total), party="Gemeente Woerden", iban=WOERDEN_IBAN, text="twee facturen")]
    )
    await import_file(session, ACTOR, data, SETTINGS, TODAY)
    await session.commit()
    (view,) = await queue(session, ACTOR)
    entry_id = view.entry.id
    with pytest.raises(ValidationFailed) as refused:
        await split_entry(
            session,
            ACTOR,
            entry_id,
            [Part(first[0], euros(first[1])), Part(second[0], "1,00")],
            TODAY,
        )
    assert [e.code for e in refused.value.errors] == ["parts_do_not_add_up"]
    await session.rollback()
    with pytest.raises(ValidationFailed) as refused:
        await split_entry(
            session,
            ACTOR,
            entry_id,
            [Part(first[0], euros(total - 100)), Part(second[0], "1,00")],
            TODAY,
        )
    assert [e.field for e in refused.value.errors] == ["parts[0].amount"]  # above what is open
    await session.rollback()
    parts = [Part(first[0], euros(first[1])), Part(second[0], euros(second[1]))]
    entry = await split_entry(session, ACTOR, entry_id, parts, TODAY)
    assert entry.state is EntryState.MATCHED
    for invoice_id in (first[2], second[2]):
        invoice = await session.get(Invoice, invoice_id, populate_existing=True)
        assert invoice is not None
        assert invoice.status is InvoiceStatus.PAID
    # Paying for two members does not tell whose account it is: not remembered.
    owner = await session.scalar(
        select(MemberBankAccount.member_id).where(MemberBankAccount.iban == WOERDEN_IBAN)
    )
    assert owner is None
    with pytest.raises(Conflict):  # a double submit
        await split_entry(session, ACTOR, entry_id, parts, TODAY)
    assert await count(session, Settlement) == 2


async def test_a_double_submitted_match_records_one_payment(
    issued: Issued, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session:
        data = mt940(
            [Line(euros(issued.meierijstad.due_cents), iban=UNKNOWN_IBAN, text="betaling")]
        )
        await import_file(session, ACTOR, data, SETTINGS, TODAY)
        (view,) = await queue(session, ACTOR)
        await session.commit()
    number = issued.meierijstad.number
    assert number
    results = await race(
        session_factory, lambda s: match_entry(s, ACTOR, view.entry.id, number, TODAY), 2
    )
    assert sorted(type(r).__name__ for r in results) == ["BankEntry", "Conflict"]
    async with session_factory() as session:
        assert await count(session, Settlement, Settlement.invoice_id == issued.meierijstad.id) == 1
        # one member paid the whole line: its account is remembered for the next statement
        owner = await session.scalar(
            select(MemberBankAccount.member_id).where(MemberBankAccount.iban == UNKNOWN_IBAN)
        )
        assert owner == issued.meierijstad.member_id


async def test_an_unrelated_line_needs_a_reason(issued: Issued, session: AsyncSession) -> None:
    data = mt940([Line("12.10", credit=False, party="ABN AMRO", iban=None, text="Kosten")])
    await import_file(session, ACTOR, data, SETTINGS, TODAY)
    (view,) = await queue(session, ACTOR)
    with pytest.raises(ValidationFailed) as refused:
        await mark_unrelated(session, ACTOR, view.entry.id, "  ")
    assert refused.value.errors[0].code == "reason_required"
    entry = await mark_unrelated(session, ACTOR, view.entry.id, "Bankkosten juli")
    assert (entry.state, entry.unrelated_reason) == (EntryState.UNRELATED, "Bankkosten juli")
    assert await queue(session, ACTOR) == []


async def test_a_debit_is_matched_to_the_refund_recorded_for_it(
    issued: Issued, session: AsyncSession
) -> None:
    await record_transfer(
        session, ACTOR, issued.woerden.id, euros(issued.woerden.due_cents), TODAY, "w-1", TODAY
    )
    note = await credit(
        session,
        ACTOR,
        issued.woerden.id,
        TODAY,
        SETTINGS,
        reason="Dubbel gefactureerd",
        credit_choice=CreditChoice.REFUND,
    )
    await record_transfer(
        session, ACTOR, note.id, euros(-note.due_cents), TODAY, "terugbetaling-1", TODAY
    )
    data = camt053(
        [
            Line(
                euros(-note.due_cents),
                credit=False,
                party="Gemeente Woerden",
                iban=WOERDEN_IBAN,
                text=f"Terugbetaling {note.number}",
            )
        ]
    )
    summary = await import_file(session, ACTOR, data, SETTINGS, TODAY)
    assert (summary.matched, summary.waiting) == (1, 0)
    allocation = await session.scalar(select(BankAllocation))
    assert allocation is not None
    assert allocation.method is MatchMethod.REFUND
    assert allocation.invoice_id == note.id
    # the refund is accounted for once: the same payment again waits
    again = camt053(
        [
            Line(
                euros(-note.due_cents),
                credit=False,
                iban=WOERDEN_IBAN,
                text=f"{note.number} nog eens",
            )
        ],
        statement_id="STMT-2",
    )
    later = await import_file(session, ACTOR, again, SETTINGS, TODAY)
    assert (later.matched, later.waiting) == (0, 1)


async def test_a_members_account_is_a_valid_iban_of_one_member(
    issued: Issued, session: AsyncSession
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await add_account(session, ACTOR, "woerden", "NL20INGB0001234568")
    assert refused.value.errors[0].code == "invalid_iban"
    with pytest.raises(ValidationFailed) as refused:
        await add_account(session, ACTOR, "woerden", EINDHOVEN_IBAN)
    assert refused.value.errors[0].code == "iban_taken"
    account = await add_account(session, ACTOR, "woerden", "nl20 ingb 0001 2345 67")
    assert account.iban == WOERDEN_IBAN


async def test_control_characters_are_refused_before_they_reach_the_database(
    issued: Issued, session: AsyncSession
) -> None:
    data = mt940([Line("12.10", credit=False, party="ABN AMRO", iban=None, text="Kosten")])
    await import_file(session, ACTOR, data, SETTINGS, TODAY)
    (view,) = await queue(session, ACTOR)
    with pytest.raises(ValidationFailed) as refused:
        await mark_unrelated(session, ACTOR, view.entry.id, "kosten\x00")
    assert refused.value.errors[0].code == "invalid_text"
    with pytest.raises(ValidationFailed) as refused:
        await match_entry(session, ACTOR, view.entry.id, "2023-\x00", TODAY)
    assert refused.value.errors[0].code == "not_found"
    with pytest.raises(ValidationFailed) as refused:
        await add_account(session, ACTOR, "woer\x00den", WOERDEN_IBAN)
    assert refused.value.errors[0].code == "unknown_member"


async def test_the_directie_matches_money_paid_out_to_a_credit_note_as_its_refund(
    issued: Issued, session: AsyncSession
) -> None:
    await record_transfer(
        session, ACTOR, issued.woerden.id, euros(issued.woerden.due_cents), TODAY, "w-1", TODAY
    )
    note = await credit(
        session,
        ACTOR,
        issued.woerden.id,
        TODAY,
        SETTINGS,
        reason="Dubbel gefactureerd",
        credit_choice=CreditChoice.REFUND,
    )
    assert note.number
    assert issued.meierijstad.number
    refund = euros(-note.due_cents)
    data = camt053(
        [
            Line(refund, credit=False, iban=WOERDEN_IBAN, text="terug"),
            Line(euros(issued.meierijstad.due_cents), iban=UNKNOWN_IBAN, text="?"),
        ]
    )
    summary = await import_file(session, ACTOR, data, SETTINGS, TODAY)
    assert (summary.matched, summary.waiting) == (0, 2)  # no refund was recorded yet
    paid_out, received = await queue(session, ACTOR)
    with pytest.raises(ValidationFailed) as refused:
        await match_entry(session, ACTOR, received.entry.id, note.number, TODAY)
    assert refused.value.errors[0].code == "wrong_document"
    with pytest.raises(ValidationFailed) as refused:
        await match_entry(session, ACTOR, paid_out.entry.id, issued.meierijstad.number, TODAY)
    assert refused.value.errors[0].code == "wrong_document"
    await match_entry(session, ACTOR, paid_out.entry.id, note.number, TODAY)
    settlement = await session.scalar(
        select(Settlement).where(
            Settlement.invoice_id == note.id, Settlement.kind == SettlementKind.REFUND
        )
    )
    assert settlement is not None
    assert settlement.amount_cents == note.due_cents  # negative on a credit note
    await session.refresh(note)
    assert note.status is not InvoiceStatus.ISSUED
