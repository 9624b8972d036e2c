"""Four-eyes rules: who decides, who withdraws, and how an operation is stored and named."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from registry.approvals.errors import ApprovalRefusal
from registry.approvals.rules import (
    ApprovalStatus,
    CloseYear,
    CreditNote,
    IssueInvoice,
    Operation,
    Refund,
    from_json,
    keys_about,
    kind_of,
    pending_key,
    to_json,
    why_not_decide,
    why_not_prepare,
    why_not_withdraw,
)
from registry.billing.models import CreditChoice


def test_a_second_director_approves_a_pending_request() -> None:
    assert why_not_decide(ApprovalStatus.PENDING, decider=2, is_director=True, preparer=1) is None


def test_the_preparer_cannot_approve_what_they_prepared() -> None:
    refusal = why_not_decide(ApprovalStatus.PENDING, decider=1, is_director=True, preparer=1)
    assert refusal is ApprovalRefusal.SAME_PERSON


def test_only_a_director_decides() -> None:
    refusal = why_not_decide(ApprovalStatus.PENDING, decider=3, is_director=False, preparer=1)
    assert refusal is ApprovalRefusal.DIRECTORS_DECIDE


def test_a_decision_needs_a_person() -> None:
    refusal = why_not_decide(ApprovalStatus.PENDING, decider=None, is_director=True, preparer=1)
    assert refusal is ApprovalRefusal.PERSON_REQUIRED
    assert why_not_prepare(None) is ApprovalRefusal.PERSON_REQUIRED
    assert why_not_prepare(7) is None


def test_a_decided_request_cannot_be_decided_again() -> None:
    for status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.WITHDRAWN):
        refusal = why_not_decide(status, decider=2, is_director=True, preparer=1)
        assert refusal is ApprovalRefusal.NOT_PENDING


def test_only_the_preparer_withdraws_and_only_while_pending() -> None:
    assert why_not_withdraw(ApprovalStatus.PENDING, person=1, preparer=1) is None
    assert (
        why_not_withdraw(ApprovalStatus.PENDING, person=2, preparer=1)
        is ApprovalRefusal.ONLY_PREPARER_WITHDRAWS
    )
    assert (
        why_not_withdraw(ApprovalStatus.REJECTED, person=1, preparer=1)
        is ApprovalRefusal.NOT_PENDING
    )


def test_the_same_operation_has_the_same_key() -> None:
    assert pending_key(IssueInvoice(4)) == pending_key(IssueInvoice(4, CreditChoice.REFUND))
    assert pending_key(CreditNote(4, "fout", CreditChoice.CARRY, (2, 1))) == pending_key(
        CreditNote(4, "anders", CreditChoice.REFUND, (1, 2, 2))
    )
    assert pending_key(CreditNote(4, "fout", CreditChoice.CARRY)) != pending_key(
        CreditNote(4, "fout", CreditChoice.CARRY, (1,))
    )
    assert pending_key(Refund(4, "10", date(2026, 1, 2), "a")) != pending_key(IssueInvoice(4))


def test_a_year_is_closed_by_one_request_whatever_the_decision() -> None:
    assert pending_key(CloseYear(2025, "DIR-1")) == "close_year:2025"
    assert pending_key(CloseYear(2025, "DIR-1")) == pending_key(CloseYear(2025, "DIR-2"))
    assert pending_key(CloseYear(2025, "DIR-1")) != pending_key(CloseYear(2024, "DIR-1"))
    exact, credits = keys_about(2025)
    assert pending_key(CloseYear(2025, "DIR-1")) not in exact
    assert not pending_key(CloseYear(2025, "DIR-1")).startswith(credits)


def test_the_keys_about_a_document_cover_every_operation_on_it() -> None:
    exact, credits = keys_about(4)
    assert pending_key(IssueInvoice(4)) in exact
    assert pending_key(Refund(4, "1", date(2026, 1, 2), "x")) in exact
    assert pending_key(CreditNote(4, "r", CreditChoice.CARRY, (3,))).startswith(credits)
    assert not pending_key(CreditNote(41, "r", CreditChoice.CARRY)).startswith(credits)


operations = st.one_of(
    st.builds(
        IssueInvoice, st.integers(1, 10**9), st.one_of(st.none(), st.sampled_from(CreditChoice))
    ),
    st.builds(
        CreditNote,
        st.integers(1, 10**9),
        st.text(),
        st.sampled_from(CreditChoice),
        st.one_of(
            st.none(),
            st.lists(st.integers(1, 500), min_size=1, unique=True).map(sorted).map(tuple),
        ),
    ),
    st.builds(Refund, st.integers(1, 10**9), st.text(), st.dates(), st.text()),
    st.builds(CloseYear, st.integers(1900, 9999), st.text()),
)


@given(operations)
def test_an_operation_is_stored_and_read_back_unchanged(operation: Operation) -> None:
    stored = to_json(operation)
    assert from_json(kind_of(operation), stored) == operation
    assert to_json(from_json(kind_of(operation), stored)) == stored
