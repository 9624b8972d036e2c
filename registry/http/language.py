"""The reader's language for texts that are not pages: the API's messages."""

from __future__ import annotations

from registry.kit.language import LANGUAGES, Language


def accepted_language(header: str | None, default: Language) -> Language:
    """The first of Dutch or English in an `Accept-Language` header, by weight; else `default`.

    "nl-NL,nl;q=0.9,en;q=0.8" gives Dutch; "fr, en;q=0.5" gives English; a weight of 0 refuses.
    """
    weighted: list[tuple[float, int, Language]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        for language in LANGUAGES:
            if primary == language and weight > 0:
                weighted.append((-weight, position, language))
    return min(weighted)[2] if weighted else default
