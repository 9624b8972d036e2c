"""Dutch and English labels of the approval enums."""

from __future__ import annotations

from registry.approvals.rules import ApprovalKind, ApprovalStatus
from registry.kit.labels import Label, labels

APPROVAL_KIND = labels(
    ApprovalKind,
    {
        ApprovalKind.ISSUE_INVOICE: Label("Factuur uitgeven", "Issue an invoice"),
        ApprovalKind.CREDIT_NOTE: Label("Creditnota uitgeven", "Issue a credit note"),
        ApprovalKind.REFUND: Label("Terugbetaling", "Refund"),
        ApprovalKind.CLOSE_YEAR: Label("Boekjaar afsluiten", "Close a financial year"),
    },
)
APPROVAL_STATUS = labels(
    ApprovalStatus,
    {
        ApprovalStatus.PENDING: Label("Wacht op goedkeuring", "Awaiting approval"),
        ApprovalStatus.APPROVED: Label("Goedgekeurd", "Approved"),
        ApprovalStatus.REJECTED: Label("Afgewezen", "Rejected"),
        ApprovalStatus.WITHDRAWN: Label("Ingetrokken", "Withdrawn"),
    },
)
