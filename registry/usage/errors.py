"""Refusals of the usage domain: adopting applications, their lifecycle, usage and tariffs."""

from __future__ import annotations

from registry.catalogue import labels as _statuses  # noqa: F401  (named by their labels)
from registry.kit.errors import Refusal, Text
from registry.usage import labels as _stages  # noqa: F401  (named by their labels)


class UsageRefusal(Refusal):
    """What the usage domain refuses, with the codes API clients already compare."""

    ADOPT_FORBIDDEN = Text(
        "forbidden",
        "Alleen de beheerders van het lid en de directie nemen applicaties in gebruik voor het"
        " lid.",
        "only the member's admins and the management adopt applications for it",
    )
    ADVANCE_FORBIDDEN = Text(
        "forbidden",
        "Alleen de beheerders van het lid en de directie wijzigen de fase waarin het lid een"
        " applicatie gebruikt.",
        "only the member's admins and the management change its adoptions",
    )
    TARIFF_FORBIDDEN = Text(
        "forbidden",
        "Alleen de directie stelt tarieven voor gebruik vast.",
        "only the management sets usage tariffs",
    )
    USAGE_PRIVATE = Text(
        "forbidden",
        "Alleen het lid zelf, de directie en de auditors zien het gebruik van een lid.",
        "a member's usage is visible to itself, the management and auditors",
    )
    ADOPTIONS_PRIVATE = Text(
        "forbidden",
        "Alleen het lid zelf, de directie en de auditors zien welke applicaties een lid gebruikt.",
        "a member's adoptions are visible to itself, the management and auditors",
    )
    REPORT_FORBIDDEN = Text(
        "forbidden",
        "U mag geen gebruik melden voor {member}.",
        "not allowed to report for {member}",
    )
    OUTSIDE_TOKEN_SCOPE = Text(
        "outside_token_scope",
        "Met dit API-token mag u geen gebruik melden voor '{application}'.",
        "this token may not report usage for '{application}'",
    )

    NO_ADOPTION = Text(
        "not_found",
        "Dit lid heeft geen ingebruikname {adoption}.",
        "no adoption {adoption} of this member",
    )
    NO_ADOPTION_OF = Text(
        "not_found",
        "{member} heeft geen ingebruikname {adoption}.",
        "no adoption {adoption} of {member}",
    )
    INVALID_ADOPTION_ID = Text(
        "invalid_id", "Dit is geen nummer van een ingebruikname.", "not an adoption id"
    )
    UNKNOWN_APPLICATION = Text(
        "unknown_application",
        "Er is geen applicatie '{application}'.",
        "no application '{application}'",
    )

    ACQUISITION_IN_FUTURE = Text(
        "in_future",
        "De datum van verwerving ligt in de toekomst.",
        "the acquisition date is in the future",
    )
    NOT_ACTIVE_MEMBER = Text(
        "not_active_member",
        "{member} is op {day} geen actief lid.",
        "{member} is not an active member on {day}",
    )
    APPLICATION_RETIRED = Text(
        "retired", "{application} is uitgefaseerd.", "{application} is retired"
    )
    ALREADY_ADOPTED = Text(
        "already_adopted",
        "{member} gebruikt {application} al; zet die ingebruikname een fase verder.",
        "{member} already uses {application}; advance that adoption instead",
    )

    STAGE_BACKWARDS = Text(
        "invalid_transition",
        "U kunt niet van {current} naar {target}: de fasen van het gebruik gaan alleen vooruit.",
        "cannot move from {current} to {target}: the lifecycle only goes forward",
    )
    STAGE_IN_FUTURE = Text(
        "in_future",
        "U legt een fase vast als die bereikt is; {day} ligt in de toekomst.",
        "a stage is recorded when reached; {day} is ahead",
    )
    BEFORE_PREVIOUS_STAGE = Text(
        "before_previous_stage",
        "{day} ligt vóór de vorige fase ({previous}).",
        "{day} is before the previous stage ({previous})",
    )
    APPLICATION_NOT_READY = Text(
        "application_not_ready",
        "De applicatie is in de fase {status}; alleen een applicatie in acceptatie of productie"
        " kan in productie worden genomen.",
        "the application is in {status}; only an application in acceptance or production can go"
        " into production",
    )
    UNKNOWN_STAGE = Text("unknown_stage", "Kies een fase.", "choose a stage")
    INVALID_DATE = Text(
        "invalid_date",
        "Dit is geen datum; schrijf die als JJJJ-MM-DD.",
        "not a date (YYYY-MM-DD)",
    )

    INVALID_PERIOD = Text(
        "invalid_period",
        "'{value}' is geen maand; schrijf die als JJJJ-MM.",
        "'{value}' is not a month (YYYY-MM)",
    )
    FUTURE_PERIOD = Text(
        "future_period",
        "{period} ligt in de toekomst; registreer gebruik tot en met de huidige maand ({current}).",
        "{period} is in the future; report usage up to the current month ({current})",
    )
    UNKNOWN_METRIC = Text(
        "unknown_metric",
        "Onbekende soort gebruik '{value}'; kies uit: {metrics}.",
        "unknown metric '{value}'; use one of: {metrics}",
    )
    NEGATIVE_QUANTITY = Text(
        "negative_quantity", "Een hoeveelheid is 0 of meer.", "a quantity is 0 or more"
    )

    NO_RECORDS = Text(
        "empty", "Er zijn geen gebruiksgegevens meegestuurd.", "no usage records given"
    )
    TOO_MANY_RECORDS = Text(
        "too_many",
        "Stuur ten hoogste {limit} regels per keer; dit zijn er {given}.",
        "at most {limit} records per call, {given} given",
    )
    NO_USAGE_RIGHT = Text(
        "no_usage_right",
        "{member} heeft geen gebruiksrecht voor {application}.",
        "{member} holds no usage right for {application}",
    )
    NO_USAGE_RIGHT_IN = Text(
        "no_usage_right",
        "{member} heeft in {period} geen gebruiksrecht voor {application}.",
        "{member} holds no usage right for {application} in {period}",
    )
    BEFORE_ADOPTION = Text(
        "before_adoption",
        "{period} ligt vóór de maand waarin {member} {application} in gebruik nam.",
        "{period} is before {member} adopted {application}",
    )
    DUPLICATE_RECORD = Text(
        "duplicate",
        "Hetzelfde lid, dezelfde applicatie, maand en soort gebruik staan er twee keer in.",
        "the same member, application, month and metric twice",
    )

    INVALID_PRICE = Text("invalid_price", "Ongeldig tarief: {reason}", "price: {reason}")
    TARIFF_EXISTS = Text(
        "duplicate",
        "Er is al een tarief voor {metric} vanaf {month}.",
        "a tariff for {metric} from {month} exists",
    )
