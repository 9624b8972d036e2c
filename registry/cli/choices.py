"""The choices of options that name a domain enum."""

from __future__ import annotations

import enum

# The command starts fast: each command imports the domain it works on (SQLAlchemy, the
# GraphQL schema, reportlab, Stripe, ...) when it runs, not when `registry --help` is asked.
# The options that name a domain enum take their values from these mirrors, which a test
# keeps equal to the domain's (registry.members.models, audit.export, billing.models).


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
