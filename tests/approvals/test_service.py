"""Four-eyes approval through the services: prepare, approve (performs once), reject,
withdraw; and with four-eyes off the document says one director issued it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.approvals import service
from registry.approvals.errors import ApprovalRefusal
from registry.approvals.models import ApprovalRequest
from registry.approvals.rules import ApprovalStatus, CreditNote, IssueInvoice, Refund
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.billing.document import SINGLE_DIRECTOR_NOTE, DocumentKind
from registry.billing.models import CreditChoice, Invoice, InvoiceStatus, Settlement
from registry.billing.pdf import to_pdf
from registry.billing.reading import document_of
from registry.billing.ubl import to_ubl
from registry.db import transaction
from registry.governance.errors import GovernanceRefusal
from registry.governance.models import BodyPerson, Conflict, PersonRole
from registry.governance.rules import SubjectKind
from registry.kit.errors import Forbidden, ValidationFailed
from registry.members.models import DecisionBody, Member
from tests.approvals.four_eyes import (
    ANNE,
    AUDITOR,
    BART,
    CARLA,
    FOUR_EYES,
    ONE_DIRECTOR,
    TODAY,
    billed,
    cooperative,
    drafted,
    pool_members,
)

__all__ = ["billed", "cooperative", "drafted", "pool_members"]


@dataclass(frozen=True)
class Draft:
    id: int
    gross_cents: int
    nets: list[int]


async def _woerden(session: AsyncSession, drafts: list[Invoice]) -> Draft:
    """Woerden's draft as it was stored (a dry run expires the ORM's copy)."""
    assert drafts
    found = await session.scalar(
        select(Invoice).where(
            Invoice.member_code == "woerden", Invoice.status == InvoiceStatus.DRAFT
        )
    )
    assert found is not None
    await session.refresh(found, ["lines"])
    return Draft(found.id, found.gross_cents, [line.net_cents for line in found.lines])


async def _prepared(session: AsyncSession, draft: Draft) -> ApprovalRequest:
    submitted = await service.submit(session, ANNE, FOUR_EYES, IssueInvoice(draft.id), TODAY)
    assert submitted.performed is None
    assert submitted.request is not None
    await session.commit()
    return submitted.request


async def _numbered(session: AsyncSession) -> list[str]:
    return list(
        await session.scalars(
            select(Invoice.number).where(Invoice.number.is_not(None)).order_by(Invoice.number)
        )
    )


async def _operations(session: AsyncSession) -> list[str]:
    return list(
        await session.scalars(
            select(AuditEvent.operation)
            .where(AuditEvent.entity_type == "approval_request")
            .order_by(AuditEvent.seq)
        )
    )


async def test_preparing_stores_a_request_and_issues_nothing(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    request = await _prepared(billed, draft)
    assert request.status is ApprovalStatus.PENDING
    assert request.prepared_by_user_id == ANNE.user_id
    summary = service.summary_of(request)
    assert summary.member_code == "woerden"
    assert summary.document is DocumentKind.INVOICE
    assert summary.gross_cents == draft.gross_cents
    assert [line[2] for line in summary.lines] == draft.nets
    billed.expire_all()
    assert await _numbered(billed) == []
    stored = await billed.get(Invoice, draft.id)
    assert stored is not None
    assert stored.status is InvoiceStatus.DRAFT
    assert await _operations(billed) == ["prepare"]


async def test_a_double_submit_makes_one_request(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    first = await _prepared(billed, draft)
    second = await _prepared(billed, draft)
    assert first.id == second.id
    assert await billed.scalar(select(func.count()).select_from(ApprovalRequest)) == 1


async def test_the_preparer_and_a_non_director_cannot_approve(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    request = await _prepared(billed, await _woerden(billed, drafted))
    with pytest.raises(ValidationFailed) as same:
        await service.approve(billed, ANNE, request.id, TODAY, FOUR_EYES)
    assert same.value.errors[0].phrase.refusal is ApprovalRefusal.SAME_PERSON
    with pytest.raises(Forbidden) as other:
        await service.approve(billed, AUDITOR, request.id, TODAY, FOUR_EYES)
    assert other.value.phrase.refusal is ApprovalRefusal.DIRECTORS_DECIDE
    assert await _numbered(billed) == []


async def test_a_second_director_approves_and_the_invoice_is_issued_once(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    request = await _prepared(billed, draft)
    approved, performed = await service.approve(billed, BART, request.id, TODAY, FOUR_EYES)
    await billed.commit()
    assert approved.status is ApprovalStatus.APPROVED
    assert approved.decided_by_user_id == BART.user_id
    assert approved.result_invoice_id == draft.id == performed.document.id
    assert performed.document.issued_by == BART.label
    assert not performed.document.single_director
    assert await _numbered(billed) == ["2023-000001"]
    with pytest.raises(ValidationFailed) as again:
        await service.approve(billed, BART, request.id, TODAY, FOUR_EYES)
    assert again.value.errors[0].phrase.refusal is ApprovalRefusal.NOT_PENDING
    await billed.rollback()
    assert await _numbered(billed) == ["2023-000001"]
    assert await _operations(billed) == ["prepare", "approve"]
    issued = await billed.get(Invoice, draft.id, populate_existing=True)
    assert issued is not None
    await billed.refresh(issued, ["lines"])
    document = await document_of(billed, issued, FOUR_EYES)
    assert document.note is None


async def test_a_rejected_request_cannot_be_approved(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    request = await _prepared(billed, await _woerden(billed, drafted))
    with pytest.raises(ValidationFailed) as no_reason:
        await service.reject(billed, BART, request.id, "  ")
    assert no_reason.value.errors[0].phrase.refusal is ApprovalRefusal.REASON_REQUIRED
    first = request.id
    await service.reject(billed, BART, request.id, "Eerst de tarieven nakijken")
    await billed.commit()
    with pytest.raises(ValidationFailed) as refused:
        await service.approve(billed, BART, request.id, TODAY, FOUR_EYES)
    assert refused.value.errors[0].phrase.refusal is ApprovalRefusal.NOT_PENDING
    await billed.rollback()
    assert await _numbered(billed) == []
    assert await _operations(billed) == ["prepare", "reject"]
    # Rejected, the operation may be prepared again: a new request.
    again = await _prepared(billed, await _woerden(billed, drafted))
    assert again.id != first


async def test_only_the_preparer_withdraws(billed: AsyncSession, drafted: list[Invoice]) -> None:
    request = await _prepared(billed, await _woerden(billed, drafted))
    with pytest.raises(Forbidden):
        await service.withdraw(billed, BART, request.id)
    withdrawn = await service.withdraw(billed, ANNE, request.id)
    assert withdrawn.status is ApprovalStatus.WITHDRAWN
    assert withdrawn.pending_key is None
    await billed.commit()
    assert await _operations(billed) == ["prepare", "withdraw"]


async def test_an_operation_that_fails_leaves_the_request_pending_and_nothing_stored(
    billed: AsyncSession,
    drafted: list[Invoice],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    request = await _prepared(billed, await _woerden(billed, drafted))
    # Meanwhile the member lost its identifiers: issuing is refused.
    await billed.execute(update(Member).where(Member.code == "woerden").values(oin=None, kvk=None))
    await billed.commit()
    with pytest.raises(ValidationFailed):
        async with transaction(session_factory) as session:
            await service.approve(session, BART, request.id, TODAY, FOUR_EYES)
    async with session_factory() as session:
        stored = await session.get(ApprovalRequest, request.id)
        assert stored is not None
        assert stored.status is ApprovalStatus.PENDING
        assert stored.pending_key is not None
        assert await _numbered(session) == []
        assert await _operations(session) == ["prepare"]


async def test_a_preparation_the_billing_service_refuses_stores_no_request(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    await service.perform(billed, ANNE, IssueInvoice(draft.id), TODAY, ONE_DIRECTOR)
    await billed.commit()
    with pytest.raises(ValidationFailed):
        await service.submit(billed, ANNE, FOUR_EYES, IssueInvoice(draft.id), TODAY)
    await billed.rollback()
    assert await billed.scalar(select(func.count()).select_from(ApprovalRequest)) == 0


async def test_with_four_eyes_off_it_acts_at_once_and_the_documents_say_so(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    submitted = await service.submit(billed, ANNE, ONE_DIRECTOR, IssueInvoice(draft.id), TODAY)
    assert submitted.request is None
    assert submitted.performed is not None
    invoice = submitted.performed.document
    assert invoice.single_director
    document = await document_of(billed, invoice, ONE_DIRECTOR)
    assert document.note == SINGLE_DIRECTOR_NOTE
    assert SINGLE_DIRECTOR_NOTE.encode() in to_ubl(document)
    with pdfplumber.open(io.BytesIO(to_pdf(document))) as pdf:
        text = " ".join(" ".join((p.extract_text() or "") for p in pdf.pages).split())
    assert SINGLE_DIRECTOR_NOTE in text
    credit = await service.submit(
        billed,
        ANNE,
        ONE_DIRECTOR,
        CreditNote(invoice.id, "Verkeerd tarief", CreditChoice.REFUND, (1,)),
        TODAY,
    )
    assert credit.performed is not None
    note = await document_of(billed, credit.performed.document, ONE_DIRECTOR)
    assert note.note == f"Verkeerd tarief — {SINGLE_DIRECTOR_NOTE}"


async def test_a_credit_note_and_its_refund_wait_for_a_second_director(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    draft = await _woerden(billed, drafted)
    issued = await service.perform(billed, ANNE, IssueInvoice(draft.id), TODAY, FOUR_EYES)
    due = issued.document.due_cents
    # Paid in full, so the whole credit is paid back.
    await service.record_payment(
        billed, ANNE, FOUR_EYES, draft.id, f"{due // 100},{due % 100:02d}", TODAY, "IN-1", TODAY
    )
    await billed.commit()
    credit = await service.submit(
        billed, ANNE, FOUR_EYES, CreditNote(draft.id, "Dubbel", CreditChoice.REFUND), TODAY
    )
    assert credit.request is not None
    summary = service.summary_of(credit.request)
    assert summary.document is DocumentKind.CREDIT_NOTE
    assert summary.invoice_number == "2023-000001"
    assert summary.gross_cents == draft.gross_cents
    await billed.commit()
    _, performed = await service.approve(billed, BART, credit.request.id, TODAY, FOUR_EYES)
    note = performed.document
    await billed.commit()
    assert note.kind is DocumentKind.CREDIT_NOTE
    assert note.due_cents < 0
    refund = await service.record_payment(
        billed, ANNE, FOUR_EYES, note.id, "1,00", TODAY, "TERUG-1", TODAY
    )
    assert refund.request is not None
    assert service.summary_of(refund.request).gross_cents == 100
    await billed.commit()
    assert (
        await billed.scalar(
            select(func.count()).select_from(Settlement).where(Settlement.reference == "TERUG-1")
        )
        == 0
    )
    _, paid = await service.approve(billed, BART, refund.request.id, TODAY, FOUR_EYES)
    assert paid.settlement is not None
    assert paid.settlement.amount_cents == -100
    assert isinstance(service.operation_of(refund.request), Refund)


async def test_a_director_with_a_conflict_of_interest_in_the_member_does_not_decide(
    billed: AsyncSession, drafted: list[Invoice]
) -> None:
    """The conflicts register of the governance is asked before approving or rejecting."""
    request_id = (await _prepared(billed, await _woerden(billed, drafted))).id
    woerden = await billed.scalar(select(Member).where(Member.code == "woerden"))
    assert woerden is not None
    billed.add(User(id=BART.user_id, issuer="https://login.example", subject="bart"))
    await billed.flush()
    bart = BodyPerson(
        name=BART.label,
        body=DecisionBody.DIRECTIE,
        role=PersonRole.DIRECTOR,
        user_id=BART.user_id,
        starts_on=TODAY.replace(year=TODAY.year - 1),
    )
    billed.add(bart)
    await billed.flush()
    billed.add(
        Conflict(
            person_id=bart.id,
            subject_kind=SubjectKind.MEMBER,
            subject_reference="woerden",
            starts_on=TODAY.replace(year=TODAY.year - 1),
        )
    )
    await billed.commit()
    with pytest.raises(Forbidden) as refused:
        await service.approve(billed, BART, request_id, TODAY, FOUR_EYES)
    assert refused.value.phrase.refusal is GovernanceRefusal.CONFLICTED
    await billed.rollback()
    with pytest.raises(Forbidden) as refused:
        await service.reject(billed, BART, request_id, "Niet in orde.")
    assert refused.value.phrase.refusal is GovernanceRefusal.CONFLICTED
    await billed.rollback()
    assert await _numbered(billed) == []
    approved, _ = await service.approve(billed, CARLA, request_id, TODAY, FOUR_EYES)
    assert approved.status is ApprovalStatus.APPROVED
