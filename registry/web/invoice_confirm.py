"""A credit note is irreversible (numbered in the invoices' sequence): before it is stored the
directie sees a summary of what the service would issue, computed by that service in the
request's transaction and then rolled back, and confirms it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.models import Invoice
from registry.web.pages import render


async def credit_summary(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    invoice_id: int,
    note: Invoice,
    form: FormMultiDict,
) -> Response[Any]:
    """The credit note as it would be, then nothing stored; the form to confirm it."""
    await db_session.refresh(note, ["lines"])
    summary = {
        "lines": [(line.line_no, line.description, line.net_cents) for line in note.lines],
        "net_cents": note.net_cents,
        "vat_cents": note.vat_cents,
        "gross_cents": note.gross_cents,
        "credit_choice": (
            note.credit_choice.value if note.credit_choice else str(form.get("credit_choice") or "")
        ),
        "reason": str(form.get("reason") or ""),
    }
    await db_session.rollback()  # the number, the lines, the audit event: none of it stays
    return render(
        request,
        "invoices/credit_confirm.html",
        {
            "active_page": "invoices",
            "invoice_id": invoice_id,
            "summary": summary,
            "chosen": [str(n) for n in form.getall("regel", [])],
        },
    )
