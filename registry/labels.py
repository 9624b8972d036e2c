"""Every domain's labels in one place, for the pages and the exports (see `kit/labels.py`)."""

from __future__ import annotations

from registry.audit import labels as audit
from registry.auth import labels as auth
from registry.billing import labels as billing
from registry.catalogue import labels as catalogue
from registry.costs import labels as costs
from registry.fees import labels as fees
from registry.members import labels as members
from registry.messages import labels as messages
from registry.reports import job_labels
from registry.reports import labels as reports
from registry.usage import labels as usage
from registry.webhooks import labels as webhooks
from registry.years import labels as years

DOMAINS = (
    audit,
    auth,
    billing,
    catalogue,
    costs,
    fees,
    members,
    messages,
    reports,
    job_labels,
    usage,
    webhooks,
    years,
)
"""Imported for their declarations; `registry.kit.labels.label` then knows every enum."""
