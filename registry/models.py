"""Every domain's models, imported once so the metadata is complete for Alembic and the tests."""

from registry.approvals import models as approvals
from registry.audit import models as audit
from registry.auth import models as auth
from registry.bank import models as bank
from registry.billing import models as billing
from registry.budget import models as budget
from registry.catalogue import models as catalogue
from registry.contracts import models as contracts
from registry.costs import models as costs
from registry.db import Base
from registry.fees import models as fees
from registry.governance import models as governance
from registry.members import models as members
from registry.messages import models as messages
from registry.reports import models as reports
from registry.usage import models as usage
from registry.webhooks import models as webhooks
from registry.years import models as years

metadata = Base.metadata

__all__ = [
    "approvals",
    "audit",
    "auth",
    "bank",
    "billing",
    "budget",
    "catalogue",
    "contracts",
    "costs",
    "fees",
    "governance",
    "members",
    "messages",
    "metadata",
    "reports",
    "usage",
    "webhooks",
    "years",
]
