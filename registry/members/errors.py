"""Refusals of the members domain: members, memberships, decisions, mergers, population figures."""

from __future__ import annotations

from registry.kit.errors import Refusal, Text, ValidationFailed
from registry.members.models import DecisionBody, MemberType

GOVERNMENT_TYPES = ", ".join(t.value for t in MemberType)
BODY_NAMES = {DecisionBody.ALV: "ALV", DecisionBody.RVC: "RvC", DecisionBody.DIRECTIE: "directie"}
"""How a text names a decision-making body; the same in Dutch and English."""


class MembersRefusal(Refusal):
    """What the members domain refuses, with the texts people read."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert leden en bevolkingscijfers.",
        "only the management manages members and population figures",
    )
    NOT_GOVERNMENT_BODY = Text(
        "not_government_body",
        "'{value}' is geen overheidsorgaan; een lid is een van deze soorten: {types}.",
        "'{value}' is not a government body; a member must be one of: {types}",
    )
    UNKNOWN_BODY = Text(
        "unknown_body",
        "'{value}' is geen besluitvormend orgaan; kies een van: {bodies}.",
        "'{value}' is not a decision-making body; use one of: {bodies}",
    )
    INVALID_CBS_CODE = Text(
        "invalid_cbs_code",
        "'{value}' is geen CBS-gemeentecode (GM en vier cijfers, bijvoorbeeld GM0632).",
        "'{value}' is not a CBS municipality code (GM + 4 digits)",
    )
    INVALID_OIN = Text(
        "invalid_oin",
        "'{value}' is geen OIN (20 cijfers).",
        "'{value}' is not an OIN (20 digits)",
    )
    INVALID_KVK = Text(
        "invalid_kvk",
        "'{value}' is geen KvK-nummer (8 cijfers).",
        "'{value}' is not a KvK number (8 digits)",
    )
    UNKNOWN_MEMBER = Text(
        "unknown_member",
        "Er is geen lid met de code '{code}'.",
        "no member with code '{code}'",
    )
    NO_MEMBER = Text(
        "not_found",
        "Er is geen lid met de code '{code}'.",
        "no member with code '{code}'",
    )
    MEMBER_CODE_TAKEN = Text(
        "duplicate",
        "Er bestaat al een lid met de code '{code}'.",
        "a member with code '{code}' already exists",
    )
    UNKNOWN_MUNICIPALITY = Text(
        "unknown_municipality",
        "Er is geen gemeente {code} bekend.",
        "no municipality {code}",
    )
    DECISION_RECORDED = Text(
        "duplicate",
        "Het besluit '{reference}' is al vastgelegd.",
        "decision '{reference}' is already recorded",
    )
    DOCUMENT_URL_INVALID = Text(
        "invalid_url",
        "De link naar het document moet beginnen met https:// of http://.",
        "the document link must be an http(s) URL",
    )
    INVALID_DATE = Text(
        "invalid_date",
        "Dit is geen datum; schrijf bijvoorbeeld 2025-01-31 (jaar-maand-dag).",
        "not a date (YYYY-MM-DD)",
    )
    UNKNOWN_DECISION = Text(
        "unknown_decision",
        "Er is geen besluit '{reference}' vastgelegd.",
        "no decision '{reference}' is recorded",
    )
    DECISION_OF_OTHER_BODY = Text(
        "wrong_body",
        "Het besluit '{reference}' is een besluit van de {body}; hiervoor is een besluit van de"
        " {needed} nodig.",
        "decision '{reference}' is a {body} decision; this needs a decision of the {needed}",
    )
    MEMBERSHIP_OPEN = Text(
        "membership_open",
        "{member} heeft al een lidmaatschap dat niet is beëindigd.",
        "{member} already has a membership that has not ended",
    )
    PARTNERS_REQUIRED = Text(
        "partners_required",
        "Vermeld bij een samenwerkingsverband zonder rechtspersoonlijkheid alle deelnemers (ten"
        " minste twee) als ondertekenaars; zij zijn hoofdelijk aansprakelijk.",
        "a partnership without legal personality lists all its partners (at least two) as"
        " signatories; they are jointly and severally liable",
    )
    NOT_PARTNERSHIP = Text(
        "not_partnership",
        "Alleen bij een samenwerkingsverband worden deelnemers als ondertekenaars vermeld.",
        "only a partnership lists partners as signatories",
    )
    NO_MEMBERSHIP = Text(
        "not_found",
        "Er is geen lidmaatschap {membership}.",
        "no membership {membership}",
    )
    INVALID_MEMBERSHIP_ID = Text(
        "invalid_id",
        "Dit is geen nummer van een lidmaatschap.",
        "not a membership id",
    )
    ALREADY_DECIDED = Text(
        "already_decided",
        "De RvC heeft al over deze aanvraag besloten.",
        "the RvC has already decided on this application",
    )
    DECISION_BEFORE_APPLICATION = Text(
        "before_application",
        "Het besluit '{reference}' is genomen vóór de aanvraag van {applied}.",
        "decision '{reference}' predates the application of {applied}",
    )
    NOT_APPROVED = Text(
        "not_approved",
        "De RvC heeft deze aanvraag nog niet goedgekeurd.",
        "the RvC has not approved this application yet",
    )
    APPLICATION_REJECTED = Text(
        "rejected",
        "De RvC heeft deze aanvraag afgewezen.",
        "the RvC rejected this application",
    )
    ALREADY_ADMITTED = Text(
        "already_admitted",
        "De toetreding van dit lidmaatschap is al vastgelegd.",
        "this membership has already been admitted",
    )
    START_BEFORE_APPROVAL = Text(
        "before_approval",
        "De ingangsdatum {start} ligt vóór de goedkeuring door de RvC op {approved}.",
        "the start date {start} is before the RvC approval of {approved}",
    )
    OVERLAPS_MEMBERSHIP = Text(
        "overlaps_membership",
        "Een eerder lidmaatschap loopt nog tot en met {end}.",
        "an earlier membership runs until {end}",
    )
    ENTRY_FEE_INVALID = Text(
        "invalid_amount",
        "Het entreegeld mag niet negatief zijn en heeft ten hoogste twee decimalen.",
        "the entry fee must not be negative and has at most two decimals",
    )
    ENTRY_FEE_DECISION_REQUIRED = Text(
        "required",
        "Vermeld het besluit waarin het entreegeld is vastgesteld.",
        "an entry fee needs the decision that set it",
    )
    NOT_ADMITTED = Text(
        "not_admitted",
        "Alleen een lidmaatschap dat is ingegaan kan worden beëindigd.",
        "only an admitted membership can be ended",
    )
    NOTICE_ALREADY_GIVEN = Text(
        "already_ended",
        "De opzegging is al vastgelegd.",
        "notice was already given",
    )
    NOTICE_BEFORE_START = Text(
        "before_start",
        "De datum van opzegging ligt vóór de ingangsdatum van het lidmaatschap.",
        "the notice date is before the membership started",
    )
    END_BEFORE_NOTICE = Text(
        "before_notice",
        "De einddatum ligt vóór de datum van opzegging.",
        "the end date is before the notice date",
    )
    EXIT_CHARGE_NEGATIVE = Text(
        "negative",
        "De uittreedvergoeding mag niet negatief zijn.",
        "the exit charge must not be negative",
    )
    MERGER_NOT_JANUARY_FIRST = Text(
        "not_january_first",
        "Een gemeentelijke herindeling gaat altijd in op 1 januari.",
        "municipal mergers take effect on 1 January",
    )
    PREDECESSORS_REQUIRED = Text(
        "required",
        "Noem ten minste één gemeente die opgaat in de herindeling.",
        "name at least one merged municipality",
    )
    SUCCESSOR_IS_PREDECESSOR = Text(
        "is_predecessor",
        "De nieuwe gemeente kan niet een van de opgeheven gemeenten zijn.",
        "the successor cannot be one of the merged",
    )
    MUNICIPALITY_ALREADY_ENDED = Text(
        "already_ended",
        "De gemeente {municipality} is al opgeheven op {ended}.",
        "{municipality} already ended on {ended}",
    )
    SUCCESSOR_NAME_REQUIRED = Text(
        "required",
        "Vul de naam van de nieuwe gemeente in.",
        "name the new municipality",
    )
    SUCCESSOR_MEMBER_REQUIRED = Text(
        "required",
        "Een opgeheven gemeente is lid: vul de code in waaronder de nieuwe gemeente lid is.",
        "a merged municipality is a member: name the member code of its successor",
    )
    POPULATION_MISSING = Text(
        "population_missing",
        "Er is geen bevolkingscijfer op of vóór {on} voor {municipalities}.",
        "no population figure on or before {on} for {municipalities}",
    )
    NOT_A_WHOLE_NUMBER = Text(
        "not_a_whole_number",
        "'{value}' is geen geheel getal: gebruik alleen de cijfers 0-9, zonder teken of"
        " scheidingstekens.",
        "'{value}' is not a whole number (digits 0-9 only, no sign or separators)",
    )
    OUT_OF_RANGE = Text(
        "out_of_range",
        "{value} ligt niet tussen {low} en {high}.",
        "{value} is not between {low} and {high}",
    )
    MUNICIPALITY_NAME_EMPTY = Text(
        "required",
        "De naam van de gemeente is leeg.",
        "the municipality name is empty",
    )
    NAME_TOO_LONG = Text(
        "too_long",
        "De naam is langer dan {limit} tekens.",
        "the name is longer than {limit} characters",
    )
    NAME_IS_FORMULA = Text(
        "formula",
        "De naam begint met '{char}', waardoor een spreadsheet hem als formule zou uitvoeren.",
        "the name starts with '{char}', which a spreadsheet would run as a formula",
    )
    CONTROL_CHARACTER = Text(
        "control_character",
        "Stuurteken of onzichtbaar teken {char} op positie {position}.",
        "control or invisible character {char} at position {position}",
    )
    LINE_TOO_LONG = Text(
        "line_too_long",
        "Regel {line} is langer dan {limit} bytes: dit is geen CBS-export.",
        "line {line} is longer than {limit} bytes: not a CBS export",
    )
    FILE_TOO_LARGE = Text(
        "file_too_large",
        "Het bestand is groter dan {limit} (gestopt bij regel {line}); splits het bestand.",
        "the file is larger than {limit} (stopped at line {line}); split it",
    )
    TOO_MANY_LINES = Text(
        "too_many_lines",
        "Het bestand heeft meer dan {limit} regels.",
        "the file has more than {limit} lines",
    )
    FILE_IS_UTF16 = Text(
        "not_utf8",
        "Regel 1: het bestand is opgeslagen als UTF-16 in plaats van UTF-8; sla het op als UTF-8"
        " (CSV UTF-8).",
        "line 1: the file is UTF-16, not UTF-8; save it as UTF-8 (CSV UTF-8)",
    )
    NOT_UTF8 = Text(
        "not_utf8",
        "Regel {line} is geen UTF-8 (byte 0x{byte} in kolom {column}); sla het bestand op als"
        " UTF-8.",
        "line {line}: not UTF-8 (byte 0x{byte} at column {column}); save the file as UTF-8",
    )
    NUL_BYTE = Text(
        "not_text",
        "Regel {line}: NUL-byte in kolom {column}; is dit een UTF-16- of binair bestand? Sla het"
        " op als UTF-8.",
        "line {line}: NUL byte at column {column}; a UTF-16 or binary file? save it as UTF-8",
    )
    MISSING_COLUMNS = Text(
        "missing_columns",
        "Deze kolom(men) ontbreken: {missing}; verwacht: {expected}.",
        "missing column(s) {missing}; expected {expected}",
    )
    TOO_MANY_ERRORS = Text(
        "too_many_errors",
        "Gestopt bij regel {line}: te veel fouten.",
        "stopped at line {line}: too many errors",
    )
    CSV_CONTROL_CHARACTER = Text(
        "invalid_csv",
        "Regel {line}: stuurteken {char} in kolom {column}.",
        "line {line}: control character {char} at column {column}",
    )
    CSV_QUOTES = Text(
        "invalid_csv",
        "Regel {line}: een aanhalingsteken is niet gesloten of wordt niet direct gevolgd door"
        " het scheidingsteken.",
        "line {line}: a quote is not closed or not followed directly by the separator",
    )
    TOO_MANY_FIELDS = Text(
        "too_many_fields",
        "De regel heeft meer velden dan de kopregel.",
        "the line has more fields than the header",
    )
    DUPLICATE_FIGURE = Text(
        "duplicate",
        "{code} voor {year} staat al op regel {first}.",
        "{code} for {year} already appears on line {first}",
    )
    NO_FIGURES = Text(
        "empty",
        "Het bestand bevat geen bevolkingscijfers.",
        "the file holds no population figures",
    )
    INVALID_SOURCE = Text(
        "invalid_source",
        "De bron moet uit 1 tot 300 leesbare tekens bestaan.",
        "the source must be 1 to 300 printable characters",
    )


def member_type(value: str, field: str = "type") -> MemberType:
    """Only government bodies may be members; anything else is refused with the allowed list."""
    try:
        return MemberType(value.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            field, MembersRefusal.NOT_GOVERNMENT_BODY, value=value, types=GOVERNMENT_TYPES
        ) from None


def decision_body(value: str, field: str = "body") -> DecisionBody:
    try:
        return DecisionBody(value.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            field,
            MembersRefusal.UNKNOWN_BODY,
            value=value,
            bodies=", ".join(b.value for b in DecisionBody),
        ) from None
