"""The four-eyes queue: what one director prepared (issuing an invoice or a credit note, a
refund, closing a financial year), shown as it will be done, with the forms for a second
director to approve or reject it, and for the preparer to withdraw it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Response

from registry.approvals import service
from registry.approvals.rules import ApprovalKind, ApprovalStatus, why_not_decide, why_not_withdraw
from registry.auth.policy import Permission
from registry.auth.roles import Role
from registry.billing import payments
from registry.billing.gateway import PaymentGateway
from registry.kit.clock import today
from registry.kit.errors import FieldError, Forbidden
from registry.web.access import audience
from registry.web.deps import CurrentVisit, Visit
from registry.web.forms import Flash, notice_for, posted, shown_again, submit
from registry.web.pages import render

INVOICE_NOTICE_KEY = "invoice_notice"
"""The invoice page's notice (registry/web/invoices.py `NOTICE_KEY`)."""
APPROVED_NOTICE = {
    ApprovalKind.ISSUE_INVOICE: "issued",
    ApprovalKind.CREDIT_NOTE: "credited",
    ApprovalKind.REFUND: "transfer",
}
YEAR_NOTICE_KEY = "year_notice"
"""The financial years page's notice (registry/web/years.py `NOTICE_KEY`)."""
NOTICE_KEY = "approval_notice"
"""Session key of the message shown once after a decision (approved, rejected, withdrawn)."""


async def queue_page(
    visit: Visit,
    *,
    errors: tuple[FieldError, ...] = (),
    failed: int | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The pending requests, each with what it will do and what this director may do."""
    try:
        pending = await service.requests(visit.db, visit.actor)
        decided = await service.requests(
            visit.db,
            visit.actor,
            (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.WITHDRAWN),
        )
    except Forbidden as refused:
        raise PermissionDeniedException(refused.message) from None
    person = visit.actor.user_id
    rows = [
        {
            "request": r,
            "summary": service.summary_of(r),
            "operation": service.operation_of(r),
            "may_decide": why_not_decide(
                r.status,
                decider=person,
                is_director=visit.actor.has_role(Role.DIRECTIE),
                preparer=r.prepared_by_user_id,
            )
            is None,
            "may_withdraw": why_not_withdraw(
                r.status, person=person, preparer=r.prepared_by_user_id
            )
            is None,
        }
        for r in pending
    ]
    return render(
        visit.request,
        "approvals/index.html",
        {
            "active_page": "invoices",
            "rows": rows,
            "decided": decided[:20],
            "errors": errors,
            "failed": failed,
            "form": form or {},
            "notice": notice_for(visit, NOTICE_KEY),
        },
        status_code=status_code,
    )


async def _decide(
    visit: Visit,
    request_id: int,
    store: Callable[[], Awaitable[object]],
    notice: str,
    form: dict[str, str] | None = None,
) -> Response[Any]:
    """A decision on a request that changes nothing else (rejected, withdrawn): back to the
    queue with `notice`; refused, the queue with that request's form as typed; a request that
    is not there a 404, one this director may not decide a 403."""
    return await submit(
        visit,
        store,
        lambda _: Flash(NOTICE_KEY, notice, "/goedkeuringen"),
        shown_again(queue_page, visit, failed=request_id, form=form),
        missing_is_404=True,
        forbidden_is_403=True,
    )


class ApprovalPagesController(Controller):
    path = "/goedkeuringen"
    include_in_schema = False

    @get("/", name="approvals", opt=audience(Permission.APPROVALS_DECIDE))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await queue_page(visit)

    @post("/{request_id:int}/goedkeuren", opt=audience(Permission.APPROVALS_DECIDE))
    async def approve(self, visit: CurrentVisit, request_id: FromPath[int]) -> Response[Any]:
        """Approve: the operation is performed now; an issued invoice then asks for payment."""
        await posted(visit.request)

        async def approve() -> Flash:
            approved, performed = await service.approve(
                visit.db, visit.actor, request_id, today(), visit.settings
            )
            if performed.year is not None:
                # The years page says the year is closed, as when it is closed without
                # four-eyes.
                return Flash(
                    YEAR_NOTICE_KEY, {"form": "close", "year": performed.year.year}, "/boekjaren"
                )
            gateway: PaymentGateway | None = visit.request.app.state.payment_gateway
            document_id = performed.invoice.id
            if performed.settlement is None:
                await payments.request_payment(visit.db, gateway, performed.invoice)
            # The invoice page says what happened, as when it is done without four-eyes.
            return Flash(
                INVOICE_NOTICE_KEY,
                APPROVED_NOTICE[approved.kind],
                f"/facturen/{document_id}",
            )

        return await submit(
            visit,
            approve,
            lambda flash: flash,
            shown_again(queue_page, visit, failed=request_id),
            missing_is_404=True,
            forbidden_is_403=True,
        )

    @post("/{request_id:int}/afwijzen", opt=audience(Permission.APPROVALS_DECIDE))
    async def reject(self, visit: CurrentVisit, request_id: FromPath[int]) -> Response[Any]:
        form = await posted(visit.request)
        reason = form.get("reason", "")
        return await _decide(
            visit,
            request_id,
            partial(service.reject, visit.db, visit.actor, request_id, reason),
            "rejected",
            {"reason": reason},
        )

    @post("/{request_id:int}/intrekken", opt=audience(Permission.APPROVALS_DECIDE))
    async def withdraw(self, visit: CurrentVisit, request_id: FromPath[int]) -> Response[Any]:
        await posted(visit.request)
        return await _decide(
            visit,
            request_id,
            partial(service.withdraw, visit.db, visit.actor, request_id),
            "withdrawn",
        )
