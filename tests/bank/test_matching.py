"""The matching rules on their own: by reference, by amount and account, refunds; and, for
any statement, never more matched to an invoice than is open."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from registry.bank.matching import (
    Line,
    Matched,
    OpenDocument,
    RecordedRefund,
    Waiting,
    invoice_numbers,
    match_lines,
)
from registry.bank.models import Direction, MatchMethod, WaitReason

A = OpenDocument(1, "2023-000001", member_id=10, open_cents=25_000)
B = OpenDocument(2, "2023-000002", member_id=20, open_cents=9_999)
C = OpenDocument(3, "2023-000003", member_id=20, open_cents=9_999)
NOTE = OpenDocument(4, "2023-000004", member_id=10, open_cents=5_000, credit_note=True)
ACCOUNTS = {"NL20INGB0001234567": 10, "NL39RABO0300065264": 20}


def credit(cents: int, text: str = "", iban: str | None = None) -> Line:
    return Line(Direction.CREDIT, cents, iban, text)


def test_invoice_numbers_are_found_as_people_write_them() -> None:
    text = "Fact. 2023-000012 en 2023000013, ook 2023/000012; niet 12023-0000123"
    assert invoice_numbers(text) == ["2023-000012", "2023-000013"]


def test_a_reference_matches_when_the_line_pays_exactly_what_is_open() -> None:
    decisions = match_lines(
        [
            credit(25_000, "factuur 2023-000001"),
            credit(100, "factuur 2023-000002"),
            credit(100, "2023-000009"),
            credit(100, "2023-000001 2023-000002"),
            credit(5_000, "2023-000004"),
        ],
        [A, B, NOTE],
        {},
        [],
    )
    assert decisions == [
        Matched(1, 25_000, MatchMethod.REFERENCE),
        Waiting(WaitReason.AMOUNT_DIFFERS),
        Waiting(WaitReason.INVOICE_NOT_OPEN),
        Waiting(WaitReason.SEVERAL_INVOICES),
        Waiting(WaitReason.INVOICE_NOT_OPEN),  # money received does not pay a credit note
    ]


def test_an_invoice_paid_by_one_line_is_no_longer_open_for_the_next() -> None:
    decisions = match_lines(
        [credit(25_000, "2023-000001"), credit(25_000, "2023-000001")], [A], {}, []
    )
    assert decisions == [
        Matched(1, 25_000, MatchMethod.REFERENCE),
        Waiting(WaitReason.INVOICE_NOT_OPEN),
    ]


def test_without_a_reference_the_members_account_and_the_exact_amount_decide() -> None:
    decisions = match_lines(
        [
            credit(25_000, "contributie", "NL20INGB0001234567"),
            credit(9_999, "", "NL39RABO0300065264"),  # two invoices of 99,99 are open
            credit(25_000, "", "NL02ABNA0123456789"),  # an account nobody has
        ],
        [A, B, C],
        ACCOUNTS,
        [],
    )
    assert decisions == [
        Matched(1, 25_000, MatchMethod.AMOUNT_AND_IBAN),
        Waiting(WaitReason.AMBIGUOUS),
        Waiting(WaitReason.NO_MATCH),
    ]


def test_a_debit_is_the_refund_recorded_for_the_same_amount_and_member() -> None:
    refund = RecordedRefund(
        70, invoice_id=4, number="2023-000004", member_id=10, amount_cents=5_000
    )
    decisions = match_lines(
        [
            Line(Direction.DEBIT, 5_000, "NL20INGB0001234567", "terugbetaling"),
            Line(Direction.DEBIT, 5_000, "NL20INGB0001234567", "terugbetaling"),
            Line(Direction.DEBIT, 1_210, None, "kosten"),
        ],
        [],
        ACCOUNTS,
        [refund],
    )
    assert decisions == [
        Matched(4, 5_000, MatchMethod.REFUND, settlement_id=70),
        Waiting(WaitReason.NO_REFUND),  # the refund is accounted for already
        Waiting(WaitReason.NO_REFUND),
    ]


documents = st.lists(
    st.builds(
        OpenDocument,
        id=st.integers(1, 6),
        number=st.sampled_from(["2023-000001", "2023-000002", "2023-000003"]),
        member_id=st.sampled_from([10, 20]),
        open_cents=st.integers(1, 500),
        credit_note=st.booleans(),
    ),
    max_size=6,
    unique_by=(lambda d: d.id, lambda d: d.number),
)
lines = st.lists(
    st.builds(
        Line,
        direction=st.sampled_from(list(Direction)),
        amount_cents=st.integers(1, 500),
        counterparty_iban=st.sampled_from([None, *ACCOUNTS]),
        remittance=st.sampled_from(["", "2023-000001", "2023-000002 2023-000003", "x"]),
    ),
    max_size=12,
)


@given(lines, documents)
def test_no_invoice_is_ever_paid_more_than_is_open(
    statement: list[Line], open_documents: list[OpenDocument]
) -> None:
    decisions = match_lines(statement, open_documents, ACCOUNTS, [])
    assert len(decisions) == len(statement)
    paid: dict[int, int] = {}
    for line, decision in zip(statement, decisions, strict=True):
        if isinstance(decision, Matched):
            assert decision.amount_cents == line.amount_cents  # a match takes the whole line
            assert line.direction is Direction.CREDIT  # no refunds were recorded
            paid[decision.invoice_id] = paid.get(decision.invoice_id, 0) + decision.amount_cents
    for document in open_documents:
        assert paid.get(document.id, 0) <= document.open_cents
        if document.credit_note:
            assert document.id not in paid
