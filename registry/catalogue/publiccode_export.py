"""An application as a publiccode.yml (0.4): pure, from plain values, the same bytes for the
same application.

What the registry does not know is left out (categories until they are recorded, logo); what
the standard requires and the registry keeps differently is derived: `developmentStatus` from
the lifecycle, `maintenance` from the lead member (internal, with the lead member as contact)
or none, `url` the repository or else the application's page in the registry. A description
shorter than the standard's 150 characters is completed with what the registry knows about the
application (phase, platform, standards, the page), so every published application has a valid
file; `validate` checks each file this module writes in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from registry.catalogue.models import ApplicationStatus
from registry.catalogue.publiccode import (
    LATEST,
    LONG_DESCRIPTION_MAX,
    LONG_DESCRIPTION_MIN,
    SHORT_DESCRIPTION_MAX,
)

DEVELOPMENT_STATUS = {
    ApplicationStatus.IDEA: "concept",
    ApplicationStatus.EXPLORATION: "concept",
    ApplicationStatus.BUILD: "development",
    ApplicationStatus.ACCEPTANCE: "beta",
    ApplicationStatus.PRODUCTION: "stable",
    ApplicationStatus.RETIRED: "obsolete",
}

_PHASE = {
    "nl": {
        ApplicationStatus.IDEA: "een idee",
        ApplicationStatus.EXPLORATION: "in verkenning",
        ApplicationStatus.BUILD: "in de bouwfase",
        ApplicationStatus.ACCEPTANCE: "in acceptatie",
        ApplicationStatus.PRODUCTION: "in productie",
        ApplicationStatus.RETIRED: "uit gebruik",
    },
    "en": {
        ApplicationStatus.IDEA: "an idea",
        ApplicationStatus.EXPLORATION: "being explored",
        ApplicationStatus.BUILD: "being built",
        ApplicationStatus.ACCEPTANCE: "in acceptance",
        ApplicationStatus.PRODUCTION: "in production",
        ApplicationStatus.RETIRED: "retired",
    },
}


@dataclass(frozen=True, slots=True)
class ExportedApplication:
    """What the registry knows of an application, as plain values."""

    slug: str
    name: str
    description_nl: str
    description_en: str
    problem: str
    status: ApplicationStatus
    licence: str
    platform: str
    repository_url: str | None
    page_url: str
    lead_member: str | None
    owner_member: str | None
    used_by: Sequence[str]
    standards: Sequence[str]
    latest_version: str | None = None
    latest_release: date | None = None
    categories: Sequence[str] = ()


def short_description(text: str) -> str:
    """A description as `shortDescription`: one line, cut at a word to 150 characters."""
    text = " ".join(text.split())
    if len(text) <= SHORT_DESCRIPTION_MAX:
        return text
    cut = text[: SHORT_DESCRIPTION_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _long(app: ExportedApplication, language: str, description: str) -> str:
    parts = [description.strip()]
    if language == "nl" and app.problem.strip():
        parts.append(app.problem.strip())
    text = "\n\n".join(p for p in parts if p)
    if len(text) >= LONG_DESCRIPTION_MIN:
        return text[:LONG_DESCRIPTION_MAX]
    phase = _PHASE[language][app.status]
    if language == "nl":
        about = f"{app.name} is software van de coöperatie en is {phase}."
        if app.platform:
            about += f" Platform: {app.platform}."
        if app.standards:
            about += f" Standaarden: {', '.join(app.standards)}."
        about += f" Meer in de catalogus van het Coöperatieregister: {app.page_url}"
    else:
        about = f"{app.name} is software of the cooperative and is {phase}."
        if app.platform:
            about += f" Platform: {app.platform}."
        if app.standards:
            about += f" Standards: {', '.join(app.standards)}."
        about += f" More in the catalogue of the cooperative's registry: {app.page_url}"
    return "\n\n".join(p for p in (text, about) if p)[:LONG_DESCRIPTION_MAX]


def as_publiccode(app: ExportedApplication) -> dict[str, Any]:
    """The publiccode.yml of an application as data, in the standard's order of keys."""
    document: dict[str, Any] = {
        "publiccodeYmlVersion": LATEST,
        "name": app.name,
        "url": app.repository_url or app.page_url,
        "landingURL": app.page_url,
    }
    if app.latest_version is not None:
        document["softwareVersion"] = app.latest_version
    if app.latest_release is not None:
        document["releaseDate"] = app.latest_release.isoformat()
    document["platforms"] = ["web"]
    if app.categories:
        document["categories"] = list(app.categories)
    if app.used_by:
        document["usedBy"] = list(app.used_by)
    document["developmentStatus"] = DEVELOPMENT_STATUS[app.status]
    document["softwareType"] = "standalone/web"
    description: dict[str, Any] = {}
    for language, text in (("nl", app.description_nl), ("en", app.description_en)):
        if text.strip() or language == "nl":
            description[language] = {
                "localisedName": app.name,
                "shortDescription": short_description(text or app.name),
                "longDescription": _long(app, language, text),
            }
    document["description"] = description
    legal: dict[str, Any] = {"license": app.licence}
    if app.owner_member:
        legal["mainCopyrightOwner"] = app.owner_member
    document["legal"] = legal
    if app.lead_member:
        document["maintenance"] = {
            "type": "internal",
            "contacts": [{"name": app.lead_member, "affiliation": app.lead_member}],
        }
    else:
        document["maintenance"] = {"type": "none"}
    document["localisation"] = {"localisationReady": False, "availableLanguages": ["nl"]}
    return document


def to_yaml(document: dict[str, Any]) -> str:
    """The same text for the same data: keys in the order given, UTF-8, no line wrapping."""
    text: str = yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=False
    )
    return text
