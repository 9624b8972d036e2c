"""Dutch and English labels of why the audit chain is broken."""

from __future__ import annotations

from registry.audit.chain import Reason
from registry.kit.labels import Label, labels

REASON = labels(
    Reason,
    {
        Reason.SEQ_GAP: Label(
            "gebeurtenissen ontbreken of staan niet op volgorde",
            "events are missing or out of order",
        ),
        Reason.PREV_HASH_MISMATCH: Label(
            "de verwijzing naar de vorige gebeurtenis klopt niet",
            "the link to the previous event does not match",
        ),
        Reason.HASH_MISMATCH: Label(
            "de inhoud is gewijzigd nadat die werd vastgelegd",
            "its content was changed after it was recorded",
        ),
        Reason.HEAD_MISMATCH: Label(
            "het einde van het log past niet bij de laatst vastgelegde gebeurtenis",
            "the end of the log does not match the last event recorded",
        ),
    },
)
