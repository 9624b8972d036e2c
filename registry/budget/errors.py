"""Refusals of the budget and the quarterly report."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class BudgetRefusal(Refusal):
    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie stelt de begroting op.",
        "only the management drafts the budget",
    )
    READERS_ONLY = Text(
        "forbidden",
        "Alleen de directie en de auditors zien de begroting en de kwartaalrapportage.",
        "only the management and auditors see the budget and the quarterly report",
    )
    YEAR_OUT_OF_RANGE = Text(
        "out_of_range",
        "Kies een jaar van {first} tot en met {last}.",
        "choose a year from {first} to {last}",
    )
    QUARTER_OUT_OF_RANGE = Text(
        "out_of_range", "Een kwartaal is 1, 2, 3 of 4.", "a quarter is 1, 2, 3 or 4"
    )
    FUTURE_QUARTER = Text(
        "future_quarter",
        "Kwartaal {quarter} van {year} is nog niet begonnen.",
        "quarter {quarter} of {year} has not begun yet",
    )
    NO_BUDGET = Text(
        "not_found",
        "Er is nog geen begroting voor {year}.",
        "there is no budget for {year} yet",
    )
    NO_DRAFT = Text(
        "budget_adopted",
        "De begroting voor {year} is vastgesteld en kan niet meer worden gewijzigd; begin een"
        " nieuwe versie, die een nieuw ALV-besluit nodig heeft.",
        "the budget for {year} is adopted and read-only; start a new version, which needs a"
        " new decision of the general meeting",
    )
    INVALID_AMOUNT = Text(
        "invalid_amount",
        "Vul het bedrag in euro in: {reason}",
        "enter the amount in euros: {reason}",
    )
    NEGATIVE_AMOUNT = Text(
        "negative_amount",
        "Een bedrag in de begroting is nul of meer.",
        "an amount in the budget is zero or more",
    )
    POOL_REQUIRED = Text(
        "required",
        "Kies de kostenpool waarvoor de kosten begroot zijn.",
        "choose the cost pool the costs are budgeted for",
    )
    POOL_NOT_FOR_INCOME = Text(
        "pool_not_for_income",
        "Een kostenpool hoort alleen bij een kostenregel.",
        "a cost pool belongs only to a cost line",
    )
    UNKNOWN_POOL = Text("unknown_pool", "Er is geen kostenpool '{pool}'.", "no cost pool '{pool}'")
    UNKNOWN_ITEM = Text(
        "unknown_item", "Kies een soort begrotingsregel.", "choose a kind of budget line"
    )
    DECISION_USED = Text(
        "decision_used",
        "Besluit {reference} heeft al een andere versie van een begroting vastgesteld; een nieuwe"
        " versie heeft een nieuw besluit nodig.",
        "decision {reference} already adopted another version of a budget; a new version needs a"
        " new decision",
    )
    UNKNOWN_FORMAT = Text(
        "unknown_format", "Kies het formaat pdf of xlsx.", "choose the format pdf or xlsx"
    )
    INVALID_EVENT = Text(
        "invalid_event",
        "Vul het nummer van een auditgebeurtenis in, of laat het veld leeg.",
        "enter the number of an audit event, or leave the field empty",
    )
    UNKNOWN_EVENT = Text(
        "unknown_event",
        "Kies een auditgebeurtenis van 1 tot en met {last}.",
        "choose an audit event from 1 to {last}",
    )
