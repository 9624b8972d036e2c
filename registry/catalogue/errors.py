"""Refusals of the catalogue: applications, their lifecycle, releases and business cases."""

from __future__ import annotations

from registry.catalogue import labels  # noqa: F401  (refusals name phases by their labels)
from registry.kit.errors import Refusal, Text


class CatalogueRefusal(Refusal):
    """What the catalogue refuses, with the Dutch and English text."""

    TOO_MANY_REFERENCE_COMPONENTS = Text(
        "too_many_reference_components",
        "Geef ten hoogste {limit} referentiecomponenten.",
        "at most {limit} reference components",
    )
    VERSION_WITHOUT_CLAIM = Text(
        "version_without_claim",
        "{standard} staat niet bij de standaarden; voeg de standaard toe of laat de versie weg.",
        "{standard} is not among the standards claimed",
    )

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert de catalogus.",
        "only the management manages the catalogue",
    )
    NO_APPLICATION = Text(
        "not_found",
        "Er is geen applicatie met de korte naam '{slug}'.",
        "no application with slug '{slug}'",
    )
    INVALID_SLUG = Text(
        "invalid_slug",
        "Gebruik voor de korte naam kleine letters, cijfers en losse koppeltekens (ten hoogste"
        " {limit} tekens).",
        "use lowercase letters, digits and single hyphens (at most {limit} characters)",
    )
    SLUG_TAKEN = Text(
        "duplicate",
        "Er bestaat al een applicatie met de korte naam '{slug}'.",
        "an application with slug '{slug}' already exists",
    )
    INVALID_URL = Text(
        "invalid_url",
        "'{value}' is geen webadres dat met http:// of https:// begint.",
        "'{value}' is not an http(s) URL",
    )
    LICENCE_REQUIRED = Text(
        "required",
        "Vul een licentie in, bijvoorbeeld EUPL-1.2.",
        "a licence expression is required",
    )
    INVALID_LICENCE = Text(
        "invalid_spdx",
        "'{value}' is geen geldige licentie volgens de SPDX-lijst, bijvoorbeeld EUPL-1.2 of"
        " MIT OR Apache-2.0.",
        "'{value}' is not a valid SPDX licence expression",
    )
    INVALID_TRANSITION = Text(
        "invalid_transition",
        "Een applicatie in de fase {current} kan niet naar de fase {target}, wel naar {next}"
        " of {retired}.",
        "cannot move from {current} to {target}; allowed: {next}, {retired}",
    )
    ONLY_RETIREMENT = Text(
        "invalid_transition",
        "Een applicatie in de fase {current} kan niet naar de fase {target}, alleen naar"
        " {retired}.",
        "cannot move from {current} to {target}; allowed: {retired}",
    )
    RETIREMENT_FINAL = Text(
        "invalid_transition",
        "Een applicatie in de fase {current} blijft daar; naar de fase {target} kan niet meer.",
        "cannot move from {current} to {target}; allowed: none",
    )
    BUILD_WITHOUT_POSITIVE_CASE = Text(
        "no_positive_business_case",
        "{application} kan pas naar de bouwfase als een businesscase een positief besluit heeft.",
        "{application} cannot move to build without a business case with a positive decision",
    )
    RELEASE_RECORDED = Text(
        "duplicate",
        "Versie {version} is al vastgelegd.",
        "release {version} is already recorded",
    )
    CASE_TITLE_TAKEN = Text(
        "duplicate",
        "Er bestaat al een businesscase met de titel '{title}'.",
        "a business case '{title}' already exists",
    )
    INVALID_AMOUNT = Text("invalid_amount", "Ongeldig bedrag: {reason}", "{reason}")
    NO_BUSINESS_CASE = Text(
        "not_found",
        "{application} heeft geen businesscase met de titel '{title}'.",
        "no business case '{title}' for {application}",
    )
    CASE_DECIDED = Text(
        "already_decided",
        "Over deze businesscase is al besloten.",
        "this business case is decided",
    )
    DECIDER_REQUIRED = Text("required", "Vul in wie het besluit nam.", "say who decided")
    ALREADY_IN_COMMUNITY = Text(
        "already_in_community",
        "{member} neemt al deel aan de gemeenschap van deze applicatie.",
        "{member} takes part",
    )

    PROPOSE_FORBIDDEN = Text(
        "forbidden",
        "Alleen een beheerder van {member} kan namens {member} een applicatie voorstellen.",
        "only an admin of {member} proposes an application on behalf of {member}",
    )
    NOT_A_PROPOSAL = Text(
        "not_a_proposal",
        "{application} is geen voorstel van een lid en wacht niet op een beoordeling.",
        "{application} is not a member's proposal awaiting review",
    )
    ALREADY_REVIEWED = Text(
        "already_reviewed",
        "Over het voorstel {application} is al besloten ({outcome}).",
        "the proposal {application} has been decided ({outcome})",
    )
    NOTE_REQUIRED = Text(
        "required",
        "Schrijf erbij wat er moet veranderen of waarom het voorstel wordt afgewezen.",
        "say what should change or why the proposal is rejected",
    )
    NO_CHANGES_REQUESTED = Text(
        "no_changes_requested",
        "De directie heeft niet om wijzigingen in {application} gevraagd.",
        "the management did not ask for changes to {application}",
    )
    LEAD_ONLY = Text(
        "forbidden",
        "Alleen de beheerders van de trekker ({lead}) en de directie onderhouden {application}.",
        "only the admins of the lead member ({lead}) and the management maintain {application}",
    )
    NO_LEAD = Text(
        "forbidden",
        "{application} heeft geen trekker; alleen de directie onderhoudt deze applicatie.",
        "{application} has no lead member; only the management maintains it",
    )
    INTEREST_LEAD_ONLY = Text(
        "forbidden",
        "Alleen de mensen van de trekker en de directie zien wie belangstelling heeft voor"
        " {application}.",
        "only the lead member's people and the Management see who is interested in {application}",
    )
    COMMUNITY_FORBIDDEN = Text(
        "forbidden",
        "Alleen een beheerder van {member} (of de directie) meldt {member} aan of af.",
        "only an admin of {member} (or the management) signs {member} up or off",
    )
    ALREADY_INTERESTED = Text(
        "already_interested",
        "{member} heeft al belangstelling voor deze applicatie gemeld.",
        "{member} has registered interest already",
    )
    NOT_IN_COMMUNITY = Text(
        "not_in_community",
        "{member} neemt niet deel aan de gemeenschap van deze applicatie.",
        "{member} does not take part in this community",
    )
    LEAVING_AFTER_ADOPTION = Text(
        "adopted",
        "{member} gebruikt {application} al; wie heeft aangeschaft, blijft in de gemeenschap.",
        "{member} has adopted {application}; an adopter stays in the community",
    )
    JOIN_DATE_IN_FUTURE = Text(
        "date_in_future",
        "De datum van deelname ligt in de toekomst.",
        "the joining date is in the future",
    )
    INVALID_RELEASE_DATE = Text(
        "invalid_date",
        "Geef de datum waarop de versie uitkwam als JJJJ-MM-DD.",
        "give the date the version was released as YYYY-MM-DD",
    )
    INVALID_JOIN_DATE = Text(
        "invalid_date",
        "Geef de datum van deelname als JJJJ-MM-DD.",
        "give the date of joining as YYYY-MM-DD",
    )
    NOT_VISIBLE = Text(
        "not_found",
        "Er is geen gepubliceerde applicatie met de korte naam '{slug}'.",
        "no published application with slug '{slug}'",
    )


