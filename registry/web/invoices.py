"""Invoice pages: the directie's invoicing run and drafts, one invoice with its documents and
payments, a member's invoices and invoice details, and paying an invoice online by card.

Drafts are stored only when they are what the preview showed: the run form carries the
SHA-256 of the previewed lines, and a store that comes out different is rolled back. A card
payment never marks an invoice paid itself; the gateway's signed webhook does.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Response
from sqlalchemy.ext.asyncio import AsyncSession

from registry.approvals import service as approvals
from registry.approvals.rules import CreditNote, IssueInvoice
from registry.auth.policy import Permission, allows
from registry.billing import (
    credit_notes,
    invoicing,
    payments,
    reading,
    reminders,
    repository,
    rules,
)
from registry.billing.document import InvoiceDocument
from registry.billing.errors import BillingRefusal
from registry.billing.gateway import PaymentGateway
from registry.billing.models import CreditChoice, DeliveryChannel, Invoice, InvoiceStatus
from registry.billing.rules import line_vat_groups, outstanding
from registry.http.headers import CSP_OPT, PAYMENT_POLICY
from registry.kit.clock import today
from registry.kit.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_error
from registry.members import repository as members
from registry.members.models import Member
from registry.web.access import audience
from registry.web.deps import AnyRequest, CurrentVisit, Visit, member_or_404
from registry.web.forms import (
    Flash,
    iso_date,
    notice_for,
    posted,
    redirect_with,
    shown_again,
    submit,
)
from registry.web.invoice_confirm import credit_summary, issue_summary
from registry.web.pages import attachment, render

T = TypeVar("T")
NOTICE_KEY = "invoice_notice"
"""Session key of the message shown once after a change (drafts made, issued, paid, ...)."""
APPROVAL_NOTICE_KEY = "approval_notice"
"""The four-eyes queue's notice (registry/web/approvals.py `NOTICE_KEY`)."""
INPUTS_FIELD = "invoer"
"""Form field with the SHA-256 of the draft lines the directie saw in the preview."""

LISTS: dict[str, tuple[InvoiceStatus, ...]] = {
    "open": rules.OPEN,
    "paid": (InvoiceStatus.PAID,),
    "credited": (InvoiceStatus.CREDITED,),
    "all": (
        InvoiceStatus.ISSUED,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.CREDITED,
    ),
}
"""The status filter of the invoice list; open (issued or partly paid) first."""


def _gateway(request: AnyRequest) -> PaymentGateway | None:
    gateway: PaymentGateway | None = request.app.state.payment_gateway
    return gateway


def _codes(text: str) -> list[str]:
    """Member codes typed with commas or spaces between them."""
    return [code for code in re.split(r"[\s,;]+", text.strip()) if code]


def _choice(value: str | None) -> CreditChoice | None:
    try:
        return CreditChoice(value) if value else None
    except ValueError:
        raise ValidationFailed.single(
            "creditChoice", BillingRefusal.UNKNOWN_CREDIT_CHOICE
        ) from None


def _channel(value: str | None) -> DeliveryChannel | None:
    """The chosen delivery channel; None (kept as it is) for a value that is not one."""
    return next((c for c in DeliveryChannel if c.value == value), None)


async def _readable(visit: Visit, invoice_id: int) -> Invoice:
    """The invoice if this person may read it; the service's refusals as page refusals."""
    try:
        return await reading.readable_invoice(visit.db, visit.actor, invoice_id)
    except Forbidden as refused:
        raise PermissionDeniedException(refused.message) from None
    except NotFound as missing:
        raise NotFoundException(missing.message) from None


async def _names(db_session: AsyncSession, invoices: Iterable[Invoice]) -> dict[int, Member]:
    return await members.members_by_ids(db_session, sorted({i.member_id for i in invoices}))


# The invoicing run


@dataclass(frozen=True, slots=True)
class RunForm:
    until: str = ""
    members: str = ""


