"""Refusals of the contribution reports."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class ReportsRefusal(Refusal):
    """What a report export refuses, with the Dutch and English text."""

    EXPORT_FORBIDDEN = Text(
        "forbidden",
        "Alleen de directie en de auditors exporteren elk rapport; de beheerders van een lid"
        " alleen dat van hun eigen lid.",
        "the management and auditors export every report; a member's admins its own",
    )
    UNKNOWN_FORMAT = Text("unknown_format", "Kies uit: {formats}.", "choose from {formats}")
    YEAR_OUT_OF_RANGE = Text(
        "out_of_range",
        "Kies een jaar van {first} tot en met {last}.",
        "a year from {first} to {last}",
    )
    CHOOSE_MEMBER = Text(
        "choose_member",
        "Kies het lid waarvan u het rapport wilt.",
        "choose the member whose report you want",
    )
    FUTURE_YEAR = Text(
        "future_year",
        "{year} is nog niet begonnen; kies een jaar tot en met {last}.",
        "{year} has not begun; choose a year up to {last}",
    )
    YEAR_NOT_A_NUMBER = Text(
        "out_of_range", "Vul een jaar in, bijvoorbeeld 2026.", "a year, e.g. 2026"
    )
    UNKNOWN_EVENT = Text(
        "unknown_event",
        "Het auditlogboek loopt van gebeurtenis 1 tot en met {last}.",
        "the audit log runs from event 1 to {last}",
    )
    EVENT_NOT_A_NUMBER = Text(
        "unknown_event",
        "Vul het nummer van een gebeurtenis in het auditlogboek in.",
        "an event number",
    )
    EXPORT_FAILED = Text(
        "export_failed",
        "De export kon niet worden gemaakt. De beheerder van de registratie vindt de oorzaak in"
        " het logboek.",
        "the export could not be made; the registry's administrator finds the cause in the log",
    )
    EXPORT_NOT_QUEUED = Text(
        "export_not_queued",
        "De export kon niet aan de wachtrij worden gegeven en is niet gemaakt. Start hem later"
        " opnieuw; de beheerder van de registratie vindt de oorzaak in het logboek.",
        "the export could not be handed to the job queue and was not made; start it again"
        " later (the registry's administrator finds the cause in the log)",
    )
