"""Refusals of the financial years: closing, reopening and writing in a closed year."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class YearsRefusal(Refusal):
    """What the financial years refuse, with the texts people read."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie sluit een boekjaar af of heropent het.",
        "only the management closes or reopens a financial year",
    )
    YEAR_REQUIRED = Text(
        "required",
        "Kies het boekjaar.",
        "choose the financial year",
    )
    YEAR_CLOSED = Text(
        "year_closed",
        "Boekjaar {year} is afgesloten: hierin kan niets meer worden gedateerd. Boek een"
        " correctie in het lopende jaar.",
        "financial year {year} is closed: nothing can be dated in it; book a correction in"
        " the open year",
    )
    ALREADY_CLOSED = Text(
        "already_closed",
        "Boekjaar {year} is al afgesloten.",
        "financial year {year} is already closed",
    )
    NOT_CLOSED = Text(
        "not_closed",
        "Boekjaar {year} is niet afgesloten; heropenen is niet nodig.",
        "financial year {year} is not closed; there is nothing to reopen",
    )
    NOT_ENDED = Text(
        "year_not_ended",
        "Boekjaar {year} is nog niet voorbij; een jaar wordt pas na afloop afgesloten.",
        "financial year {year} has not ended yet; a year is closed after it ends",
    )
    DECISION_REQUIRED = Text(
        "required",
        "Vermeld het besluit van de directie (na de goedkeuring door de accountant).",
        "name the management's decision (after the accountant's sign-off)",
    )
    DECISION_BEFORE_YEAR_END = Text(
        "decision_before_year_end",
        "Besluit {reference} is genomen op {decided_on}, vóór het einde van boekjaar {year}.",
        "decision {reference} was taken on {decided_on}, before financial year {year} ended",
    )
    DECISION_USED = Text(
        "decision_used",
        "Besluit {reference} is al gebruikt om boekjaar {year} af te sluiten of te heropenen;"
        " heropenen vraagt een nieuw besluit.",
        "decision {reference} already closed or reopened financial year {year}; reopening"
        " needs a new decision",
    )


class YearsWarning(Refusal):
    """What a change to an already invoiced year will do, shown before it is confirmed."""

    CONTRIBUTION_BILLS_MORE = Text(
        "invoiced_year_changes",
        "De contributie over {year} is al gefactureerd ({billed}). Met deze wijziging wordt bij"
        " de volgende facturering {amount} bijgefactureerd.",
        "the contribution of {year} was already invoiced ({billed}); with this change the next"
        " invoice run bills {amount} more",
    )
    USAGE_BILLS_MORE = Text(
        "invoiced_year_changes",
        "Gebruiksvergoedingen vanaf {year} zijn al gefactureerd ({billed}). Met deze wijziging"
        " wordt bij de volgende facturering {amount} bijgefactureerd.",
        "usage fees from {year} on were already invoiced ({billed}); with this change the next"
        " invoice run bills {amount} more",
    )
    USAGE_CREDITS = Text(
        "invoiced_year_changes",
        "Gebruiksvergoedingen vanaf {year} zijn al gefactureerd ({billed}). Met deze wijziging"
        " wordt bij de volgende facturering {amount} gecrediteerd.",
        "usage fees from {year} on were already invoiced ({billed}); with this change the next"
        " invoice run credits {amount}",
    )
    CONTRIBUTION_CREDITS = Text(
        "invoiced_year_changes",
        "De contributie over {year} is al gefactureerd ({billed}). Met deze wijziging wordt bij"
        " de volgende facturering {amount} gecrediteerd.",
        "the contribution of {year} was already invoiced ({billed}); with this change the next"
        " invoice run credits {amount}",
    )
