"""The English catalogue covers every Dutch text in the templates, and is loaded as compiled."""

from __future__ import annotations

from collections.abc import Sequence

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from registry.settings import PROJECT_ROOT
from registry.web.i18n import load_translations, po_path

TEMPLATES = PROJECT_ROOT / "web" / "templates"


def template_messages() -> set[str]:
    """Message ids as `pybabel extract -F web/babel.cfg` finds them (plurals by singular)."""
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_template_text_has_an_english_translation() -> None:
    with po_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and not message.fuzzy and all(_strings(message.string))
    }
    in_templates = template_messages()
    assert "Catalogus" in in_templates
    missing, unused = sorted(in_templates - translated), sorted(translated - in_templates)
    assert not missing, f"translate these in {po_path('en')}: {missing}"
    assert not unused, f"no template uses these any more: {unused}"


def _strings(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def test_compiled_translations_translate_and_pluralise() -> None:
    english = load_translations("en")
    assert english.gettext("Catalogus") == "Catalogue"
    assert english.ngettext("%(num)d applicatie gevonden", "%(num)d applicaties gevonden", 1) == (
        "%(num)d application found"
    )
    assert english.ngettext("%(num)d applicatie gevonden", "%(num)d applicaties gevonden", 2) == (
        "%(num)d applications found"
    )
    dutch = load_translations("nl")
    assert dutch.gettext("Catalogus") == "Catalogus"
