"""Four-eyes approval: the requests one director prepared, and a second director's approval
or rejection; the preparer withdraws. Issuing, crediting and refunding make the requests
(see the billing mutations' `approvalRequest`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from registry.approvals import service
from registry.approvals.errors import ApprovalRefusal
from registry.approvals.models import ApprovalRequest as Row
from registry.approvals.rules import ApprovalKind, ApprovalStatus
from registry.auth.policy import Permission
from registry.billing.document import DocumentKind
from registry.graphql.attributes import amounts
from registry.graphql.context import Info
from registry.graphql.errors import FieldError, field_errors
from registry.graphql.issued import request_payment_of_issued
from registry.graphql.money import Money
from registry.graphql.mutating import act_on, answer, listed
from registry.graphql.permissions import field_for, mutation
from registry.graphql.relay import known_id
from registry.kit.clock import today
from registry.kit.errors import DomainError, NotFound

strawberry.enum(ApprovalKind, name="ApprovalKind")
strawberry.enum(ApprovalStatus, name="ApprovalStatus")


@strawberry.type(description="A line of the document the operation issues, as prepared.")
class ApprovalLine:
    line_no: int
    description: str
    net: Money


@strawberry.type(
    description="An operation one director prepared (issue an invoice, a credit note, a "
    "refund, close a financial year), waiting for, or decided by, a second director."
)
class ApprovalRequest:
    id: strawberry.ID
    kind: ApprovalKind
    status: ApprovalStatus
    member_code: str | None = strawberry.field(
        description="The member the document is for; null for closing a year."
    )
    member_name: str | None
    document: DocumentKind | None = strawberry.field(
        description="The kind of document issued; null for a refund and for closing a year."
    )
    invoice_number: str | None = strawberry.field(
        description="The invoice credited, or the credit note refunded."
    )
    lines: list[ApprovalLine]
    net: Money
    vat: Money
    gross: Money = strawberry.field(
        description="The document's total, the refund, or the gross invoiced in the year closed."
    )
    year: int | None = strawberry.field(
        description="The financial year to close; null for a document."
    )
    decision: str | None = strawberry.field(
        description="Reference of the directie decision that closes the year."
    )
    credited: Money = strawberry.field(
        description="Closing a year: the gross of the credit notes issued in it (negative)."
    )
    documents: int = strawberry.field(
        description="Closing a year: the invoices and credit notes issued in it."
    )
    prepared_by: str
    prepared_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None = strawberry.field(description="Why it was rejected.")
    result_invoice_id: strawberry.ID | None = strawberry.field(
        description="The document issued, or refunded on, once approved."
    )

    @classmethod
    def of(cls, row: Row) -> ApprovalRequest:
        summary = service.summary_of(row)
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            status=row.status,
            member_code=summary.member_code,
            member_name=summary.member_name,
            document=summary.document,
            invoice_number=summary.invoice_number,
            lines=[
                ApprovalLine(line_no=n, description=d, net=Money.of_cents(c))
                for n, d, c in summary.lines
            ],
            **amounts(summary, "net", "vat", "gross", "credited"),
            year=summary.year,
            decision=summary.decision,
            documents=summary.documents,
            prepared_by=row.prepared_by,
            prepared_at=row.prepared_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            reason=row.reason,
            result_invoice_id=(
                strawberry.ID(str(row.result_invoice_id)) if row.result_invoice_id else None
            ),
        )


@strawberry.type
class ApprovalPayload:
    request: ApprovalRequest | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


def _no_request(value: strawberry.ID) -> NotFound:
    """The refusal for an id that names no request."""
    return NotFound(ApprovalRefusal.NO_REQUEST, request=str(value))


_REQUEST = answer(ApprovalPayload, "request", ApprovalRequest.of)


@strawberry.type
class ApprovalsQuery:
    @field_for(
        Permission.APPROVALS_DECIDE,
        "Four-eyes requests, newest first (at most 200): the pending ones unless statuses "
        "are given.",
    )
    async def approval_requests(
        self, info: Info, statuses: list[ApprovalStatus] | None = None
    ) -> list[ApprovalRequest]:
        return await listed(
            info, ApprovalRequest.of, service.requests, statuses or [ApprovalStatus.PENDING]
        )


@strawberry.type
class ApprovalsMutation:
    @mutation(
        Permission.APPROVALS_DECIDE,
        "A second director approves a pending request: the operation is performed now, by "
        "them. The preparer cannot approve their own request.",
    )
    async def approval_approve(self, info: Info, id: strawberry.ID) -> ApprovalPayload:
        try:
            async with info.context.transaction() as session:
                request, performed = await service.approve(
                    session,
                    info.context.actor,
                    known_id(id, _no_request(id)),
                    today(),
                    info.context.settings,
                )
                answer = ApprovalPayload(request=ApprovalRequest.of(request))
                issued = (
                    None
                    if performed.settlement or performed.document is None
                    else performed.document.id
                )
        except DomainError as error:
            return ApprovalPayload(errors=field_errors(error))
        if issued is not None:
            await request_payment_of_issued(info, issued)
        return answer

    @mutation(
        Permission.APPROVALS_DECIDE, "A second director rejects a pending request, saying why."
    )
    async def approval_reject(self, info: Info, id: strawberry.ID, reason: str) -> ApprovalPayload:
        return await act_on(info, _REQUEST, service.reject, id, _no_request(id), reason)

    @mutation(Permission.APPROVALS_DECIDE, "The preparer withdraws their pending request.")
    async def approval_withdraw(self, info: Info, id: strawberry.ID) -> ApprovalPayload:
        return await act_on(info, _REQUEST, service.withdraw, id, _no_request(id))
