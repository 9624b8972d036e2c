"""Billing through the GraphQL API: the mutations and steps the API tests share."""

from __future__ import annotations

from typing import Any

from tests.helpers.graphql import GraphQLClient

OWN, OTHER = "woerden", "eindhoven"
EXEMPT = "Vrijgesteld van btw: kostendeling tussen overheden"

VAT = """
mutation($input: VatRuleInput!) {
  vatRuleSet(input: $input) { rule { category } errors { field code } }
}
"""
DETAILS = """
mutation($member: String!, $input: BillingDetailsInput!) {
  billingDetailsSet(member: $member, input: $input) {
    billingDetails { city }
    errors { field code }
  }
}
"""
RUN = """
mutation($codes: [String!]) {
  invoiceRunCreate(until: "2026-12-31", memberCodes: $codes) {
    drafts { id status number member { code } gross { amount } lines { lineNo } pdfUrl }
    errors { field code message }
  }
}
"""
ISSUE = """
mutation($id: ID!, $choice: CreditChoice) {
  invoiceIssue(id: $id, creditChoice: $choice) {
    paymentRequested
    invoice { id number status kind paymentPending due { amount currency } pdfUrl ublUrl }
    errors { field code message }
  }
}
"""


def payload_errors(data: dict[str, Any], field: str) -> list[tuple[str, str]]:
    """The (field, code) of each error in the payload of mutation `field`."""
    return [(e["field"], e["code"]) for e in data[field]["errors"]]


async def configure_billing_by_api(api: GraphQLClient, *, details: bool = True) -> None:
    """VAT for every line category and (optionally) both members' invoice details."""
    for category in (
        "CONTRIBUTION",
        "ENTRY_FEE",
        "EXIT_CHARGE",
        "ALLOCATION",
        "SETTLEMENT",
        "USAGE_FEE",
    ):
        standard = category == "USAGE_FEE"
        rule = {
            "category": category,
            "vatCode": "STANDARD" if standard else "EXEMPT",
            "rate": "21" if standard else "0",
            "exemptionReason": None if standard else EXEMPT,
        }
        assert payload_errors(await api.data(VAT, {"input": rule}), "vatRuleSet") == []
    if details:
        for code in (OWN, OTHER):
            address = {"street": "Stadhuisplein 1", "postalCode": "3441 EM", "city": "Woerden"}
            done = await api.data(DETAILS, {"member": code, "input": address})
            assert payload_errors(done, "billingDetailsSet") == []


async def issue_invoice_by_api(api: GraphQLClient, code: str = OWN) -> dict[str, Any]:
    """Run the invoices of member `code` and issue its one draft; the issued invoice."""
    (draft,) = (await api.data(RUN, {"codes": [code]}))["invoiceRunCreate"]["drafts"]
    issued = (await api.data(ISSUE, {"id": draft["id"]}))["invoiceIssue"]
    assert issued["errors"] == []
    invoice: dict[str, Any] = issued["invoice"]
    return invoice
