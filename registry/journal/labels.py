"""Dutch and English labels of the journal enums."""

from __future__ import annotations

from registry.journal.entries import JournalCode
from registry.kit.labels import Label, labels

JOURNAL_CODE = labels(
    JournalCode,
    {
        JournalCode.SALES: Label("Verkoopboek", "Sales journal"),
        JournalCode.BANK: Label("Bankboek", "Bank journal"),
        JournalCode.STRIPE: Label("Stripe", "Stripe"),
        JournalCode.MEMORIAL: Label("Memoriaal", "General journal"),
    },
)
