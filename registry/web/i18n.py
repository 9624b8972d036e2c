"""Dutch first, English second: the language of each page and its translations.

The message ids in the templates are the Dutch texts, so Dutch needs no catalogue;
web/locales/en/LC_MESSAGES/messages.po holds the English. The .po is compiled in memory
once per process, so no binary .mo is committed or built. The language is resolved from each
request and the template's gettext callables read it from their render context, so two
concurrent requests in different languages never share translation state.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from jinja2 import BytecodeCache, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine

from registry.audit.labels import entity_label
from registry.catalogue.publiccode import category_name
from registry.kit.errors import file_size
from registry.kit.labels import label
from registry.kit.language import FORMAT_LOCALES, LANGUAGES, Language
from registry.kit.money import CURRENCY, to_euro
from registry.labels import DOMAINS as _LABELLED_DOMAINS  # noqa: F401  (declares them all)
from registry.reports.labels import finding_sentence, finding_title
from registry.settings import PROJECT_ROOT

SOURCE_LANGUAGE: Language = "nl"
LANGUAGE_PARAM = "lang"
LANGUAGE_COOKIE = "lang"
LOCALES_DIR = PROJECT_ROOT / "web" / "locales"
DOMAIN = "messages"


def po_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def load_translations(language: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """Compile one language's .po in memory, once per process (every app and every download
    shares it: a catalogue is only read); fuzzy entries are left out, as msgfmt does."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    with po_path(language, locales_dir).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _known(value: object) -> Language | None:
    return next((language for language in LANGUAGES if language == value), None)


def _default_language(request: Request[Any, Any, Any]) -> Language:
    configured = getattr(request.app.state.settings, "default_language", SOURCE_LANGUAGE)
    return _known(configured) or SOURCE_LANGUAGE


def request_language(request: Request[Any, Any, Any]) -> Language:
    """An explicit ?lang= wins over the remembered cookie, which wins over the default."""
    for chosen in (request.query_params.get(LANGUAGE_PARAM), request.cookies.get(LANGUAGE_COOKIE)):
        if known := _known(chosen):
            return known
    return _default_language(request)


def context_language(context: Context) -> Language:
    """The page language a template is being rendered in (set by `pages.render`)."""
    if known := _known(context.get("lang")):
        return known
    request = context.get("request")
    return request_language(request) if isinstance(request, Request) else SOURCE_LANGUAGE


V = TypeVar("V")


def _in_page_language(text_of: Callable[[V, Language], str]) -> Callable[[Context, V], str]:
    """A Jinja filter that writes a value as people read it, in the page's language."""

    @pass_context
    def page_filter(context: Context, value: V) -> str:
        return text_of(value, context_language(context))

    return page_filter


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, shared by every application it builds (the tests
    build one per test). Jinja checks each entry against the template's source; every
    environment that uses it is configured alike by `configure_templates`."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def configure_templates(engine: JinjaTemplateEngine) -> None:
    """Install per-request gettext callables and the date and money filters on Jinja."""
    catalogues = {language: load_translations(language) for language in LANGUAGES}
    environment = engine.engine
    environment.bytecode_cache = _COMPILED
    environment.autoescape = True
    environment.trim_blocks = True
    environment.lstrip_blocks = True
    environment.add_extension("jinja2.ext.i18n")

    def translations(context: Context) -> gettext.NullTranslations:
        return catalogues[context_language(context)]

    @pass_context
    def gettext_(context: Context, message: str) -> str:
        return translations(context).gettext(message)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return translations(context).ngettext(singular, plural, n)

    @pass_context
    def pgettext(context: Context, message_context: str, message: str) -> str:
        return translations(context).pgettext(message_context, message)

    @pass_context
    def npgettext(
        context: Context, message_context: str, singular: str, plural: str, n: int
    ) -> str:
        return translations(context).npgettext(message_context, singular, plural, n)

    @pass_context
    def long_date(context: Context, value: date) -> str:
        return format_date(value, format="long", locale=FORMAT_LOCALES[context_language(context)])

    @pass_context
    def euro(context: Context, cents: int) -> str:
        """An amount of cents in euros, as the page language writes it (€ 18.304,65)."""
        return format_currency(
            to_euro(cents), CURRENCY, locale=FORMAT_LOCALES[context_language(context)]
        )

    @pass_context
    def euro_rate(context: Context, rate: Decimal) -> str:
        """An exact rate such as euro per inhabitant, with all its decimals (€ 0,345)."""
        return format_currency(
            rate,
            CURRENCY,
            locale=FORMAT_LOCALES[context_language(context)],
            currency_digits=False,
            decimal_quantization=False,
        )

    @pass_context
    def number(context: Context, value: Decimal | int) -> str:
        """A stored number as the page language writes it (1.234,5), with all its decimals."""
        return format_decimal(
            value, locale=FORMAT_LOCALES[context_language(context)], decimal_quantization=False
        )

    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext_, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    environment.filters["long_date"] = long_date
    environment.filters["euro"] = euro
    environment.filters["euro_rate"] = euro_rate

    environment.filters["label"] = _in_page_language(label)
    environment.filters["entity"] = _in_page_language(entity_label)
    environment.filters["category"] = _in_page_language(category_name)
    environment.filters["finding_title"] = _in_page_language(finding_title)
    environment.filters["finding_sentence"] = _in_page_language(finding_sentence)
    environment.filters["number"] = number
    environment.filters["file_size"] = _in_page_language(file_size)
