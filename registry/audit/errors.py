"""Refusals of the audit log's pages: filters that cannot be read."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class AuditRefusal(Refusal):
    """What the audit log refuses, with the texts people read."""

    NOT_A_DATE = Text(
        "invalid_date",
        "'{value}' is geen datum; schrijf die als jjjj-mm-dd, bijvoorbeeld 2026-03-01.",
        "'{value}' is not a date; write it as yyyy-mm-dd, for example 2026-03-01",
    )
    PERIOD_REVERSED = Text(
        "period_reversed",
        "De einddatum ligt vóór de begindatum.",
        "the end date is before the start date",
    )
    UNKNOWN_MEMBER = Text(
        "unknown_member",
        "Er is geen lid met de code '{value}'.",
        "there is no member with the code '{value}'",
    )
    PAGE_SIZE = Text(
        "page_size",
        "Kies tussen 1 en {limit} gebeurtenissen per pagina.",
        "choose between 1 and {limit} events per page",
    )
