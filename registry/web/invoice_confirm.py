"""Issuing an invoice or a credit note is irreversible (numbered in the invoices' gapless
sequence): before it is stored the directie sees what the service would issue, computed by
that service in the request's transaction and then rolled back, and confirms it."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import FormMultiDict
from litestar.response import Response

from registry.billing.document import DocumentKind
from registry.billing.models import CreditChoice, Invoice
from registry.kit.labels import label
from registry.web.deps import Visit
from registry.web.pages import render


async def confirm_page(
    visit: Visit,
    document: Invoice,
    *,
    action: str,
    back: str,
    hidden: list[tuple[str, str]],
    facts: list[tuple[str, object]],
) -> Response[Any]:
    """The document as it would be issued, then nothing stored; the form to confirm it.

    The keys of `facts` are message ids, translated by the page; a date among the values is
    written out."""
    await visit.db.refresh(document, ["lines"])
    summary = {
        "lines": [(line.line_no, line.description, line.net_cents) for line in document.lines],
        "gross_cents": document.gross_cents,
    }
    credit_note = document.kind is DocumentKind.CREDIT_NOTE
    await visit.db.rollback()  # the number, the lines, the audit event: none of it stays
    return render(
        visit.request,
        "invoices/confirm.html",
        {
            "active_page": "invoices",
            "summary": summary,
            "credit_note": credit_note,
            "action": action,
            "back": back,
            "hidden": hidden,
            "facts": facts,
            "four_eyes": visit.settings.four_eyes,
        },
    )


async def credit_summary(
    visit: Visit, invoice_id: int, note: Invoice, form: FormMultiDict
) -> Response[Any]:
    choice = note.credit_choice or CreditChoice(str(form.get("credit_choice") or "carry"))
    reason = str(form.get("reason") or "")
    return await confirm_page(
        visit,
        note,
        action=f"/facturen/{invoice_id}/crediteren",
        back=f"/facturen/{invoice_id}",
        hidden=[
            *(("regel", str(n)) for n in form.getall("regel", [])),
            ("reason", reason),
            ("credit_choice", choice.value),
        ],
        facts=[
            ("Reden", reason),
            (
                "Wat er met een tegoed gebeurt dat overblijft",
                label(choice, visit.language),
            ),
        ],
    )


async def issue_summary(
    visit: Visit, invoice: Invoice, member_name: str, form: FormMultiDict
) -> Response[Any]:
    choice = str(form.get("credit_choice") or "")
    return await confirm_page(
        visit,
        invoice,
        action=f"/facturen/{invoice.id}/uitgeven",
        back=f"/facturen/{invoice.id}",
        hidden=[("credit_choice", choice)] if choice else [],
        facts=[
            ("Lid", member_name),
            ("Nummer", invoice.number or ""),
            ("Factuurdatum", invoice.issue_date),
            ("Vervaldatum", invoice.due_date),
        ],
    )
