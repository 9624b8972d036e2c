"""The two languages of the registry: Dutch first, English second."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
FORMAT_LOCALES: Mapping[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
"""British English writes dates day-first, as Dutch readers expect."""


def operator_language() -> Language:
    """The operator's language from the locale (LC_ALL, LANG): Dutch for nl_*, else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"
