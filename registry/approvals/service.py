"""Four-eyes approval: one director prepares an operation, a second director approves it
(which performs it) or rejects it; the preparer may withdraw it while it is pending.

`submit` is the one entry for the adapters: with `Settings.four_eyes` on it prepares a
request, off it performs the operation at once and the document says it was issued by one
director. Approving performs the operation through the billing services (closing a year:
the years service) in the same transaction, so an operation that fails leaves the request
pending and stores nothing.
Services flush, never commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.approvals.errors import ApprovalRefusal
from registry.approvals.models import ApprovalRequest
from registry.approvals.rules import (
    ApprovalKind,
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
from registry.audit.service import add_recorded, recording_change
from registry.auth.policy import Permission, allows, require
from registry.auth.roles import Actor, ActorKind, Role
from registry.billing import credit_notes, invoicing, payments
from registry.billing.document import DocumentKind
from registry.billing.models import Invoice, Settlement
from registry.billing.operations import find_invoice
from registry.db import serialise
from registry.governance.rules import Subject, SubjectKind
from registry.governance.service import refuse_if_conflicted
from registry.kit.clock import today
from registry.kit.errors import Forbidden, NotFound, ValidationFailed
from registry.kit.types import utcnow
from registry.members.models import Member
from registry.settings import Settings
from registry.years.models import FinancialYear
from registry.years.overview import year_overview
from registry.years.service import close_year

LIST_LIMIT = 200
"""At most this many requests in one list, newest first."""


@dataclass(frozen=True, slots=True)
class Performed:
    """What an operation did: the document issued or paid out on, and the refund paid; or
    the financial year closed (no document)."""

    document: Invoice | None = None
    settlement: Settlement | None = None
    year: FinancialYear | None = None

    @property
    def invoice(self) -> Invoice:
        """The document of an operation on one (every kind but closing a year)."""
        assert self.document is not None, "closing a year issues no document"
        return self.document


@dataclass(frozen=True, slots=True)
class Submitted:
    """A submitted operation: performed at once (four-eyes off, or not an operation that
    needs approval) or waiting in `request` for a second director."""

    performed: Performed | None = None
    request: ApprovalRequest | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """What the operation would do, as computed when it was prepared: shown to the approver."""

    member_code: str | None
    member_name: str | None
    """The member the document is for; None for closing a year."""
    document: DocumentKind | None
    """The kind of document issued; None for a refund and for closing a year."""
    invoice_number: str | None
    """The invoice credited, or the credit note refunded; None for issuing a draft."""
    lines: tuple[tuple[int, str, int], ...]
    """Line number, description, net amount in cents (as the document shows it)."""
    net_cents: int
    vat_cents: int
    gross_cents: int
    """Total of the document, the refund's amount, or the gross invoiced in the year closed."""
    year: int | None = None
    """The financial year closed; None for a document."""
    decision: str | None = None
    """The directie decision that closes the year."""
    credited_cents: int = 0
    """The gross of the credit notes issued in the year closed (negative)."""
    documents: int = 0
    """Invoices and credit notes issued in the year closed."""


def summary_of(request: ApprovalRequest) -> Summary:
    values = json.loads(request.summary)
    document = values["document"]
    return Summary(
        member_code=values["member_code"],
        member_name=values["member_name"],
        document=DocumentKind(document) if document else None,
        invoice_number=values["invoice_number"],
        lines=tuple((int(n), str(d), int(c)) for n, d, c in values["lines"]),
        net_cents=int(values["net_cents"]),
        vat_cents=int(values["vat_cents"]),
        gross_cents=int(values["gross_cents"]),
        year=values.get("year"),
        decision=values.get("decision"),
        credited_cents=int(values.get("credited_cents", 0)),
        documents=int(values.get("documents", 0)),
    )


def operation_of(request: ApprovalRequest) -> Operation:
    return from_json(request.kind, request.parameters)


def _person(actor: Actor) -> int | None:
    return actor.user_id if actor.kind is ActorKind.USER else None