def _digest(until: date, lines: Iterable[tuple[str, str, int, str, str]]) -> str:
    """SHA-256 of what a run drafts: per member and item the net amount and its VAT.

    Amounts of the same item add up, so an existing draft plus the new preview digests the
    same as the draft rebuilt from both when the run is stored.
    """
    summed: dict[tuple[str, str, str, str], int] = {}
    for member, key, cents, code, rate in lines:
        summed[(member, key, code, rate)] = summed.get((member, key, code, rate), 0) + cents
    content = {
        "until": until.isoformat(),
        "lines": sorted([*k, v] for k, v in summed.items() if v),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _draft_lines(drafts: Iterable[Invoice]) -> list[tuple[str, str, int, str, str]]:
    return [
        (d.member_code, line.item_key, line.net_cents, line.vat_code.value, str(line.vat_rate))
        for d in drafts
        for line in d.lines
    ]


def _preview_lines(
    previews: Iterable[invoicing.DraftPreview],
) -> list[tuple[str, str, int, str, str]]:
    return [
        (p.member.code, line.item.key, line.net_cents, line.vat.code.value, str(line.vat.rate))
        for p in previews
        for line in p.lines
    ]


def _chosen(drafts: Sequence[Invoice], codes: Sequence[str]) -> list[Invoice]:
    """The drafts a run of these members rebuilds (all of them when no member is named)."""
    return [d for d in drafts if not codes or d.member_code in codes]


async def _index_page(
    visit: Visit,
    *,
    run: RunForm | None = None,
    errors: Sequence[FieldError] = (),
    problem: str | None = None,
    failed_draft: int | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """Open invoices for directie and auditors; the drafts and the run for the directie."""
    listed = visit.request.query_params.get("status", "open")
    if listed not in LISTS:
        listed = "open"
    only_overdue = visit.request.query_params.get("vervallen") == "1"
    day = today()
    invoices = await repository.invoices(visit.db, statuses=LISTS[listed])
    if only_overdue:
        invoices = [i for i in invoices if reading.overdue(i, day)]
    may_manage = allows(visit.actor, Permission.BILLING_MANAGE)
    drafts = await repository.invoices(visit.db, statuses=[InvoiceStatus.DRAFT])
    run = run or RunForm(
        visit.request.query_params.get("tot", ""), visit.request.query_params.get("leden", "")
    )
    previews: list[invoicing.DraftPreview] | None = None
    digest = None
    if may_manage and run.until and not errors:
        try:
            until = iso_date(run.until, "until", BillingRefusal.INVALID_DATE)
            codes = _codes(run.members)
            previews = await invoicing.preview_invoice_run(
                visit.db, visit.actor, until, codes or None
            )
            digest = _digest(until, _preview_lines(previews) + _draft_lines(_chosen(drafts, codes)))
        except ValidationFailed as failed:
            errors = failed.errors
    return render(
        visit.request,
        "invoices/index.html",
        {
            "active_page": "invoices",
            "invoices": invoices,
            "drafts": drafts if may_manage else [],
            "names": await _names(visit.db, [*invoices, *drafts]),
            "listed": listed,
            "lists": list(LISTS),
            "only_overdue": only_overdue,
            "overdue": {i.id for i in invoices if reading.overdue(i, day)},
            "may_manage": may_manage,
            "run": run,
            "previews": previews,
            "digest": digest,
            "inputs_field": INPUTS_FIELD,
            "errors": errors,
            "problem": problem,
            "failed_draft": failed_draft,
            "notice": notice_for(visit, NOTICE_KEY),
            "today": day,
        },
        status_code=status_code,
    )


# One invoice


async def _invoice_page(
    visit: Visit,
    invoice: Invoice,
    *,
    errors: Sequence[FieldError] = (),
    form: dict[str, str] | None = None,
    failed_form: str | None = None,
    status_code: int = 200,
) -> Response[Any]:
    """The invoice with its amounts and payments; the forms its reader may use."""
    member = await members.member_by_code(visit.db, invoice.member_code)
    assert member is not None
    may_manage = allows(visit.actor, Permission.BILLING_MANAGE)
    gateway = _gateway(visit.request)
    corrects = (
        await visit.db.get(Invoice, invoice.corrects_invoice_id)
        if invoice.corrects_invoice_id
        else None
    )
    credited = await repository.credited_line_keys(visit.db, invoice.id)
    creditable = [line for line in invoice.lines if line.item_key not in credited]
    is_open = invoice.status in rules.OPEN
    payable = payments.why_not_payable(invoice) is None and allows(
        visit.actor, Permission.INVOICES_PAY, invoice.member_id
    )
    return render(
        visit.request,
        "invoices/invoice.html",
        {
            "active_page": "mine" if invoice.member_id in visit.actor.member_ids else "invoices",
            "invoice": invoice,
            "member": member,
            "groups": line_vat_groups(invoice.lines),
            "settlements": await repository.settlements_of(visit.db, [invoice.id]),
            "corrections": await repository.corrections_of(visit.db, invoice.id),
            "corrects": corrects,
            "overdue": reading.overdue(invoice, today()),
            "open_cents": outstanding(invoice.due_cents, invoice.settled_cents),
            "is_open": is_open,
            "may_manage": may_manage,
            "may_record": may_manage and is_open,
            "may_credit": may_manage
            and credit_notes.why_not_creditable(invoice) is None
            and bool(creditable),
            "creditable": creditable,
            "payable": payable,
            "payments_on": gateway is not None,
            "settings": visit.settings,
            "reminder_state": await reminders.reminder_state(visit.db, invoice.id),
            "awaiting": await approvals.pending_on(visit.db, invoice.id) if may_manage else [],
            "errors": errors,
            "form": form or {},
            "failed_form": failed_form,
            "notice": notice_for(visit, NOTICE_KEY),
            "today": today(),
        },
        status_code=status_code,
    )


# A member's invoices


async def _member_page(
    visit: Visit,
    code: str,
    *,
    errors: Sequence[FieldError] = (),
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[Any]:
    member = await member_or_404(visit.db, code)
    invoices = [
        i
        for i in await reading.invoices_of(visit.db, visit.actor, code)
        if i.status is not InvoiceStatus.DRAFT
    ]
    account = await repository.account_of(visit.db, member.id)
    if form is None and account is not None:
        form = {
            "street": account.street,
            "postal_code": account.postal_code,
            "city": account.city,
            "email": account.email or "",
            "purchase_order_reference": account.purchase_order_reference or "",
            "reminder_email": account.reminder_email or "",
            "language": account.language,
            "delivery_channel": account.delivery_channel.value,
        }
    day = today()
    return render(
        visit.request,
        "invoices/member.html",
        {
            "active_page": "mine" if member.id in visit.actor.member_ids else "members",
            "member": member,
            "invoices": invoices,
            "overdue": {i.id for i in invoices if reading.overdue(i, day)},
            "credit_cents": await repository.credit_balance(visit.db, member.id),
            "details": account,
            "may_edit": allows(visit.actor, Permission.BILLING_DETAILS_MANAGE, member.id),
            "channels": list(DeliveryChannel),
            "errors": errors,
            "form": form or {},
            "notice": notice_for(visit, NOTICE_KEY),
        },
        status_code=status_code,
    )


class InvoicePagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/facturen", name="invoices", opt=audience(Permission.FINANCE_READ))
    async def index(self, visit: CurrentVisit) -> Response[Any]:
        return await _index_page(visit)

    @post("/facturen/concepten", opt=audience(Permission.BILLING_MANAGE))
    async def draft(self, visit: CurrentVisit) -> Response[Any]:
        """Store the run's drafts, but only those the directie saw in the preview."""
        form = await visit.request.form()
        run = RunForm(str(form.get("tot", "")), str(form.get("leden", "")))
        try:
            until = iso_date(run.until, "until", BillingRefusal.INVALID_DATE)
            codes = _codes(run.members)
            drafts = await invoicing.run_invoices(visit.db, visit.actor, until, codes or None)
        except ValidationFailed as failed:
            await visit.db.rollback()
            return await _index_page(visit, run=run, errors=failed.errors, status_code=422)
        if _digest(until, _draft_lines(drafts)) != form.get(INPUTS_FIELD):
            await visit.db.rollback()
            return await _index_page(visit, run=run, problem="changed", status_code=409)
        return redirect_with(
            visit.request, Flash(NOTICE_KEY, "drafted" if drafts else "nothing", "/facturen")
        )

    @post("/facturen/{invoice_id:int}/uitgeven", opt=audience(Permission.BILLING_MANAGE))
    async def issue(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        """Number the draft and fix it; then ask the gateway for its PaymentIntent.

        The first post shows what would be issued (nothing stored); the confirmed post issues
        it, or with four-eyes approval on prepares it for a second director."""
        form = await visit.request.form()
        confirmed = form.get("bevestigd") == "ja"
        try:
            choice = _choice(str(form.get("credit_choice", "")))
            if confirmed:
                submitted = await approvals.submit(
                    visit.db,
                    visit.actor,
                    visit.settings,
                    IssueInvoice(invoice_id, choice),
                    today(),
                )
                invoice = submitted.performed.document if submitted.performed else None
            else:
                invoice = await invoicing.issue(
                    visit.db, visit.actor, invoice_id, today(), visit.settings, choice
                )
        except NotFound as missing:
            raise NotFoundException(missing.message) from None
        except ValidationFailed as failed:
            await visit.db.rollback()
            if (
                failed.errors[0].phrase.refusal is BillingRefusal.ALREADY_ISSUED
            ):  # a repeated submit: show the result
                return redirect_with(
                    visit.request, Flash(NOTICE_KEY, "issued", f"/facturen/{invoice_id}")
                )
            return await _index_page(
                visit,
                errors=failed.errors,
                failed_draft=invoice_id,
                status_code=422,
            )
        if invoice is None:  # waits for a second director
            return redirect_with(
                visit.request, Flash(APPROVAL_NOTICE_KEY, "prepared", "/goedkeuringen")
            )
        if not confirmed:  # irreversible: first the summary, nothing stored
            member = (await members.members_by_ids(visit.db, [invoice.member_id]))[
                invoice.member_id
            ]
            return await issue_summary(visit, invoice, member.name, form)
        await payments.request_payment(visit.db, _gateway(visit.request), invoice)
        return redirect_with(visit.request, Flash(NOTICE_KEY, "issued", f"/facturen/{invoice.id}"))

    @post("/facturen/{invoice_id:int}/verwijderen", opt=audience(Permission.BILLING_MANAGE))
    async def discard(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        return await submit(
            visit,
            partial(invoicing.discard_draft, visit.db, visit.actor, invoice_id),
            lambda _: Flash(NOTICE_KEY, "discarded", "/facturen"),
            shown_again(_index_page, visit, failed_draft=invoice_id),
            missing_is_404=True,
        )

    @get("/facturen/{invoice_id:int}", name="invoice", opt=audience(login=True))
    async def invoice(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        """Readers of the member's invoices (checked per invoice, as the path has no member)."""
        invoice = await _readable(visit, invoice_id)
        return await _invoice_page(visit, invoice)

    @post("/facturen/{invoice_id:int}/overboeking", opt=audience(Permission.BILLING_MANAGE))
    async def transfer(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        form = await posted(visit.request)
        return await self._on_invoice(
            visit,
            invoice_id,
            form,
            "transfer",
            lambda: approvals.record_payment(
                visit.db,
                visit.actor,
                visit.settings,
                invoice_id,
                form.get("amount", ""),
                iso_date(form.get("paid_on", ""), "paidOn", BillingRefusal.INVALID_DATE),
                form.get("bank_reference", ""),
                today(),
            ),
            lambda submitted: (
                Flash(NOTICE_KEY, "transfer", f"/facturen/{invoice_id}")
                if submitted.performed
                else Flash(APPROVAL_NOTICE_KEY, "prepared", "/goedkeuringen")
            ),
        )

    @post(
        "/facturen/{invoice_id:int}/herinneringen/pauzeren",
        opt=audience(Permission.BILLING_MANAGE),
    )
    async def pause_reminders(
        self, visit: CurrentVisit, invoice_id: FromPath[int]
    ) -> Response[Any]:
        form = await posted(visit.request)
        return await self._on_invoice(
            visit,
            invoice_id,
            form,
            "pause",
            partial(
                reminders.pause_reminders, visit.db, visit.actor, invoice_id, form.get("reason", "")
            ),
            lambda _: Flash(NOTICE_KEY, "reminders_paused", f"/facturen/{invoice_id}"),
        )

    @post(
        "/facturen/{invoice_id:int}/herinneringen/hervatten",
        opt=audience(Permission.BILLING_MANAGE),
    )
    async def resume_reminders(
        self, visit: CurrentVisit, invoice_id: FromPath[int]
    ) -> Response[Any]:
        return await self._on_invoice(
            visit,
            invoice_id,
            {},
            "pause",
            partial(reminders.resume_reminders, visit.db, visit.actor, invoice_id),
            lambda _: Flash(NOTICE_KEY, "reminders_resumed", f"/facturen/{invoice_id}"),
        )

    @post("/facturen/{invoice_id:int}/crediteren", opt=audience(Permission.BILLING_MANAGE))
    async def credit(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        """A credit note for the ticked lines; its page is shown next."""
        data = await visit.request.form()
        form = await posted(visit.request)
        try:
            form["regel"] = ",".join(str(n) for n in data.getall("regel", []))
            lines = [int(n) for n in data.getall("regel", [])]
            choice = _choice(form.get("credit_choice"))
            if choice is None:
                raise ValidationFailed.single("creditChoice", BillingRefusal.CREDIT_CHOICE_MISSING)
            confirmed = data.get("bevestigd") == "ja"
            if confirmed:
                operation = CreditNote(invoice_id, form.get("reason", ""), choice, tuple(lines))
                submitted = await approvals.submit(
                    visit.db, visit.actor, visit.settings, operation, today()
                )
                if submitted.performed is None:  # waits for a second director
                    return redirect_with(
                        visit.request, Flash(APPROVAL_NOTICE_KEY, "prepared", "/goedkeuringen")
                    )
                note = submitted.performed.invoice
            else:
                note = await credit_notes.credit(
                    visit.db,
                    visit.actor,
                    invoice_id,
                    today(),
                    visit.settings,
                    reason=form.get("reason", ""),
                    credit_choice=choice,
                    line_numbers=lines,
                )
        except NotFound as missing:
            raise NotFoundException(missing.message) from None
        except (ValidationFailed, ValueError) as failed:
            await visit.db.rollback()
            errors = (
                failed.errors
                if isinstance(failed, ValidationFailed)
                else (field_error("lines", BillingRefusal.NOT_A_LINE_NUMBER),)
            )
            return await self._invoice_again(visit, invoice_id, form, "credit", errors)
        if not confirmed:  # irreversible: first the summary, nothing stored
            return await credit_summary(visit, invoice_id, note, data)
        return redirect_with(visit.request, Flash(NOTICE_KEY, "credited", f"/facturen/{note.id}"))

    @classmethod
    async def _on_invoice(
        cls,
        visit: Visit,
        invoice_id: int,
        form: dict[str, str],
        failed_form: str,
        store: Callable[[], Awaitable[T]],
        done: Callable[[T], Flash],
    ) -> Response[Any]:
        """A form on an invoice's page: stored, then where `done` sends the person; refused,
        the invoice's page with `failed_form` shown again as typed; no such invoice, a 404."""
        return await submit(
            visit,
            store,
            done,
            lambda errors: cls._invoice_again(visit, invoice_id, form, failed_form, errors),
            missing_is_404=True,
        )

    @staticmethod
    async def _invoice_again(
        visit: Visit,
        invoice_id: int,
        form: dict[str, str],
        failed_form: str,
        errors: tuple[FieldError, ...],
    ) -> Response[Any]:
        """The invoice's page with a refused form shown again, as typed."""
        invoice = await _readable(visit, invoice_id)
        return await _invoice_page(
            visit,
            invoice,
            errors=errors,
            form=form,
            failed_form=failed_form,
            status_code=422,
        )

    async def _document(self, visit: Visit, invoice_id: int) -> tuple[Invoice, InvoiceDocument]:
        invoice = await _readable(visit, invoice_id)
        try:
            return invoice, await reading.document_of(visit.db, invoice, visit.settings)
        except ValidationFailed:  # a draft has no document
            raise NotFoundException(f"invoice {invoice_id} is a draft") from None

    @get("/facturen/{invoice_id:int}/pdf", opt=audience(login=True))
    async def pdf(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[bytes]:
        invoice, document = await self._document(visit, invoice_id)
        from registry.billing.pdf import to_pdf  # reportlab only when a PDF is asked for

        pdf = await asyncio.to_thread(to_pdf, document)  # rendering is CPU work
        return attachment(pdf, "application/pdf", f"factuur-{invoice.number}.pdf")

    @get("/facturen/{invoice_id:int}/ubl", opt=audience(login=True))
    async def ubl(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[bytes]:
        invoice, document = await self._document(visit, invoice_id)
        from registry.billing.ubl import to_ubl  # lxml only when UBL is asked for

        return attachment(to_ubl(document), "application/xml", f"factuur-{invoice.number}.xml")

    @get(
        "/leden/{code:str}/facturen",
        name="member-invoices",
        opt=audience(Permission.INVOICES_READ, member_param="code"),
    )
    async def member_invoices(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        return await _member_page(visit, code)

    @post(
        "/leden/{code:str}/facturen/gegevens",
        opt=audience(Permission.BILLING_DETAILS_MANAGE, member_param="code"),
    )
    async def billing_details(self, visit: CurrentVisit, code: FromPath[str]) -> Response[Any]:
        form = await posted(visit.request)
        details = invoicing.BillingDetailsInput(
            form.get("street", ""),
            form.get("postal_code", ""),
            form.get("city", ""),
            form.get("email"),
            form.get("purchase_order_reference"),
            reminder_email=form.get("reminder_email"),
            language=form.get("language") or None,
            delivery_channel=_channel(form.get("delivery_channel")),
        )
        return await submit(
            visit,
            partial(invoicing.set_billing_details, visit.db, visit.actor, code, details),
            lambda _: Flash(NOTICE_KEY, "details", f"/leden/{code}/facturen"),
            shown_again(_member_page, visit, code, form=form),
        )

    @get(
        "/facturen/{invoice_id:int}/betalen",
        # Stripe.js, from where the settings say, on this page only.
        opt={**audience(login=True), CSP_OPT: PAYMENT_POLICY},
    )
    async def payment_page(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[Any]:
        """The card form, on Stripe.js; the member's admins only."""
        invoice = await _readable(visit, invoice_id)
        gateway = _gateway(visit.request)
        errors: Sequence[FieldError] = ()
        try:
            await payments.start_payment(visit.db, visit.actor, gateway, invoice_id)
        except Forbidden as refused:
            raise PermissionDeniedException(refused.message) from None
        except ValidationFailed as failed:
            errors = failed.errors
        return render(
            visit.request,
            "invoices/pay.html",
            {
                "active_page": "mine",
                "invoice": invoice,
                "gateway": gateway,
                "open_cents": outstanding(invoice.due_cents, invoice.settled_cents),
                "errors": errors,
            },
        )

    @post("/facturen/{invoice_id:int}/betalen", opt=audience(login=True), status_code=200)
    async def pay(self, visit: CurrentVisit, invoice_id: FromPath[int]) -> Response[dict[str, Any]]:
        """Confirm the PaymentIntent with the card Stripe.js tokenised; JSON for the page."""
        try:
            data = await visit.request.json()
        except ValueError:
            data = None
        card = data.get("card") if isinstance(data, dict) else None
        try:
            intent = await payments.pay_by_card(
                visit.db, visit.actor, _gateway(visit.request), invoice_id, str(card or "")
            )
        except Forbidden as refused:
            raise PermissionDeniedException(refused.message) from None
        except NotFound as missing:
            raise NotFoundException(missing.message) from None
        except ValidationFailed as failed:
            errors = [
                {
                    "field": e.field,
                    "code": e.code,
                    "message": e.text(visit.language),
                }
                for e in failed.errors
            ]
            return Response({"errors": errors}, status_code=422)
        return Response({"status": intent.status, "clientSecret": intent.client_secret})
