"""Which invoice a bank line pays, or which refund it is: pure rules, no I/O.

A credit line (money received) is matched, in this order:
1. by the invoice number (the payment reference on every invoice) in its remittance text:
   matched when exactly one open invoice is named and the line pays exactly what is open;
2. else by the payer's account: matched when the account belongs to a member that has exactly
   one open invoice for exactly the line's amount.
A debit line (money paid out) is matched to a refund recorded earlier for the same amount,
whose credit note is named in the text or whose member owns the receiving account.
Anything else waits for the directie, with the reason it was not matched. Lines are matched
in order and what one line pays is no longer open for the next.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.bank.models import Direction, MatchMethod, WaitReason

_NUMBER = re.compile(r"(?<!\d)(\d{4})[-/ ]?(\d{6})(?!\d)")


@dataclass(frozen=True, slots=True)
class Line:
    direction: Direction
    amount_cents: int
    counterparty_iban: str | None
    remittance: str


@dataclass(frozen=True, slots=True)
class OpenDocument:
    """An issued invoice (open > 0) or credit note still to be refunded."""

    id: int
    number: str
    member_id: int
    open_cents: int
    credit_note: bool = False


@dataclass(frozen=True, slots=True)
class RecordedRefund:
    settlement_id: int
    invoice_id: int
    number: str
    member_id: int
    amount_cents: int
    """Positive: what was paid back."""


@dataclass(frozen=True, slots=True)
class Matched:
    invoice_id: int
    amount_cents: int
    method: MatchMethod
    settlement_id: int | None = None
    """For a refund: the settlement recorded earlier that the line pays out."""


@dataclass(frozen=True, slots=True)
class Waiting:
    reason: WaitReason


Decision = Matched | Waiting


def invoice_numbers(text: str) -> list[str]:
    """The invoice numbers (`2023-000012`, also written `2023000012`) in a text, in order."""
    found: list[str] = []
    for year, sequence in _NUMBER.findall(text):
        number = f"{year}-{sequence}"
        if 2000 <= int(year) <= 2999 and number not in found:
            found.append(number)
    return found


def match_lines(
    lines: Sequence[Line],
    documents: Sequence[OpenDocument],
    accounts: Mapping[str, int],
    refunds: Sequence[RecordedRefund],
) -> list[Decision]:
    """One decision per line, in order; `accounts` maps an IBAN to the member it belongs to."""
    open_cents = {d.id: d.open_cents for d in documents}
    by_number = {d.number: d for d in documents}
    unused_refunds = list(refunds)
    decisions: list[Decision] = []
    for line in lines:
        if line.direction is Direction.CREDIT:
            decision = _credit(line, documents, by_number, open_cents, accounts)
            if isinstance(decision, Matched):
                open_cents[decision.invoice_id] -= decision.amount_cents
        else:
            decision = _debit(line, unused_refunds, accounts)
            if isinstance(decision, Matched):
                unused_refunds = [
                    r for r in unused_refunds if r.settlement_id != decision.settlement_id
                ]
        decisions.append(decision)
    return decisions


def _credit(
    line: Line,
    documents: Sequence[OpenDocument],
    by_number: Mapping[str, OpenDocument],
    open_cents: Mapping[int, int],
    accounts: Mapping[str, int],
) -> Decision:
    named = invoice_numbers(line.remittance)
    if len(named) > 1:
        return Waiting(WaitReason.SEVERAL_INVOICES)
    if named:
        document = by_number.get(named[0])
        if document is None or document.credit_note or open_cents[document.id] <= 0:
            return Waiting(WaitReason.INVOICE_NOT_OPEN)
        if open_cents[document.id] != line.amount_cents:
            return Waiting(WaitReason.AMOUNT_DIFFERS)
        return Matched(document.id, line.amount_cents, MatchMethod.REFERENCE)
    member = accounts.get(line.counterparty_iban or "")
    if member is None:
        return Waiting(WaitReason.NO_MATCH)
    fitting = [
        d
        for d in documents
        if d.member_id == member and not d.credit_note and open_cents[d.id] == line.amount_cents
    ]
    if len(fitting) == 1:
        return Matched(fitting[0].id, line.amount_cents, MatchMethod.AMOUNT_AND_IBAN)
    return Waiting(WaitReason.AMBIGUOUS if fitting else WaitReason.NO_MATCH)


def _debit(line: Line, refunds: Sequence[RecordedRefund], accounts: Mapping[str, int]) -> Decision:
    named = set(invoice_numbers(line.remittance))
    member = accounts.get(line.counterparty_iban or "")
    fitting = [
        r
        for r in refunds
        if r.amount_cents == line.amount_cents and (r.number in named or r.member_id == member)
    ]
    if len(fitting) == 1:
        refund = fitting[0]
        return Matched(
            refund.invoice_id, line.amount_cents, MatchMethod.REFUND, refund.settlement_id
        )
    return Waiting(WaitReason.AMBIGUOUS if fitting else WaitReason.NO_REFUND)


def split_problem(line_cents: int, parts: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """(total, line) when the parts (document id, cents) of a split do not add up to the line."""
    total = sum(cents for _, cents in parts)
    return None if total == line_cents else (total, line_cents)
