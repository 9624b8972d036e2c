"""Invoicing through GraphQL: run, issue, pay, credit; typed errors; who sees what; payments."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from registry.auth.models import User
from registry.auth.roles import Role
from registry.kit.clock import today
from tests.helpers.billing_api import (
    DETAILS,
    ISSUE,
    OTHER,
    OWN,
    RUN,
    VAT,
    configure_billing_by_api,
    issue_invoice_by_api,
    payload_errors,
)
from tests.helpers.graphql import (
    GraphQLClient,
    error_messages,
    grant,
    graphql_client,
    live_graphql_client,
)
from tests.localstripe import API_KEY, PUBLISHABLE_KEY, WEBHOOK_SECRET, Localstripe

pytestmark = pytest.mark.usefixtures("unbilled_demo")


TRANSFER = """
mutation($id: ID!, $amount: Decimal!, $ref: String!) {
  transferRecord(invoiceId: $id, amount: $amount, paidOn: "2026-01-02", bankReference: $ref) {
    settlement { kind amount { amount } reference }
    invoice { status outstanding { amount } settlements { kind amount { amount } } }
    errors { field code message }
  }
}
"""
CREDIT = """
mutation($id: ID!) {
  invoiceCredit(id: $id, reason: "Verkeerde verdeelsleutel", creditChoice: CARRY) {
    invoice { kind status number correctsInvoiceNumber reason creditChoice
              gross { amount } due { amount } outstanding { amount }
              settlements { kind amount { amount } } }
    errors { field code }
  }
}
"""
PAY = """
mutation($id: ID!) {
  invoicePaymentStart(id: $id) {
    payment { clientSecret publishableKey jsUrl status amount { amount } }
    errors { field code }
  }
}
"""


async def test_run_issue_transfer_paid(api: GraphQLClient) -> None:
    await configure_billing_by_api(api)
    preview = (
        await api.data(
            """{ invoiceRunPreview(until: "2026-12-31", memberCodes: ["woerden"]) {
                 previews { kind member { code } gross { amount } creditToDeduct { amount }
                            lines { lineNo category itemKey vatCode } }
                 errors { code } } }"""
        )
    )["invoiceRunPreview"]
    (draft_preview,) = preview["previews"]
    assert draft_preview["member"]["code"] == OWN
    assert draft_preview["kind"] == "INVOICE"
    run = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]
    (draft,) = run["drafts"]
    assert (draft["status"], draft["number"], draft["pdfUrl"]) == ("DRAFT", None, None)
    assert draft["gross"] == draft_preview["gross"]
    assert len(draft["lines"]) == len(draft_preview["lines"])

    issued = (await api.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
    invoice = issued["invoice"]
    assert issued["errors"] == []
    assert invoice["status"] == "ISSUED"
    assert invoice["number"].startswith(f"{today().year}-")
    assert invoice["pdfUrl"] == f"/facturen/{invoice['id']}/pdf"
    assert invoice["ublUrl"] == f"/facturen/{invoice['id']}/ubl"
    # Payments are off in this app: nothing to request, nothing pending.
    assert (issued["paymentRequested"], invoice["paymentPending"]) == (False, True)
    due = invoice["due"]["amount"]

    half = str((Decimal(due) / 2).quantize(Decimal("0.01")))
    paid = await api.data(TRANSFER, {"id": invoice["id"], "amount": half, "ref": "B-1"})
    assert paid["transferRecord"]["invoice"]["status"] == "PARTIALLY_PAID"
    rest = str(Decimal(due) - Decimal(half))
    done = (await api.data(TRANSFER, {"id": invoice["id"], "amount": rest, "ref": "B-2"}))[
        "transferRecord"
    ]
    assert done["errors"] == []
    assert done["invoice"]["status"] == "PAID"
    assert done["invoice"]["outstanding"] == {"amount": "0.00"}
    assert [s["kind"] for s in done["invoice"]["settlements"]] == ["BANK_TRANSFER"] * 2

    listed = await api.data(
        """{ invoices(memberCode: "woerden", status: [PAID]) { totalCount
             edges { node { number overdue vatBreakdown { vatCode taxable { amount } } } } } }"""
    )
    assert listed["invoices"]["totalCount"] == 1
    assert listed["invoices"]["edges"][0]["node"]["overdue"] is False


async def test_credit_note_carries_the_credit(api: GraphQLClient) -> None:
    await configure_billing_by_api(api)
    invoice = await issue_invoice_by_api(api)
    note = (await api.data(CREDIT, {"id": invoice["id"]}))["invoiceCredit"]
    assert note["errors"] == []
    credited = note["invoice"]
    assert credited["kind"] == "CREDIT_NOTE"
    assert credited["correctsInvoiceNumber"] == invoice["number"]
    assert Decimal(credited["gross"]["amount"]) == -Decimal(invoice["due"]["amount"])
    assert credited["status"] == "CREDITED"
    original = await api.data(
        "query($id: ID!) { invoice(id: $id) { status outstanding { amount } } }",
        {"id": invoice["id"]},
    )
    assert original["invoice"] == {"status": "CREDITED", "outstanding": {"amount": "0.00"}}
    again = await api.data(CREDIT, {"id": invoice["id"]})
    assert payload_errors(again, "invoiceCredit") == [("lines", "already_credited")]


async def test_typed_errors(api: GraphQLClient) -> None:
    unknown = await api.data(RUN, {"codes": ["nobody"]})
    assert payload_errors(unknown, "invoiceRunCreate") == [("memberCodes", "unknown_member")]
    no_vat = await api.data(RUN, {"codes": [OWN]})
    assert payload_errors(no_vat, "invoiceRunCreate") == [("vat", "vat_rule_missing")]
    wrong_vat = await api.data(
        VAT, {"input": {"category": "CONTRIBUTION", "vatCode": "EXEMPT", "rate": "0"}}
    )
    assert payload_errors(wrong_vat, "vatRuleSet") == [("exemptionReason", "required")]
    await configure_billing_by_api(api, details=False)
    (draft,) = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]["drafts"]
    no_details = await api.data(ISSUE, {"id": draft["id"]})
    assert payload_errors(no_details, "invoiceIssue") == [
        ("billingDetails", "billing_details_missing")
    ]
    bad_address = await api.data(
        DETAILS, {"member": OWN, "input": {"street": "", "postalCode": "x", "city": "W"}}
    )
    assert payload_errors(bad_address, "billingDetailsSet") == [
        ("street", "required"),
        ("postalCode", "invalid_postal_code"),
    ]
    unknown_member = await api.data(
        DETAILS, {"member": "nobody", "input": {"street": "a", "postalCode": "x", "city": "W"}}
    )
    assert payload_errors(unknown_member, "billingDetailsSet") == [("member", "unknown_member")]
    await configure_billing_by_api(api)
    unpaid = await api.data(TRANSFER, {"id": draft["id"], "amount": "1", "ref": "B-0"})
    assert payload_errors(unpaid, "transferRecord") == [("invoice", "not_issued")]
    issued = (await api.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]["invoice"]
    not_draft = await api.data(
        "mutation($id: ID!) { invoiceDraftDiscard(id: $id) { discarded errors { field code } } }",
        {"id": issued["id"]},
    )
    assert payload_errors(not_draft, "invoiceDraftDiscard") == [("invoice", "not_a_draft")]
    twice = await api.data(ISSUE, {"id": issued["id"]})
    assert payload_errors(twice, "invoiceIssue") == [("invoice", "already_issued")]
    too_much = Decimal(issued["due"]["amount"]) + 1
    for amount in (str(too_much), "0", "1.001"):
        refused = await api.data(TRANSFER, {"id": issued["id"], "amount": amount, "ref": "B-9"})
        assert payload_errors(refused, "transferRecord") == [("amount", "invalid_amount")], amount
    bad_id = await api.data(TRANSFER, {"id": "x", "amount": "1", "ref": "B-9"})
    assert payload_errors(bad_id, "transferRecord") == [("invoiceId", "invalid_id")]


async def test_a_net_credit_draft_needs_a_choice(api: GraphQLClient) -> None:
    """A corrected allocation that lowers Woerden's share drafts a net credit."""
    await configure_billing_by_api(api)
    await issue_invoice_by_api(api)
    pool = await api.data('{ costPool(code: "oprichting") { runs { id } } }')
    (run,) = pool["costPool"]["runs"]
    for member, share in ((OWN, "10"), (OTHER, "65")):
        changed = await api.data(
            """mutation($m: String!, $p: Decimal!) { poolParticipantChange(pool: "oprichting",
                 member: $m, percentage: $p) { errors { code } } }""",
            {"m": member, "p": share},
        )
        assert changed["poolParticipantChange"]["errors"] == []
    corrected = await api.data(
        "mutation($id: ID!) { allocationRunCorrect(run: $id) { errors { code } } }",
        {"id": run["id"]},
    )
    assert corrected["allocationRunCorrect"]["errors"] == []
    (draft,) = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]["drafts"]
    assert draft["gross"] == {"amount": "-13875.00"}
    refused = await api.data(ISSUE, {"id": draft["id"]})
    assert payload_errors(refused, "invoiceIssue") == [("creditChoice", "choice_required")]
    note = (await api.data(ISSUE, {"id": draft["id"], "choice": "CARRY"}))["invoiceIssue"]
    assert note["invoice"]["kind"] == "CREDIT_NOTE"
    assert note["paymentRequested"] is False
    balance = await api.data('{ member(code: "woerden") { creditBalance { amount } } }')
    assert balance["member"]["creditBalance"] == {"amount": "13875.00"}


