"""Four-eyes approval as pure rules: what an operation waiting for approval is, how it is
stored, and who may decide on it. No I/O.

An operation is one of the typed parameter sets below; it is stored as canonical JSON
(`to_json`, read back by `from_json`) and named by its `pending_key`: at most one pending
request per key, so a double submit makes one request.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date

from registry.approvals.errors import ApprovalRefusal
from registry.billing.models import CreditChoice


class ApprovalKind(enum.StrEnum):
    ISSUE_INVOICE = "issue_invoice"
    CREDIT_NOTE = "credit_note"
    REFUND = "refund"
    CLOSE_YEAR = "close_year"


class ApprovalStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class IssueInvoice:
    """Number a draft (invoice, or a net credit from a run) and fix it for good."""

    invoice_id: int
    credit_choice: CreditChoice | None = None


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A credit note reversing lines (all when `line_numbers` is None) of an issued invoice."""

    invoice_id: int
    reason: str
    credit_choice: CreditChoice
    line_numbers: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class Refund:
    """Money paid out on a credit note, recorded as a transfer."""

    invoice_id: int
    amount: str
    paid_on: date
    bank_reference: str


@dataclass(frozen=True, slots=True)
class CloseYear:
    """Close a financial year by a directie decision: afterwards nothing is dated in it.

    Reopening is not an operation here: it stays a decision of its own, audited."""

    year: int
    decision: str


Operation = IssueInvoice | CreditNote | Refund | CloseYear


def kind_of(operation: Operation) -> ApprovalKind:
    match operation:
        case IssueInvoice():
            return ApprovalKind.ISSUE_INVOICE
        case CreditNote():
            return ApprovalKind.CREDIT_NOTE
        case Refund():
            return ApprovalKind.REFUND
        case CloseYear():
            return ApprovalKind.CLOSE_YEAR


def pending_key(operation: Operation) -> str:
    """What makes two requests the same operation: one draft issued, the same lines of one
    invoice credited, one refund of a credit note, one year closed (whatever the decision)."""
    match operation:
        case IssueInvoice(invoice_id=invoice):
            return f"issue_invoice:{invoice}"
        case CreditNote(invoice_id=invoice, line_numbers=lines):
            chosen = "all" if lines is None else ",".join(str(n) for n in sorted(set(lines)))
            return f"credit_note:{invoice}:{chosen}"
        case Refund(invoice_id=invoice):
            return f"refund:{invoice}"
        case CloseYear(year=year):
            return f"close_year:{year}"


def keys_about(invoice_id: int) -> tuple[tuple[str, ...], str]:
    """The pending keys of operations on one document: the exact ones (issuing it, a refund
    on it) and the prefix every credit of its lines starts with."""
    return (f"issue_invoice:{invoice_id}", f"refund:{invoice_id}"), f"credit_note:{invoice_id}:"


def to_json(operation: Operation) -> str:
    """The operation's parameters as canonical JSON (sorted keys, no spaces)."""
    match operation:
        case IssueInvoice(invoice_id=invoice, credit_choice=choice):
            values: dict[str, object] = {
                "invoice_id": invoice,
                "credit_choice": choice.value if choice else None,
            }
        case CreditNote(invoice_id=invoice, reason=reason, credit_choice=choice, line_numbers=ns):
            values = {
                "invoice_id": invoice,
                "reason": reason,
                "credit_choice": choice.value,
                "line_numbers": None if ns is None else sorted(set(ns)),
            }
        case Refund(invoice_id=invoice, amount=amount, paid_on=paid_on, bank_reference=ref):
            values = {
                "invoice_id": invoice,
                "amount": amount,
                "paid_on": paid_on.isoformat(),
                "bank_reference": ref,
            }
        case CloseYear(year=year, decision=decision):
            values = {"year": year, "decision": decision}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(kind: ApprovalKind, text: str) -> Operation:
    """The operation `to_json` stored."""
    values = json.loads(text)
    match kind:
        case ApprovalKind.ISSUE_INVOICE:
            choice = values["credit_choice"]
            return IssueInvoice(int(values["invoice_id"]), CreditChoice(choice) if choice else None)
        case ApprovalKind.CREDIT_NOTE:
            lines = values["line_numbers"]
            return CreditNote(
                int(values["invoice_id"]),
                str(values["reason"]),
                CreditChoice(values["credit_choice"]),
                None if lines is None else tuple(int(n) for n in lines),
            )
        case ApprovalKind.REFUND:
            return Refund(
                int(values["invoice_id"]),
                str(values["amount"]),
                date.fromisoformat(values["paid_on"]),
                str(values["bank_reference"]),
            )
        case ApprovalKind.CLOSE_YEAR:
            return CloseYear(int(values["year"]), str(values["decision"]))


def why_not_prepare(person: int | None) -> ApprovalRefusal | None:
    """Only a person (not a token, not a command) prepares: the approver must be another."""
    return ApprovalRefusal.PERSON_REQUIRED if person is None else None


def why_not_decide(
    status: ApprovalStatus, *, decider: int | None, is_director: bool, preparer: int
) -> ApprovalRefusal | None:
    """Why this person may not approve or reject the request, or None.

    A second director decides: a person with the directie role who is not the preparer,
    and only while the request is pending.
    """
    if not is_director:
        return ApprovalRefusal.DIRECTORS_DECIDE
    if decider is None:
        return ApprovalRefusal.PERSON_REQUIRED
    if decider == preparer:
        return ApprovalRefusal.SAME_PERSON
    if status is not ApprovalStatus.PENDING:
        return ApprovalRefusal.NOT_PENDING
    return None


def why_not_withdraw(
    status: ApprovalStatus, *, person: int | None, preparer: int
) -> ApprovalRefusal | None:
    """Only the preparer withdraws, and only a pending request."""
    if person is None or person != preparer:
        return ApprovalRefusal.ONLY_PREPARER_WITHDRAWS
    if status is not ApprovalStatus.PENDING:
        return ApprovalRefusal.NOT_PENDING
    return None
