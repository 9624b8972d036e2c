"""Who receives what, and pausing an invoice's reminders, through GraphQL."""

from __future__ import annotations

import pytest

from tests.helpers.billing_api import (
    DETAILS,
    configure_billing_by_api,
    issue_invoice_by_api,
    payload_errors,
)
from tests.helpers.graphql import GraphQLClient

pytestmark = pytest.mark.usefixtures("unbilled_demo")

ADDRESS = {"street": "Stadhuisplein 1", "postalCode": "3441 EM", "city": "Woerden"}
DETAILS_READ = """
mutation($member: String!, $input: BillingDetailsInput!) {
  billingDetailsSet(member: $member, input: $input) {
    billingDetails { email reminderEmail language deliveryChannel }
    errors { field code }
  }
}
"""
PAUSE = """
mutation($id: ID!, $reason: String!) {
  invoiceRemindersPause(id: $id, reason: $reason) {
    reminders { pausedBecause sent { stage } }
    errors { field code }
  }
}
"""
RESUME = """
mutation($id: ID!) {
  invoiceRemindersResume(id: $id) { reminders { pausedBecause } errors { code } }
}
"""


async def test_who_receives_what_is_set_and_checked(api: GraphQLClient) -> None:
    bad = await api.data(
        DETAILS,
        {
            "member": "woerden",
            "input": {**ADDRESS, "reminderEmail": "debiteuren@@woerden", "language": "fr"},
        },
    )
    assert sorted(payload_errors(bad, "billingDetailsSet")) == [
        ("language", "unknown_language"),
        ("reminderEmail", "invalid_email"),
    ]
    good = await api.data(
        DETAILS_READ,
        {
            "member": "woerden",
            "input": {
                **ADDRESS,
                "email": "facturen@woerden.nl",
                "reminderEmail": "debiteuren@woerden.nl",
                "language": "en",
                "deliveryChannel": "EMAIL",
            },
        },
    )
    assert good["billingDetailsSet"]["billingDetails"] == {
        "email": "facturen@woerden.nl",
        "reminderEmail": "debiteuren@woerden.nl",
        "language": "en",
        "deliveryChannel": "EMAIL",
    }


async def test_peppol_delivery_without_an_access_point_refuses_to_issue(
    api: GraphQLClient,
) -> None:
    await configure_billing_by_api(api)
    await api.data(
        DETAILS, {"member": "woerden", "input": {**ADDRESS, "deliveryChannel": "PEPPOL"}}
    )
    (draft,) = (
        await api.data(
            """mutation { invoiceRunCreate(until: "2026-12-31", memberCodes: ["woerden"]) {
                 drafts { id } } }"""
        )
    )["invoiceRunCreate"]["drafts"]
    issued = await api.data(
        """mutation($id: ID!) { invoiceIssue(id: $id) {
             invoice { number } errors { field code message } } }""",
        {"id": draft["id"]},
    )
    (error,) = issued["invoiceIssue"]["errors"]
    assert (error["field"], error["code"]) == ("delivery", "peppol_not_configured")
    assert "Peppol" in error["message"]
    assert issued["invoiceIssue"]["invoice"] is None


async def test_the_directie_pauses_and_resumes_an_invoices_reminders(
    api: GraphQLClient,
) -> None:
    await configure_billing_by_api(api)
    invoice = await issue_invoice_by_api(api)
    refused = await api.data(PAUSE, {"id": invoice["id"], "reason": " "})
    assert payload_errors(refused, "invoiceRemindersPause") == [("reason", "reason_required")]
    paused = await api.data(PAUSE, {"id": invoice["id"], "reason": "Betalingsregeling"})
    assert paused["invoiceRemindersPause"]["reminders"] == {
        "pausedBecause": "Betalingsregeling",
        "sent": [],
    }
    resumed = await api.data(RESUME, {"id": invoice["id"]})
    assert resumed["invoiceRemindersResume"]["reminders"] == {"pausedBecause": None}