async def perform(
    session: AsyncSession,
    actor: Actor,
    operation: Operation,
    today: date,
    settings: Settings,
    *,
    single_director: bool = False,
) -> Performed:
    """The operation by `actor`, through the billing (or years) service that does it."""
    match operation:
        case IssueInvoice(invoice_id=invoice_id, credit_choice=choice):
            issued = await invoicing.issue(
                session, actor, invoice_id, today, settings, choice, single_director=single_director
            )
            return Performed(issued)
        case CreditNote(
            invoice_id=invoice_id, reason=reason, credit_choice=choice, line_numbers=ns
        ):
            note = await credit_notes.credit(
                session,
                actor,
                invoice_id,
                today,
                settings,
                reason=reason,
                credit_choice=choice,
                line_numbers=ns,
                single_director=single_director,
            )
            return Performed(note)
        case Refund(invoice_id=invoice_id, amount=amount, paid_on=paid_on, bank_reference=ref):
            paid = await payments.record_transfer(
                session, actor, invoice_id, amount, paid_on, ref, today
            )
            return Performed(await find_invoice(session, invoice_id), paid)
        case CloseYear(year=year, decision=decision):
            closed = await close_year(session, actor, year, decision, today)
            return Performed(year=closed)


async def submit(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    operation: Operation,
    today: date,
) -> Submitted:
    """Prepare the operation for a second director (four-eyes on), or perform it now."""
    if settings.four_eyes:
        return Submitted(request=await prepare(session, actor, operation, today, settings))
    return Submitted(
        performed=await perform(session, actor, operation, today, settings, single_director=True)
    )


async def record_payment(
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    invoice_id: int,
    amount: str,
    paid_on: date,
    bank_reference: str,
    today: date,
) -> Submitted:
    """A transfer received is recorded at once; a refund paid out is an operation that
    needs a second director (`submit`)."""
    invoice = await find_invoice(session, invoice_id)
    if payments.pays_out(invoice):
        return await submit(
            session, actor, settings, Refund(invoice_id, amount, paid_on, bank_reference), today
        )
    paid = await payments.record_transfer(
        session, actor, invoice_id, amount, paid_on, bank_reference, today
    )
    return Submitted(performed=Performed(invoice, paid))


async def prepare(
    session: AsyncSession,
    actor: Actor,
    operation: Operation,
    today: date,
    settings: Settings,
) -> ApprovalRequest:
    """Store the operation as a pending request, once it would succeed now.

    The operation runs inside a savepoint that is rolled back: its refusals are the
    preparer's, and what it would issue is kept as the request's summary. The same operation
    submitted twice is one request (the pending one is returned).
    """
    person = _person(actor)
    refusal = why_not_prepare(person)
    if refusal is not None or person is None:
        raise Forbidden(refusal or ApprovalRefusal.PERSON_REQUIRED)
    key = pending_key(operation)
    await serialise(session, f"approval:{key}")
    pending = await session.scalar(
        select(ApprovalRequest).where(ApprovalRequest.pending_key == key)
    )
    if pending is not None:
        return pending
    summary, member_id = await _dry_run(session, actor, operation, today, settings)
    request = ApprovalRequest(
        kind=kind_of(operation),
        parameters=to_json(operation),
        summary=summary,
        pending_key=key,
        member_id=member_id,
        status=ApprovalStatus.PENDING,
        prepared_by_user_id=person,
        prepared_by=actor.label,
    )
    await add_recorded(
        session,
        actor,
        request,
        entity_type="approval_request",
        operation="prepare",
        member_id=member_id,
    )
    return request


async def _dry_run(
    session: AsyncSession, actor: Actor, operation: Operation, today: date, settings: Settings
) -> tuple[str, int | None]:
    """The summary of what the operation does, and its member (None for closing a year);
    then nothing of it stays."""
    savepoint = await session.begin_nested()
    try:
        performed = await perform(session, actor, operation, today, settings)
        if isinstance(operation, CloseYear):
            summary, member_id = await _summarise_close(session, operation, today), None
        else:
            summary, member_id = await _summarise(session, performed)
    finally:
        await savepoint.rollback()
    return summary, member_id


