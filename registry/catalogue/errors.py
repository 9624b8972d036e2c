"""Refusals of the catalogue: applications, their lifecycle, releases and business cases."""

from __future__ import annotations

from registry.catalogue import labels  # noqa: F401  (refusals name phases by their labels)
from registry.kit.errors import Refusal, Text


class CatalogueRefusal(Refusal):
    """What the catalogue refuses, with the Dutch and English text."""

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
        "only the lead member's people and the directie see who is interested in {application}",
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
    NOT_VISIBLE = Text(
        "not_found",
        "Er is geen gepubliceerde applicatie met de korte naam '{slug}'.",
        "no published application with slug '{slug}'",
    )
