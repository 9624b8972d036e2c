"""Refusals of the catalogue: applications, their lifecycle, releases and business cases."""

from __future__ import annotations

from registry.catalogue import labels  # noqa: F401  (refusals name phases by their labels)
from registry.kit.errors import Refusal, Text


class CatalogueRefusal(Refusal):
    """What the catalogue refuses, with the Dutch and English text."""

    DIRECTIE_ONLY = Text(
        "forbidden",
        "Alleen de directie beheert de catalogus.",
        "only the directie manages the catalogue",
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
