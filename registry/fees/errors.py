"""Refusals of the fees domain: contribution rates, fee runs and notice with its exit charge."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class FeesRefusal(Refusal):
    """What the fees domain refuses, with the texts people read."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie stelt contributietarieven vast en berekent de contributie.",
        "only the management sets rates and runs fees",
    )
    NOTICE_DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert leden.",
        "only the management manages members",
    )
    CONTRIBUTIONS_PRIVATE = Text(
        "forbidden",
        "De contributie van een lid is alleen zichtbaar voor het lid zelf, de directie en de"
        " auditors.",
        "a member's contributions are visible to itself, the management, auditors",
    )
    YEAR_OUT_OF_RANGE = Text(
        "out_of_range",
        "Kies een jaar van {first} tot en met {last}.",
        "a year from {first} to {last}",
    )
    RATE_DECISION_REQUIRED = Text(
        "required",
        "Vermeld het ALV-besluit waarin het tarief is vastgesteld.",
        "a rate needs the ALV decision that set it",
    )
    INVALID_RATE = Text("invalid_rate", "Ongeldig tarief: {reason}", "rate: {reason}")
    NO_RATE = Text(
        "no_rate",
        "Voor {year} is geen contributietarief vastgelegd (dat volgt uit een ALV-besluit).",
        "no contribution rate is recorded for {year} (an ALV decision)",
    )
    NO_MUNICIPALITIES = Text(
        "no_municipalities",
        "Leden zonder gemeenten hebben geen inwoners: {members}.",
        "members without municipalities have no inhabitants: {members}",
    )
    INVALID_EXIT_CHARGE = Text(
        "invalid_amount",
        "Ongeldige uittreedvergoeding: {reason}",
        "exit charge: {reason}",
    )
