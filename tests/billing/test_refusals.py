"""Billing rules that explain a refusal give it as a phrase in the reader's language."""

from __future__ import annotations

import pytest

from registry.billing.document import DocumentKind
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import PaymentDeclined
from registry.billing.models import Invoice, InvoiceStatus
from registry.billing.payments import _declined, why_not_payable
from registry.billing.rules import check_payment
from registry.kit.errors import Euro, Phrase, RefusedValue, ValidationFailed
from registry.kit.money import parse_euro


def test_forbidden_and_not_found_keep_their_wire_codes() -> None:
    assert BillingRefusal.DIRECTIE_ISSUES_INVOICES.code == "forbidden"
    assert BillingRefusal.NO_INVOICE.code == "not_found"


def test_a_payment_of_nothing_is_refused() -> None:
    assert check_payment(0, 10_000) == Phrase(BillingRefusal.AMOUNT_NOT_POSITIVE)
    assert check_payment(-1, 10_000) == Phrase(BillingRefusal.AMOUNT_NOT_POSITIVE)


def test_a_payment_above_what_is_open_names_the_open_amount_in_euros() -> None:
    phrase = check_payment(123_457, 123_456)
    assert phrase == Phrase(BillingRefusal.AMOUNT_ABOVE_OPEN, {"open": Euro(123_456)})
    assert phrase.code == "invalid_amount"
    assert phrase.text("en") == "more than the €1,234.56 still open"
    assert phrase.text("nl") == "Het bedrag is hoger dan de €\u00a01.234,56 die nog openstaat."


def test_a_payment_up_to_what_is_open_is_accepted() -> None:
    assert check_payment(1, 10_000) is None
    assert check_payment(10_000, 10_000) is None


@pytest.mark.parametrize(
    ("kind", "status", "settled", "refusal"),
    [
        (DocumentKind.INVOICE, InvoiceStatus.ISSUED, 0, None),
        (DocumentKind.INVOICE, InvoiceStatus.ISSUED, 500, BillingRefusal.PARTLY_SETTLED),
        (DocumentKind.INVOICE, InvoiceStatus.PAID, 10_000, BillingRefusal.ALREADY_PAID),
        (DocumentKind.INVOICE, InvoiceStatus.CREDITED, 0, BillingRefusal.INVOICE_CREDITED),
        (DocumentKind.INVOICE, InvoiceStatus.PARTIALLY_PAID, 500, BillingRefusal.PARTLY_SETTLED),
        (DocumentKind.INVOICE, InvoiceStatus.DRAFT, 0, BillingRefusal.NOT_PAYABLE),
        (DocumentKind.CREDIT_NOTE, InvoiceStatus.ISSUED, 0, BillingRefusal.NOT_PAYABLE),
    ],
)
def test_only_an_untouched_open_invoice_is_paid_online(
    kind: DocumentKind, status: InvoiceStatus, settled: int, refusal: BillingRefusal | None
) -> None:
    problem = why_not_payable(Invoice(kind=kind, status=status, settled_cents=settled))
    assert (problem.phrase.refusal if problem else None) is refusal
    if problem is not None:
        assert problem.field == "invoice"


def test_a_declined_card_gives_the_gateway_reason_or_says_it_was_declined() -> None:
    explained = _declined(PaymentDeclined("Your card has insufficient funds."))
    assert explained.code == "card_declined"
    assert explained.text("en") == "Your card has insufficient funds."
    assert explained.text("nl").startswith("De bank of kaartuitgever heeft de betaling geweigerd")
    unexplained = _declined(PaymentDeclined(None))
    assert (unexplained.code, unexplained.text("en")) == ("card_declined", "the card was declined")


def test_an_unreadable_amount_keeps_its_code_and_explains_in_the_same_language() -> None:
    with pytest.raises(RefusedValue) as refused:
        parse_euro("1.000")
    error = ValidationFailed.single(
        "amount", BillingRefusal.INVALID_AMOUNT, reason=refused.value.phrase
    ).errors[0]
    assert error.code == "invalid_amount"
    assert error.text("nl").startswith("Ongeldig bedrag: '1.000' is niet eenduidig")
    assert error.text("en").startswith("'1.000' is ambiguous")
