"""Every domain's labels in one place, for the pages and the exports (see `kit/labels.py`)."""

from __future__ import annotations

from registry.approvals import labels as approvals
from registry.audit import labels as audit
from registry.auth import labels as auth
from registry.bank import labels as bank
from registry.billing import labels as billing
from registry.budget import labels as budget
from registry.catalogue import labels as catalogue
from registry.contracts import labels as contracts
from registry.costs import labels as costs
from registry.fees import labels as fees
from registry.governance import labels as governance
from registry.journal import labels as journal
from registry.members import labels as members
from registry.messages import labels as messages
from registry.reports import job_labels
from registry.reports import labels as reports
from registry.usage import labels as usage
from registry.webhooks import labels as webhooks
from registry.years import labels as years

DOMAINS = (
    approvals,
    audit,
    auth,
    bank,
    billing,
    budget,
    catalogue,
    contracts,
    costs,
    fees,
    journal,
    governance,
    members,
    messages,
    reports,
    job_labels,
    usage,
    webhooks,
    years,
)
"""Imported for their declarations; `registry.kit.labels.label` then knows every enum."""