class PubliccodeRefusal(Refusal):
    """What a publiccode.yml file is refused for (errors) or warned about (warnings)."""

    NOTHING_TO_CHECK = Text(
        "required",
        "Plak een publiccode.yml of kies een bestand.",
        "paste a publiccode.yml or choose a file",
    )
    FILE_TOO_LARGE = Text(
        "too_large",
        "Het bestand is te groot: ten hoogste {limit}.",
        "the file is too large: at most {limit}",
    )
    NOT_UTF8 = Text("not_utf8", "Het bestand is geen UTF-8-tekst.", "the file is not UTF-8 text")
    INVALID_YAML = Text(
        "invalid_yaml",
        "Dit is geen geldige YAML: {problem}.",
        "this is not valid YAML: {problem}",
    )
    SEVERAL_DOCUMENTS = Text(
        "invalid_yaml",
        "Het bestand bevat meer dan één YAML-document.",
        "the file holds more than one YAML document",
    )
    ALIAS = Text(
        "invalid_yaml",
        "Verwijzingen (anchors en aliases) zijn niet toegestaan.",
        "anchors and aliases are not allowed",
    )
    DUPLICATE_KEY = Text(
        "duplicate_key",
        "Deze sleutel staat er al eerder in.",
        "this key is already defined",
    )
    MISSING = Text("required", "ontbreekt", "missing")
    UNKNOWN_KEY = Text(
        "unknown_key",
        "onbekende sleutel in publiccode.yml {version}",
        "unknown key in publiccode.yml {version}",
    )
    EXPECTED_TEXT = Text("wrong_type", "verwacht een tekst", "expected a text")
    EXPECTED_LIST = Text("wrong_type", "verwacht een lijst", "expected a list")
    EXPECTED_MAPPING = Text(
        "wrong_type", "verwacht sleutels met waarden", "expected keys with values"
    )
    EXPECTED_BOOLEAN = Text("wrong_type", "verwacht true of false", "expected true or false")
    EMPTY = Text("empty", "mag niet leeg zijn", "must not be empty")
    UNSUPPORTED_VERSION = Text(
        "unsupported_version",
        "versie '{value}' wordt niet ondersteund; gebruik {supported}",
        "version '{value}' is not supported; use {supported}",
    )
    NOT_ONE_OF = Text(
        "not_one_of",
        "'{value}' is niet toegestaan; kies uit {allowed}",
        "'{value}' is not allowed; use one of {allowed}",
    )
    INVALID_CATEGORY = Text(
        "invalid_category",
        "'{value}' staat niet in de lijst van categorieën van de standaard",
        "'{value}' is not a category of the standard's list",
    )
    INVALID_SCOPE = Text(
        "invalid_scope",
        "'{value}' staat niet in de lijst van domeinen (scope) van de standaard",
        "'{value}' is not a scope of the standard's list",
    )
    INVALID_DATE = Text(
        "invalid_date",
        "'{value}' is geen datum als JJJJ-MM-DD",
        "'{value}' is not a date as YYYY-MM-DD",
    )
    INVALID_URL = Text(
        "invalid_url", "'{value}' is geen geldig webadres", "'{value}' is not a valid URL"
    )
    INVALID_HTTP_URL = Text(
        "invalid_url",
        "'{value}' is geen webadres dat met http:// of https:// begint",
        "'{value}' is not an http(s) URL",
    )
    NOT_RELATIVE = Text(
        "invalid_path",
        "'{value}' moet een relatief pad of een http(s)-adres zijn",
        "'{value}' must be a relative path or an http(s) URL",
    )
    INVALID_LANGUAGE = Text(
        "invalid_language",
        "'{value}' is geen taalcode volgens BCP 47, zoals nl of en",
        "'{value}' is not a BCP 47 language code such as nl or en",
    )
    INVALID_COUNTRY = Text(
        "invalid_country",
        "'{value}' is geen landcode volgens ISO 3166-1 alpha-2, zoals NL",
        "'{value}' is not an ISO 3166-1 alpha-2 country code such as NL",
    )
    INVALID_EMAIL = Text(
        "invalid_email", "'{value}' is geen e-mailadres", "'{value}' is not an e-mail address"
    )
    INVALID_MIME = Text(
        "invalid_mime_type",
        "'{value}' is geen MIME-type zoals text/csv",
        "'{value}' is not a MIME type such as text/csv",
    )
    INVALID_LICENCE = Text(
        "invalid_spdx",
        "'{value}' is geen geldige SPDX-licentie-expressie",
        "'{value}' is not a valid SPDX licence expression",
    )
    TOO_LONG = Text(
        "too_long",
        "{length} tekens; ten hoogste {limit}",
        "{length} characters; at most {limit}",
    )
    TOO_SHORT = Text(
        "too_short",
        "{length} tekens; ten minste {limit}",
        "{length} characters; at least {limit}",
    )
    ONLY_WITH_CONTRACT = Text(
        "not_allowed",
        "alleen bij maintenance.type contract",
        "only with maintenance.type contract",
    )
    BOTH_COUNTRY_SECTIONS = Text(
        "duplicate_key",
        "de sectie 'IT' staat er al; verwijder deze",
        "the 'IT' section is already present; remove this one",
    )
    OLDER_VERSION = Text(
        "older_version",
        "versie {value} is niet de nieuwste; gebruik {latest}",
        "version {value} is not the latest; use {latest}",
    )
    DEPRECATED = Text(
        "deprecated",
        "verouderd en verdwijnt; kan weg",
        "deprecated and will be removed; it is safe to drop it",
    )
    DEPRECATED_USE = Text(
        "deprecated",
        "verouderd en verdwijnt; gebruik '{replacement}'",
        "deprecated and will be removed; use '{replacement}' instead",
    )
    LOWERCASE_COUNTRY = Text(
        "deprecated",
        "landcodes in kleine letters zijn verouderd; gebruik '{upper}'",
        "lowercase country codes are deprecated; use '{upper}'",
    )
