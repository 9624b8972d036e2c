"""The one catalogue of refusals: every code the registry answers, with its Dutch and English text.

Each domain declares its own enumeration next to its rules; this module lists them so the API
can expose every code as one GraphQL enum, the documentation can list them, and a test can
check that each has both texts.
"""

from __future__ import annotations

from registry.approvals.errors import ApprovalRefusal
from registry.audit.errors import AuditRefusal
from registry.auth.errors import AuthRefusal
from registry.backup import BackupRefusal
from registry.bank.errors import BankRefusal
from registry.billing.errors import BillingRefusal
from registry.billing.opening_balances import OpeningBalanceRefusal
from registry.budget.errors import BudgetRefusal
from registry.catalogue.errors import CatalogueRefusal, PubliccodeRefusal
from registry.configuration import ConfigRefusal
from registry.contracts.errors import ContractsRefusal
from registry.costs.errors import CostsRefusal
from registry.fees.errors import FeesRefusal
from registry.governance.errors import GovernanceRefusal
from registry.http.errors import HttpRefusal
from registry.journal.errors import JournalRefusal
from registry.kit.errors import Common, Refusal
from registry.kit.money import NumberRefusal
from registry.members.errors import MembersRefusal
from registry.messages.errors import MessageRefusal
from registry.reports.errors import ReportsRefusal
from registry.usage.errors import UsageRefusal
from registry.webhooks.errors import WebhookRefusal
from registry.years.errors import YearsRefusal, YearsWarning

CATALOGUE: tuple[type[Refusal], ...] = (
    Common,
    NumberRefusal,
    HttpRefusal,
    AuthRefusal,
    CatalogueRefusal,
    PubliccodeRefusal,
    MembersRefusal,
    FeesRefusal,
    GovernanceRefusal,
    BillingRefusal,
    ApprovalRefusal,
    BankRefusal,
    OpeningBalanceRefusal,
    MessageRefusal,
    CostsRefusal,
    UsageRefusal,
    ReportsRefusal,
    JournalRefusal,
    WebhookRefusal,
    ContractsRefusal,
    BudgetRefusal,
    YearsRefusal,
    YearsWarning,
    AuditRefusal,
    ConfigRefusal,
    BackupRefusal,
)


def codes() -> tuple[str, ...]:
    """Every stable code, once, sorted: several refusals can share a code such as `required`."""
    return tuple(sorted({member.code for refusals in CATALOGUE for member in refusals}))


def markdown() -> str:
    """The catalogue as `docs/refusals.md` shows it; a test keeps that file up to date."""
    lines = [
        "# Refusals: every error code with its Dutch and English text",
        "",
        "Generated from `registry/refusals.py` by",
        "`python -m registry.refusals > docs/refusals.md`; the test suite fails when this file is",
        "out of date. Placeholders such as `{pool}` are filled in when the refusal is raised;",
        "amounts are shown in euros in the reader's notation.",
        "",
    ]
    for refusals in CATALOGUE:
        lines += [
            f"## {refusals.__name__} (`{refusals.__module__}`)",
            "",
            "| name | code | Nederlands | English |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {m.name} | `{m.code}` | {_cell(m.value.nl)} | {_cell(m.value.en)} |"
            for m in refusals
        ]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(markdown(), end="")
