"""The documents of real issued invoices and credit notes: valid UBL 2.1 under EN 16931."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree
from sqlalchemy.ext.asyncio import AsyncSession

from registry.billing.credit_notes import credit
from registry.billing.document import DocumentKind
from registry.billing.invoicing import issue, run_invoices
from registry.billing.models import CreditChoice, Invoice
from registry.billing.pdf import to_pdf
from registry.billing.reading import document_of
from registry.billing.ubl import to_ubl
from registry.costs.pools import add_participant
from registry.costs.runs import run_settlement
from registry.usage.records import UsageInput, record_usage
from tests.helpers.billing import ACTOR, SETTINGS, TODAY, billed, cooperative, pool_members
from tests.helpers.ubl import rule_findings, schema

__all__ = ["billed", "cooperative", "pool_members"]


async def _valid(session: AsyncSession, invoice: Invoice) -> bytes:
    document = await document_of(session, invoice, SETTINGS)
    xml = to_ubl(document)
    assert schema(invoice.kind).validate(etree.fromstring(xml))
    assert rule_findings(xml) == []
    assert to_pdf(document).startswith(b"%PDF")
    return xml


async def test_every_kind_of_issued_document_is_valid_e_invoicing(billed: AsyncSession) -> None:
    session = billed
    issued = [
        await issue(session, ACTOR, d.id, TODAY, SETTINGS)
        for d in await run_invoices(session, ACTOR, TODAY)
    ]
    for invoice in issued:
        xml = await _valid(session, invoice)
        assert invoice.number is not None
        assert invoice.number.encode() in xml
    woerden = next(i for i in issued if i.member_code == "woerden")

    # A late joiner's settlement gives Woerden a net credit: a credit note that refers to
    # Woerden's last invoice, carried to its next invoice, which then shows it as prepaid.
    await add_participant(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 1, 1))
    await run_settlement(session, ACTOR, "zaak-ontwikkeling", "tilburg", date(2023, 7, 15))
    day = date(2023, 7, 31)
    drafts = {d.member_code: d for d in await run_invoices(session, ACTOR, day)}
    note = await issue(
        session, ACTOR, drafts["woerden"].id, day, SETTINGS, credit_choice=CreditChoice.CARRY
    )
    assert note.kind is DocumentKind.CREDIT_NOTE
    xml = await _valid(session, note)
    assert woerden.number is not None
    assert woerden.number.encode() in xml  # the billing reference
    await record_usage(
        session,
        ACTOR,
        [UsageInput("woerden", "zaakafhandeling", "2023-07", "active_users", Decimal(4000))],
    )
    (draft,) = await run_invoices(session, ACTOR, date(2023, 8, 31), ["woerden"])
    prepaid = await issue(session, ACTOR, draft.id, date(2023, 9, 1), SETTINGS)
    assert prepaid.prepaid_cents > 0
    xml = await _valid(session, prepaid)
    assert b"PrepaidAmount" in xml

    correction = await credit(
        session,
        ACTOR,
        woerden.id,
        day,
        SETTINGS,
        reason="Contributie herberekend",
        credit_choice=CreditChoice.REFUND,
        line_numbers=[1],
    )
    await _valid(session, correction)