async def _summarise_close(session: AsyncSession, operation: CloseYear, today: date) -> str:
    """The year to close, by which decision, and what was issued in it (what it locks)."""
    shown = next(y for y in await year_overview(session, today) if y.year == operation.year)
    values: dict[str, object] = {
        "document": None,
        "invoice_number": None,
        "lines": [],
        "net_cents": 0,
        "vat_cents": 0,
        "gross_cents": shown.invoiced_cents,
        "credited_cents": shown.credited_cents,
        "documents": shown.documents,
        "member_code": None,
        "member_name": None,
        "year": operation.year,
        "decision": operation.decision,
    }
    return json.dumps(values, sort_keys=True, ensure_ascii=False)


async def _summarise(session: AsyncSession, performed: Performed) -> tuple[str, int]:
    document = performed.document
    assert document is not None
    await session.refresh(document, ["lines"])
    member = await session.get(Member, document.member_id)
    assert member is not None
    refund = performed.settlement
    if refund is not None:
        values: dict[str, object] = {
            "document": None,
            "invoice_number": document.number,
            "lines": [],
            "net_cents": 0,
            "vat_cents": 0,
            "gross_cents": abs(refund.amount_cents),
        }
    else:
        corrected = (
            await session.get(Invoice, document.corrects_invoice_id)
            if document.corrects_invoice_id
            else None
        )
        sign = -1 if document.kind is DocumentKind.CREDIT_NOTE else 1
        values = {
            "document": document.kind.value,
            "invoice_number": corrected.number if corrected else None,
            "lines": [[n.line_no, n.description, sign * n.net_cents] for n in document.lines],
            "net_cents": sign * document.net_cents,
            "vat_cents": sign * document.vat_cents,
            "gross_cents": sign * document.gross_cents,
        }
    values |= {"member_code": member.code, "member_name": member.name}
    return json.dumps(values, sort_keys=True, ensure_ascii=False), member.id


async def _locked(session: AsyncSession, request_id: int) -> ApprovalRequest:
    """The request as stored once no other decision on it can run (until this one ends)."""
    await serialise(session, f"approval_request:{request_id}")
    request = await session.scalar(
        select(ApprovalRequest)
        .where(ApprovalRequest.id == request_id)
        .execution_options(populate_existing=True)
    )
    if request is None:
        raise NotFound(ApprovalRefusal.NO_REQUEST, request=str(request_id))
    return request


def _refuse(refusal: ApprovalRefusal, request: ApprovalRequest) -> None:
    if refusal in (ApprovalRefusal.DIRECTORS_DECIDE, ApprovalRefusal.ONLY_PREPARER_WITHDRAWS):
        raise Forbidden(refusal)
    raise ValidationFailed.single("request", refusal, status=request.status)


async def refuse_conflict_of_interest(
    session: AsyncSession, actor: Actor, request: ApprovalRequest
) -> None:
    """A director with a recorded conflict of interest in the request's member (the
    conflicts register of registry/governance/) may neither approve nor reject it."""
    member = await session.get(Member, request.member_id) if request.member_id else None
    if member is None:
        return
    subject = Subject(SubjectKind.MEMBER, member.code)
    await refuse_if_conflicted(session, subject, today(), user_id=_person(actor))


async def _decidable(session: AsyncSession, actor: Actor, request_id: int) -> ApprovalRequest:
    request = await _locked(session, request_id)
    refusal = why_not_decide(
        request.status,
        decider=_person(actor),
        is_director=actor.has_role(Role.DIRECTIE) and allows(actor, Permission.APPROVALS_DECIDE),
        preparer=request.prepared_by_user_id,
    )
    if refusal is not None:
        _refuse(refusal, request)
    await refuse_conflict_of_interest(session, actor, request)
    return request


def _decided(request: ApprovalRequest, actor: Actor, status: ApprovalStatus) -> None:
    request.status = status
    request.pending_key = None
    request.decided_by_user_id = _person(actor)
    request.decided_by = actor.label
    request.decided_at = utcnow()


