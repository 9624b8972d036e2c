"""Refusals of the costs domain: cost pools, their verdeelsleutel and the verdeelruns."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text


class CostsRefusal(Refusal):
    """What the costs domain refuses, with the codes API clients already compare."""

    NO_POOLS_NAMED = Text(
        "required", "Noem een kostenpool of gebruik --all.", "name a pool or use --all"
    )
    ESTIMATE_PRIVATE = Text(
        "forbidden",
        "Alleen {member} zelf en de directie zien wat deelnemen {member} zou kosten.",
        "only {member} itself and the management see what taking part would cost {member}",
    )
    NOT_A_TARIFF_METRIC = Text(
        "unknown_metric",
        "{application} heeft geen gebruiksvergoeding voor '{metric}'.",
        "{application} has no usage tariff for '{metric}'",
    )
    NEGATIVE_QUANTITY = Text(
        "negative_quantity",
        "Een verwacht gebruik is een getal van nul of meer.",
        "an expected quantity is a number of zero or more",
    )
    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert kostenpools en verdeelruns.",
        "only the management manages cost pools and allocation runs",
    )
    SHARES_PRIVATE = Text(
        "forbidden",
        "Alleen het lid zelf, de directie en de auditors zien de kostenaandelen van een lid.",
        "a member's shares are visible to itself, the management and auditors",
    )
    NO_POOL = Text("not_found", "Er is geen kostenpool '{pool}'.", "no cost pool '{pool}'")
    NO_RUN = Text("not_found", "Er is geen verdeelrun {run}.", "no allocation run {run}")
    INVALID_RUN_ID = Text("invalid_id", "Dit is geen nummer van een verdeelrun.", "not a run id")

    POOL_CODE_REQUIRED = Text(
        "required", "Vul een code voor de kostenpool in.", "a pool code is required"
    )
    POOL_CODE_TAKEN = Text(
        "duplicate",
        "Er bestaat al een kostenpool '{pool}'.",
        "a cost pool '{pool}' already exists",
    )
    POOL_NAME_REQUIRED = Text("required", "Vul een naam in.", "a name is required")
    POOL_APPLICATION_REQUIRED = Text(
        "required",
        "Een kostenpool voor ontwikkeling, onderhoud of hosting hoort bij een applicatie;"
        " kies de applicatie.",
        "development, maintenance and hosting pools belong to an application",
    )
    POOL_APPLICATION_UNKNOWN = Text(
        "unknown_application",
        "Deze applicatie bestaat niet; een kostenpool voor ontwikkeling, onderhoud of hosting"
        " hoort bij een bestaande applicatie.",
        "development, maintenance and hosting pools belong to an application",
    )
    OWN_COSTS_WITHOUT_APPLICATION = Text(
        "not_allowed",
        "De eigen kosten van de coöperatie horen niet bij een applicatie.",
        "the cooperative's own costs have no application",
    )
    KEY_UNCHANGED = Text(
        "key_unchanged",
        "{pool} wordt al zo verdeeld; er is niets gewijzigd.",
        "{pool} is already split this way; nothing was changed",
    )
    REFERENCE_DATE_REQUIRED = Text(
        "required",
        "De verdeelsleutel naar inwoners heeft een peildatum nodig.",
        "the inhabitants key needs a reference date",
    )
    USAGE_KEY_INCOMPLETE = Text(
        "required",
        "De verdeelsleutel naar gebruik heeft een soort gebruik en een periode nodig.",
        "the usage key needs a metric and a period",
    )
    UNKNOWN_METRIC = Text(
        "unknown_metric", "Onbekende soort gebruik '{metric}'.", "unknown metric '{metric}'"
    )
    USAGE_KEY_WITHOUT_APPLICATION = Text(
        "usage_needs_application",
        "Gebruik wordt per applicatie vastgelegd; de verdeelsleutel naar gebruik past alleen bij"
        " een kostenpool van een applicatie.",
        "usage is recorded per application",
    )
    SINGLE_PAYER_REQUIRED = Text(
        "required", "Geef aan welk lid de kosten betaalt.", "name the member that pays"
    )
    DEPRECIATION_YEARS_OUT_OF_RANGE = Text(
        "out_of_range",
        "Kies een afschrijvingstermijn van 1 tot en met 50 jaar.",
        "between 1 and 50 years",
    )

    INVALID_AMOUNT = Text("invalid_amount", "Ongeldig bedrag: {reason}", "amount: {reason}")
    CLOSED_PERIOD = Text(
        "closed_period",
        "De kostenpool is afgesloten tot en met {closed_until}; boek de kosten in een open"
        " periode.",
        "the pool is closed up to {closed_until}; book the cost in an open period",
    )
    DESCRIPTION_REQUIRED = Text("required", "Beschrijf de kosten.", "describe the cost")
    UNKNOWN_CONTRACT = Text(
        "unknown_contract",
        "Er is geen contract '{contract}' in het contractenregister.",
        "no contract '{contract}' in the contracts register",
    )
    ALREADY_CLOSED = Text(
        "reopening",
        "De kostenpool is al afgesloten tot en met {closed_until}; een afgesloten periode gaat"
        " niet weer open.",
        "the pool is already closed up to {closed_until}",
    )

    NOT_A_MEMBER_ON = Text(
        "not_a_member", "{member} is op {day} geen lid.", "{member} is not a member on {day}"
    )
    NOT_USING_APPLICATION = Text(
        "not_using_application",
        "{member} gebruikt deze applicatie niet en doet ook niet mee in de gebruikersgroep"
        " ervan; alleen leden die meedoen delen in de kosten.",
        "{member} neither uses nor takes part in the community of this application; "
        "only members taking part share its costs",
    )
    ALREADY_PARTICIPANT = Text(
        "already_participant",
        "{member} neemt al deel aan deze kostenpool.",
        "{member} already takes part in this pool",
    )
    NOT_PARTICIPANT = Text(
        "not_participant",
        "{member} neemt niet deel aan deze kostenpool.",
        "{member} does not take part",
    )
    NEWCOMER_NOT_PARTICIPANT = Text(
        "not_participant",
        "'{member}' neemt niet deel aan deze kostenpool.",
        "'{member}' does not take part in this pool",
    )
    LEFT_BEFORE_JOINING = Text(
        "before_joining",
        "De einddatum ligt vóór de datum waarop het lid ging deelnemen.",
        "the end is before joining",
    )

    EARLIER_JOINER_UNSETTLED = Text(
        "earlier_joiner_unsettled",
        "Verreken eerst de leden die eerder zijn toegetreden: {members}.",
        "settle the members that joined earlier first: {members}",
    )
    RUN_NOT_CORRECTABLE = Text(
        "not_correctable",
        "Alleen een verdeelrun die nog geldt, kan worden gecorrigeerd.",
        "only a standing allocation run can be corrected",
    )
    SETTLED_SINCE = Text(
        "settled_since",
        "Op deze verdeelrun is een verrekening gebaseerd; verdeel de kostenpool van die"
        " verrekening opnieuw vanaf het begin.",
        "a settlement was based on this run; correct that settlement's pool from scratch",
    )
    RUN_UNCHANGED = Text(
        "unchanged",
        "De gegevens zijn niet veranderd: de verdeelrun blijft zoals hij is.",
        "the inputs are unchanged: the run stands as it is",
    )
    INPUTS_CHANGED = Text(
        "changed",
        "De gegevens zijn veranderd sinds het voorbeeld; bekijk het voorbeeld opnieuw.",
        "the inputs changed since the preview; check it again",
    )
    RUN_STORED_CONCURRENTLY = Text(
        "concurrent",
        "Op hetzelfde moment is een andere verdeelrun van deze kostenpool opgeslagen; bekijk"
        " het voorbeeld opnieuw.",
        "another run was stored at the same moment",
    )

    NO_PARTICIPANTS = Text(
        "no_participants", "De kostenpool heeft geen deelnemers.", "the pool has no participants"
    )
    NOBODY_ON = Text(
        "no_participants",
        "Op {day} nam niemand deel aan de kostenpool.",
        "nobody took part in the pool on {day}",
    )
    DUPLICATE_PARTICIPANT = Text(
        "duplicate", "Een lid neemt maar één keer deel.", "a member takes part only once"
    )
    PAYER_NOT_PARTICIPANT = Text(
        "payer_not_participant",
        "Het lid dat alles betaalt, '{payer}', neemt niet deel aan de kostenpool.",
        "the single payer '{payer}' is not a participant of the pool",
    )
    INVALID_DATE = Text(
        "invalid_date",
        "Dit is geen datum; schrijf bijvoorbeeld 2025-01-31 (jaar-maand-dag).",
        "not a date (YYYY-MM-DD)",
    )
    PERCENTAGE_MISSING = Text(
        "percentage_missing",
        "Een verdeelsleutel met vaste percentages heeft een percentage nodig voor {members}.",
        "a fixed-percentage key needs a percentage for {members}",
    )
    NEGATIVE_PERCENTAGE = Text(
        "negative", "Percentages mogen niet negatief zijn.", "percentages must not be negative"
    )
    PERCENTAGES_NOT_100 = Text(
        "percentages_not_100",
        "De percentages tellen op tot {total}, niet tot 100.",
        "the percentages add up to {total}, not 100",
    )
    INHABITANTS_MISSING = Text(
        "inhabitants_missing",
        "Er is geen aantal inwoners bekend van {member}.",
        "no inhabitants figure for {member}",
    )
    USAGE_MISSING = Text(
        "usage_missing",
        "Er is geen gebruik bekend van {member}.",
        "no usage figure for {member}",
    )
    NEGATIVE_INHABITANTS = Text(
        "negative",
        "Een aantal inwoners mag niet negatief zijn.",
        "negative inhabitants figure",
    )
    NEGATIVE_USAGE = Text(
        "negative", "Een gebruikscijfer mag niet negatief zijn.", "negative usage figure"
    )
    NO_INHABITANTS = Text(
        "all_zero",
        "Alle deelnemers hebben 0 inwoners: er is niets om naar te verdelen.",
        "every participant has 0 inhabitants: nothing to divide by",
    )
    NO_USAGE = Text(
        "all_zero",
        "Geen enkele deelnemer heeft gebruik: er is niets om naar te verdelen.",
        "every participant has 0 usage: nothing to divide by",
    )
