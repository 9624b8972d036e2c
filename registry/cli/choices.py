"""The choices of options that name a domain enum."""

from __future__ import annotations

import enum

# The command starts fast: each command imports the domain it works on (SQLAlchemy, the
# GraphQL schema, reportlab, Stripe, ...) when it runs, not when `registry --help` is asked.
# The options that name a domain enum take their values from these mirrors, which a test
# keeps equal to the domain's (registry.members.models, audit.export, billing.models,
# governance, budget.models, approvals.rules).


class FigureStatusChoice(enum.StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class ExportFormatChoice(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


class CreditChoiceOption(enum.StrEnum):
    CARRY = "carry"
    REFUND = "refund"


class MessageStatusChoice(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class JournalFormatChoice(enum.StrEnum):
    CSV = "csv"
    XAF = "xaf"


class BodyChoice(enum.StrEnum):
    ALV = "alv"
    RVC = "rvc"
    DIRECTIE = "directie"


class PersonRoleChoice(enum.StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    REPRESENTATIVE = "representative"
    DIRECTOR = "director"


class MeetingFormChoice(enum.StrEnum):
    MEETING = "meeting"
    WRITTEN = "written"


class ProposalKindChoice(enum.StrEnum):
    ORDINARY = "ordinary"
    BUDGET = "budget"
    CONTRIBUTION_RATE = "contribution_rate"
    ENTRY_FEE = "entry_fee"
    ADMISSION = "admission"
    CONTRACT_APPROVAL = "contract_approval"
    STATUTES_CHANGE = "statutes_change"
    DISSOLUTION = "dissolution"


class SubjectKindChoice(enum.StrEnum):
    MEMBER = "member"
    APPLICATION = "application"
    CONTRACT = "contract"
    OTHER = "other"


class VoteChoice(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class BudgetItemChoice(enum.StrEnum):
    CONTRIBUTIONS = "contributions"
    ENTRY_FEES = "entry_fees"
    USAGE_FEES = "usage_fees"
    POOL_COSTS = "pool_costs"


class ApprovalStatusChoice(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
