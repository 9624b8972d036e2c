"""The two languages of the registry: Dutch first, English second."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
FORMAT_LOCALES: Mapping[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
"""British English writes dates day-first, as Dutch readers expect."""
