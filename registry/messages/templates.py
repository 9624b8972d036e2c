"""The e-mail texts, in Dutch and English, plain text and HTML (Jinja, in templates/)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from registry.kit.language import FORMAT_LOCALES, LANGUAGES, Language

FOLDER = Path(__file__).resolve().parent / "templates"


def _environment(language: Language) -> Environment:
    env = Environment(
        loader=FileSystemLoader(FOLDER),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    locale = FORMAT_LOCALES[language]
    env.filters["euro"] = lambda cents: format_currency(
        Decimal(cents).scaleb(-2), "EUR", locale=locale
    )
    env.filters["day"] = lambda value: format_date(value, "long", locale=locale)
    return env


_ENVIRONMENTS = {language: _environment(language) for language in LANGUAGES}


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def language_of(value: str | None) -> Language:
    return "en" if value == "en" else "nl"


def render(name: str, language: Language, **context: Any) -> Rendered:
    """`name`.{language}.txt and .html; the text's first line is `Subject: …`."""
    env = _ENVIRONMENTS[language]
    text = env.get_template(f"{name}.{language}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"mail template {name}.{language}.txt does not start with Subject:")
    html = env.get_template(f"{name}.{language}.html").render(**context)
    return Rendered(first.removeprefix("Subject: ").strip(), body.lstrip("\n"), html)
