"""The journal entries, pure: every transaction balances to the cent, and the receivables
account holds exactly what is still open on the documents, whatever the documents are."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.billing.document import DocumentKind, VatCode
from registry.billing.models import LineCategory, SettlementKind
from registry.billing.rules import line_vat_groups, split_credit, totals
from registry.journal.chart import default_chart_text, parse_chart
from registry.journal.entries import (
    Document,
    DocumentLine,
    JournalCode,
    OpeningCredit,
    Overpayment,
    Payment,
    balances,
    document_entry,
    journal,
    opening_credit_entry,
    payment_entry,
)
from registry.kit.errors import ValidationFailed

CHART = parse_chart(default_chart_text())
START = date(2024, 1, 1)
VATS = [
    (VatCode.STANDARD, Decimal("21")),
    (VatCode.STANDARD, Decimal("9")),
    (VatCode.EXEMPT, Decimal("0")),
    (VatCode.ZERO, Decimal("0")),
]

lines = st.lists(
    st.builds(
        lambda category, net, vat: DocumentLine(category, net, vat[0], vat[1]),
        st.sampled_from(list(LineCategory)),
        st.integers(min_value=1, max_value=10**9),
        st.sampled_from(VATS),
    ),
    min_size=1,
    max_size=6,
)


Book = tuple[list[Document], list[Payment], list[Overpayment], list[OpeningCredit], int, int]


@st.composite
def books(draw: st.DrawFn) -> Book:
    """Opening balances of the previous bookkeeping (open invoices without lines, credit
    balances on 1 January), then invoices, some credited (carried or left to refund),
    payments up to what is open; returns what is still open on all documents together and the
    net amount of the opening balances (open invoices less credit) as the last values."""
    documents: list[Document] = []
    payments: list[Payment] = []
    overpayments: list[Overpayment] = []
    open_of: dict[str, int] = {}
    opening_credits = [
        OpeningCredit(n, "woerden", amount, START)
        for n, amount in enumerate(
            draw(st.lists(st.integers(min_value=1, max_value=10**8), max_size=2))
        )
    ]
    credit = sum(c.amount_cents for c in opening_credits)
    opening_net = -credit
    for n in range(draw(st.integers(min_value=0, max_value=3))):
        day = START - timedelta(days=draw(st.integers(min_value=1, max_value=730)))
        amount = draw(st.integers(min_value=1, max_value=10**9))
        number = f"VF-{n}"
        documents.append(
            Document(1000 + n, number, DocumentKind.INVOICE, "woerden", day, (), 0, amount, True)
        )
        open_of[number] = amount
        opening_net += amount
        paid = draw(st.integers(min_value=0, max_value=amount))
        if paid:
            paid_on = START + timedelta(days=draw(st.integers(min_value=0, max_value=364)))
            payments.append(
                Payment(
                    len(payments),
                    number,
                    "woerden",
                    SettlementKind.BANK_TRANSFER,
                    paid,
                    paid_on,
                    "ref",
                )
            )
            open_of[number] -= paid
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        day = START + timedelta(days=draw(st.integers(min_value=0, max_value=364)))
        invoice_lines = tuple(draw(lines))
        gross = totals(line_vat_groups(invoice_lines)).gross_cents
        prepaid = min(credit, gross)
        credit -= prepaid
        number = f"2024-{2 * n + 1:06d}"
        documents.append(
            Document(
                n,
                number,
                DocumentKind.INVOICE,
                "woerden",
                day,
                invoice_lines,
                prepaid,
                gross - prepaid,
            )
        )
        open_of[number] = gross - prepaid
        paid = draw(st.integers(min_value=0, max_value=open_of[number]))
        kind = draw(st.sampled_from([SettlementKind.BANK_TRANSFER, SettlementKind.STRIPE]))
        if paid:
            payments.append(Payment(len(payments), number, "woerden", kind, paid, day, "ref"))
            open_of[number] -= paid
        if draw(st.booleans()):
            overpayments.append(Overpayment(n, number, "woerden", 500, day, "pi_1"))
            credit += 500
        if draw(st.booleans()):  # credit the whole invoice
            reversed_lines = tuple(
                DocumentLine(line.category, -line.net_cents, line.vat_code, line.vat_rate)
                for line in invoice_lines
            )
            note_gross = totals(line_vat_groups(reversed_lines)).gross_cents
            note = f"2024-{2 * n + 2:06d}"
            documents.append(
                Document(
                    100 + n,
                    note,
                    DocumentKind.CREDIT_NOTE,
                    "woerden",
                    day,
                    reversed_lines,
                    0,
                    note_gross,
                )
            )
            split = split_credit(-note_gross, open_of[number])
            open_of[note] = note_gross
            if split.applied_cents:
                for document, amount in (
                    (number, split.applied_cents),
                    (note, -split.applied_cents),
                ):
                    payments.append(
                        Payment(
                            len(payments),
                            document,
                            "woerden",
                            SettlementKind.CREDIT_NOTE,
                            amount,
                            day,
                            "cn",
                        )
                    )
                    open_of[document] -= amount
            if split.remainder_cents:
                kind = draw(st.sampled_from([SettlementKind.CARRIED, SettlementKind.REFUND, None]))
                if kind is not None:
                    payments.append(
                        Payment(
                            len(payments), note, "woerden", kind, -split.remainder_cents, day, "r"
                        )
                    )
                    open_of[note] += split.remainder_cents
                    if kind is SettlementKind.CARRIED:
                        credit += split.remainder_cents
    return documents, payments, overpayments, opening_credits, sum(open_of.values()), opening_net


@given(books())
def test_every_transaction_balances_and_receivables_are_what_is_open(book: Book) -> None:
    documents, payments, overpayments, opening_credits, still_open, opening_net = book
    entries = journal(documents, payments, overpayments, CHART, "nl", opening_credits)
    for entry in entries:
        assert entry.debit_cents == entry.credit_cents
        assert all((line.debit_cents == 0) != (line.credit_cents == 0) for line in entry.lines)
    totals = balances(entries)
    assert totals.get(CHART.receivables, 0) == still_open
    assert sum(totals.values()) == 0
    # The suspense account holds the net opening balance (a credit); nothing else touches it.
    assert totals.get(CHART.opening_balances, 0) == -opening_net
    # Opening credit is in the books before anything of the year deducts it.
    from_start = [entry.number for entry in entries if entry.on >= START]
    assert from_start[: len(opening_credits)] == [f"opening-credit-{c.id}" for c in opening_credits]


def test_opening_balances_are_memorial_entries_against_the_suspense_account() -> None:
    opening = Document(
        9,
        "VF-2022-0412",
        DocumentKind.INVOICE,
        "woerden",
        date(2022, 11, 15),
        (),
        0,
        123_456,
        opening_balance=True,
    )
    entry = document_entry(opening, CHART, "en")
    assert (entry.journal, entry.number, entry.on) == (
        JournalCode.MEMORIAL,
        "opening-VF-2022-0412",
        date(2022, 11, 15),
    )
    assert entry.description == "Opening balance: open invoice VF-2022-0412 woerden"
    assert [(line.account, line.debit_cents, line.credit_cents) for line in entry.lines] == [
        ("1300", 123_456, 0),  # receivables: what is open
        ("2010", 0, 123_456),  # tussenrekening beginbalans
    ]
    credit = opening_credit_entry(OpeningCredit(3, "woerden", 7_500, START), CHART)
    assert (credit.journal, credit.number, credit.on) == (
        JournalCode.MEMORIAL,
        "opening-credit-3",
        START,
    )
    assert credit.description == "Beginbalans: tegoed van woerden"
    assert [(line.account, line.debit_cents, line.credit_cents) for line in credit.lines] == [
        ("2010", 7_500, 0),
        ("1510", 0, 7_500),  # the member's credit
    ]


def test_an_invoice_books_revenue_per_kind_and_vat_per_rate() -> None:
    document = Document(
        1,
        "2024-000001",
        DocumentKind.INVOICE,
        "woerden",
        date(2024, 3, 1),
        (
            DocumentLine(LineCategory.CONTRIBUTION, 1_830_465, VatCode.EXEMPT, Decimal(0)),
            DocumentLine(LineCategory.USAGE_FEE, 5_555, VatCode.STANDARD, Decimal(21)),
            DocumentLine(LineCategory.USAGE_FEE, 5_445, VatCode.STANDARD, Decimal(21)),
        ),
        prepaid_cents=10_000,
        due_cents=1_830_465 + 11_000 + 2_310 - 10_000,
    )
    entry = document_entry(document, CHART)
    assert entry.journal is JournalCode.SALES
    assert [(line.account, line.debit_cents, line.credit_cents) for line in entry.lines] == [
        ("1300", 1_833_775, 0),  # receivables: what is due
        ("1510", 10_000, 0),  # the member's credit it used
        ("8000", 0, 1_830_465),  # contributions
        ("8200", 0, 11_000),  # usage fees
        ("1671", 0, 2_310),  # VAT 21% on 110.00, rounded once per rate
    ]


def test_a_refund_takes_money_from_the_bank_and_a_note_settling_its_invoice_books_nothing() -> None:
    refund = Payment(7, "2024-000002", "woerden", SettlementKind.REFUND, -2_500, START, "NL-1")
    entry = payment_entry(refund, CHART)
    assert entry is not None
    assert [(line.account, line.debit_cents, line.credit_cents) for line in entry.lines] == [
        ("1100", 0, 2_500),
        ("1300", 2_500, 0),
    ]
    applied = Payment(8, "2024-000001", "woerden", SettlementKind.CREDIT_NOTE, 2_500, START, "cn")
    assert payment_entry(applied, CHART) is None


def test_a_chart_without_an_account_for_a_kind_of_line_is_refused() -> None:
    text = default_chart_text().replace('usage_fee = "8200"\n', "")
    with pytest.raises(ValidationFailed) as refused:
        parse_chart(text)
    assert [e.message for e in refused.value.errors] == [
        "the chart of accounts assigns no ledger account to revenue.usage_fee"
    ]
    without_suspense = default_chart_text().replace('opening_balances = "2010"\n', "")
    with pytest.raises(ValidationFailed) as refused:
        parse_chart(without_suspense)
    assert [e.message for e in refused.value.errors] == [
        "the chart of accounts assigns no ledger account to opening_balances"
    ]
    wrong = default_chart_text().replace('bank = "1100"', 'bank = "9999"')
    with pytest.raises(ValidationFailed) as refused:
        parse_chart(wrong)
    assert refused.value.errors[0].message == (
        "the chart of accounts refers to account 9999, which it does not list"
    )


def test_a_vat_rate_without_an_account_is_refused() -> None:
    document = Document(
        1,
        "2024-000001",
        DocumentKind.INVOICE,
        "woerden",
        START,
        (DocumentLine(LineCategory.USAGE_FEE, 10_000, VatCode.STANDARD, Decimal(6)),),
        0,
        10_600,
    )
    with pytest.raises(ValidationFailed) as refused:
        document_entry(document, CHART)
    assert refused.value.errors[0].code == "chart_invalid"