async def approve(
    session: AsyncSession, actor: Actor, request_id: int, today: date, settings: Settings
) -> tuple[ApprovalRequest, Performed]:
    """A second director approves: the operation is performed now, by the approver."""
    request = await _decidable(session, actor, request_id)
    async with _recording(session, actor, "approve", request):
        performed = await perform(session, actor, operation_of(request), today, settings)
        _decided(request, actor, ApprovalStatus.APPROVED)
        request.result_invoice_id = performed.document.id if performed.document else None
    return request, performed


async def reject(
    session: AsyncSession, actor: Actor, request_id: int, reason: str
) -> ApprovalRequest:
    """A second director rejects, saying why; nothing is performed."""
    request = await _decidable(session, actor, request_id)
    if not reason.strip():
        raise ValidationFailed.single("reason", ApprovalRefusal.REASON_REQUIRED)
    async with _recording(session, actor, "reject", request):
        _decided(request, actor, ApprovalStatus.REJECTED)
        request.reason = reason.strip()
    return request


async def withdraw(session: AsyncSession, actor: Actor, request_id: int) -> ApprovalRequest:
    """The preparer takes a pending request back; nothing is performed."""
    request = await _locked(session, request_id)
    refusal = why_not_withdraw(
        request.status, person=_person(actor), preparer=request.prepared_by_user_id
    )
    if refusal is not None:
        _refuse(refusal, request)
    async with _recording(session, actor, "withdraw", request):
        _decided(request, actor, ApprovalStatus.WITHDRAWN)
    return request


def _recording(
    session: AsyncSession, actor: Actor, operation: str, request: ApprovalRequest
) -> AbstractAsyncContextManager[None]:
    """Record what a decision on a request changes, under the request's member."""
    return recording_change(
        session,
        actor,
        operation,
        request,
        entity_type="approval_request",
        member_id=request.member_id,
    )


async def requests(
    session: AsyncSession,
    actor: Actor,
    statuses: Sequence[ApprovalStatus] = (ApprovalStatus.PENDING,),
) -> list[ApprovalRequest]:
    """The requests with these statuses, newest first (at most `LIST_LIMIT`); directors only."""
    require(actor, Permission.APPROVALS_DECIDE, ApprovalRefusal.DIRECTORS_DECIDE)
    rows = await session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.status.in_(list(statuses)))
        .order_by(ApprovalRequest.id.desc())
        .limit(LIST_LIMIT)
    )
    return list(rows)


async def pending_on(session: AsyncSession, invoice_id: int) -> list[ApprovalRequest]:
    """The pending requests about one document: issuing it, crediting it, a refund on it."""
    keys, credits = keys_about(invoice_id)
    rows = await session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.status == ApprovalStatus.PENDING,
            ApprovalRequest.pending_key.in_(keys)
            | ApprovalRequest.pending_key.startswith(credits, autoescape=True),
        )
        .order_by(ApprovalRequest.id)
    )
    return list(rows)


async def pending_closes(session: AsyncSession) -> dict[int, ApprovalRequest]:
    """The pending requests to close a financial year, by year."""
    rows = await session.scalars(
        select(ApprovalRequest).where(
            ApprovalRequest.status == ApprovalStatus.PENDING,
            ApprovalRequest.kind == ApprovalKind.CLOSE_YEAR,
        )
    )
    found: dict[int, ApprovalRequest] = {}
    for row in rows:
        operation = operation_of(row)
        if isinstance(operation, CloseYear):
            found[operation.year] = row
    return found


async def request_by_id(session: AsyncSession, actor: Actor, request_id: int) -> ApprovalRequest:
    require(actor, Permission.APPROVALS_DECIDE, ApprovalRefusal.DIRECTORS_DECIDE)
    request = await session.get(ApprovalRequest, request_id)
    if request is None:
        raise NotFound(ApprovalRefusal.NO_REQUEST, request=str(request_id))
    return request