async def test_member_admin_sees_its_own_issued_invoices_and_auditor_only_reads(
    api: GraphQLClient, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await configure_billing_by_api(api)
    own = await issue_invoice_by_api(api, OWN)
    other = await issue_invoice_by_api(api, OTHER)
    note = await api.data(
        """mutation($id: ID!) { invoiceCredit(id: $id, reason: "x", creditChoice: CARRY,
             lineNumbers: [1]) { invoice { id } errors { code } } }""",
        {"id": own["id"]},
    )
    credit_note = note["invoiceCredit"]["invoice"]
    (draft,) = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]["drafts"]
    admin = await grant(session_factory, Role.MEMBER_ADMIN, OWN)
    auditor = await grant(session_factory, Role.AUDITOR)
    mine = '{ invoices(memberCode: "woerden") { edges { node { id status } } } }'
    invoice = "query($id: ID!) { invoice(id: $id) { id } }"
    async with graphql_client(db_url, user_id=admin) as client:
        seen = await client.data(mine)
        assert {e["node"]["id"] for e in seen["invoices"]["edges"]} == {
            own["id"],
            credit_note["id"],
        }
        member = await client.data(
            """{ member(code: "woerden") { creditBalance { amount }
                 billingDetails { city } invoices { totalCount } } }"""
        )
        assert member["member"]["invoices"]["totalCount"] == 2
        assert member["member"]["billingDetails"] == {"city": "Woerden"}
        everyone = await client.execute("{ invoices { totalCount } }")
        assert error_messages(everyone) == ["not allowed: requires invoices:read"]
        theirs = await client.execute(invoice, {"id": other["id"]})
        assert error_messages(theirs) == ["not allowed: requires invoices:read"]
        hidden = await client.data(invoice, {"id": draft["id"]})
        assert hidden["invoice"] is None
        refused = await client.execute(RUN, {"codes": [OWN]})
        assert error_messages(refused) == ["not allowed: requires billing:manage"]
    async with graphql_client(db_url, user_id=auditor) as client:
        all_invoices = await client.data("{ invoices { totalCount } vatRules { category } }")
        assert all_invoices["invoices"]["totalCount"] == 3  # no drafts
        refused = await client.execute(ISSUE, {"id": own["id"]})
        assert error_messages(refused) == ["not allowed: requires billing:manage"]


