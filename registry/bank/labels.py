"""Dutch and English labels of the bank enums."""

from __future__ import annotations

from registry.bank.models import Direction, EntryState, MatchMethod, WaitReason
from registry.kit.labels import Label, labels

DIRECTION = labels(
    Direction,
    {
        Direction.CREDIT: Label("Ontvangen", "Received"),
        Direction.DEBIT: Label("Betaald", "Paid out"),
    },
)
ENTRY_STATE = labels(
    EntryState,
    {
        EntryState.MATCHED: Label("Gekoppeld", "Matched"),
        EntryState.WAITING: Label("Wacht op beoordeling", "Waiting for review"),
        EntryState.UNRELATED: Label("Hoort niet bij een factuur", "Unrelated to invoices"),
    },
)
WAIT_REASON = labels(
    WaitReason,
    {
        WaitReason.NO_MATCH: Label(
            "Geen factuurnummer en geen bekende rekening", "No invoice number and no known account"
        ),
        WaitReason.AMOUNT_DIFFERS: Label(
            "Bedrag wijkt af van wat open staat", "Amount differs from what is open"
        ),
        WaitReason.INVOICE_NOT_OPEN: Label(
            "Genoemde factuur staat niet meer open", "The invoice named is no longer open"
        ),
        WaitReason.SEVERAL_INVOICES: Label(
            "Meer dan één factuur genoemd", "More than one invoice named"
        ),
        WaitReason.AMBIGUOUS: Label("Meer dan één factuur past", "More than one invoice fits"),
        WaitReason.NO_REFUND: Label(
            "Geen vastgelegde terugbetaling past", "No recorded refund fits"
        ),
    },
)
MATCH_METHOD = labels(
    MatchMethod,
    {
        MatchMethod.REFERENCE: Label("Op betalingskenmerk", "By payment reference"),
        MatchMethod.AMOUNT_AND_IBAN: Label("Op bedrag en rekening", "By amount and account"),
        MatchMethod.REFUND: Label("Vastgelegde terugbetaling", "Recorded refund"),
        MatchMethod.DIRECTIE: Label("Door de directie", "By the management"),
    },
)