async def test_payment_differences_when_payments_are_off(api: GraphQLClient) -> None:
    found = await api.data("{ paymentDifferences { differences { code } errors { code } } }")
    assert found["paymentDifferences"] == {
        "differences": [],
        "errors": [{"code": "payments_off"}],
    }


def _stripe(api_base: str) -> dict[str, Any]:
    return {
        "stripe_api_key": API_KEY,
        "stripe_publishable_key": PUBLISHABLE_KEY,
        "stripe_api_base": api_base,
        "stripe_webhook_secret": WEBHOOK_SECRET,
    }


async def test_issue_creates_a_payment_intent_and_the_admin_starts_paying(
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    localstripe: Localstripe,
) -> None:
    directie = await grant(session_factory, Role.DIRECTIE)
    admin = await grant(session_factory, Role.MEMBER_ADMIN, OWN)
    settings = _stripe(localstripe.url)
    async with graphql_client(db_url, user_id=directie, **settings) as api:
        await configure_billing_by_api(api)
        (draft,) = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]["drafts"]
        issued = (await api.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
        assert issued["paymentRequested"] is True
        assert issued["invoice"]["paymentPending"] is False
        differences = await api.data(
            "{ paymentDifferences { differences { code invoiceNumber } errors { code } } }"
        )
        assert differences["paymentDifferences"]["errors"] == []
        # localstripe is shared: intents of other tests (and the other database) are unknown.
        ours = [
            d
            for d in differences["paymentDifferences"]["differences"]
            if d["invoiceNumber"] == issued["invoice"]["number"] and d["code"] != "unknown_intent"
        ]
        assert ours == []
    async with graphql_client(db_url, user_id=admin, **settings) as client:
        started = (await client.data(PAY, {"id": issued["invoice"]["id"]}))["invoicePaymentStart"]
    assert started["errors"] == []
    payment = started["payment"]
    assert payment["clientSecret"]
    assert payment["publishableKey"] == PUBLISHABLE_KEY
    assert payment["status"] == "requires_payment_method"
    assert payment["amount"] == {"amount": issued["invoice"]["due"]["amount"]}


async def test_an_unreachable_gateway_leaves_the_payment_pending(
    db_url: str, session_factory: async_sessionmaker[AsyncSession], closed_url: str
) -> None:
    directie = await grant(session_factory, Role.DIRECTIE)
    admin = await grant(session_factory, Role.MEMBER_ADMIN, OWN)
    async with graphql_client(db_url, user_id=directie, **_stripe(closed_url)) as api:
        await configure_billing_by_api(api)
        (draft,) = (await api.data(RUN, {"codes": [OWN]}))["invoiceRunCreate"]["drafts"]
        issued = (await api.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
        assert issued["errors"] == []
        assert issued["invoice"]["status"] == "ISSUED"
        assert (issued["paymentRequested"], issued["invoice"]["paymentPending"]) == (False, True)
        differences = await api.data("{ paymentDifferences { errors { code } } }")
        assert differences["paymentDifferences"]["errors"] == [{"code": "gateway_unavailable"}]
    async with graphql_client(db_url, user_id=admin, **_stripe(closed_url)) as client:
        later = await client.data(PAY, {"id": issued["invoice"]["id"]})
    assert payload_errors(later, "invoicePaymentStart") == [("payment", "gateway_unavailable")]


async def test_concurrent_runs_and_issues_through_the_api_bill_once(
    api: GraphQLClient, db_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Twenty invoice runs at the same moment, then every draft issued three times at once."""
    await configure_billing_by_api(api)
    codes = {"codes": [OWN, OTHER]}
    async with session_factory() as session:  # the directie the `api` client is logged in as
        user_id = await session.scalar(select(User.id).where(User.subject == "directie-all"))
    assert user_id is not None
    async with live_graphql_client(db_url, user_id) as live:
        runs = await asyncio.gather(*(live.data(RUN, codes) for _ in range(20)))
        assert all(r["invoiceRunCreate"]["errors"] == [] for r in runs)
        answers = {tuple(sorted(d["id"] for d in r["invoiceRunCreate"]["drafts"])) for r in runs}
        (drafts,) = answers  # every run answers with the same two drafts
        assert len(drafts) == 2
        issues = await asyncio.gather(
            *(live.data(ISSUE, {"id": i}) for i in drafts for _ in range(3))
        )
    results = [r["invoiceIssue"] for r in issues]
    numbers = [r["invoice"]["number"] for r in results if r["invoice"]]
    assert len(numbers) == len(set(numbers)) == 2
    refused = [[(e["field"], e["code"]) for e in r["errors"]] for r in results if not r["invoice"]]
    assert refused == [[("invoice", "already_issued")]] * 4
    again = (await api.data(RUN, codes))["invoiceRunCreate"]
    assert again == {"drafts": [], "errors": []}  # everything billed, once
