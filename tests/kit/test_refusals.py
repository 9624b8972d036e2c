"""The catalogue of refusals: every code has a Dutch and an English text that fit together."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import registry
from registry.auth.errors import AuthRefusal
from registry.auth.roles import Role
from registry.http.language import accepted_language
from registry.kit.errors import (
    Common,
    Euro,
    FieldError,
    FileSize,
    Phrase,
    Refusal,
    ValidationFailed,
    field_error,
    file_size,
)
from registry.kit.money import NumberRefusal
from registry.refusals import CATALOGUE, codes, markdown
from registry.usage.errors import UsageRefusal
from registry.usage.models import AdoptionStage

MEMBERS = [member for refusals in CATALOGUE for member in refusals]


def _all_refusal_enumerations() -> set[type[Refusal]]:
    for module in pkgutil.walk_packages(registry.__path__, "registry."):
        importlib.import_module(module.name)
    found: set[type[Refusal]] = set()
    pending = list(Refusal.__subclasses__())
    while pending:
        refusals = pending.pop()
        found.add(refusals)
        pending.extend(refusals.__subclasses__())
    return found


def test_every_enumeration_of_refusals_is_in_the_catalogue() -> None:
    assert _all_refusal_enumerations() == set(CATALOGUE)


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_each_refusal_has_fitting_dutch_and_english_texts(member: Refusal) -> None:
    assert member.value.nl.strip()
    assert member.value.en.strip()
    assert member.value.nl != member.value.en
    assert member.placeholders("nl") == member.placeholders("en")
    assert re.fullmatch(r"[a-z][a-z0-9_]*", member.code), "a code is a GraphQL enum value"


@pytest.mark.parametrize("refusals", CATALOGUE, ids=lambda r: r.__name__)
def test_no_refusal_is_an_alias_of_another(refusals: type[Refusal]) -> None:
    """Two members with the same code and texts would silently become one."""
    assert len(refusals.__members__) == len(list(refusals))


def test_codes_are_listed_once_each() -> None:
    listed = codes()
    assert len(listed) == len(set(listed))
    assert {"required", "not_a_number", "ambiguous_number", "conflict"} <= set(listed)


def test_the_documented_catalogue_is_up_to_date() -> None:
    documented = Path(registry.__file__).parent.parent / "docs" / "refusals.md"
    assert documented.read_text(encoding="utf-8") == markdown(), (
        "regenerate with: python -m registry.refusals > docs/refusals.md"
    )


def test_values_are_shown_in_the_readers_notation() -> None:
    phrase = Phrase(NumberRefusal.TOO_LARGE, {"limit": Euro(123456)})
    assert phrase.text("nl") == "Te groot: ten hoogste €\u00a01.234,56."
    assert phrase.text("en") == "too large (at most €1,234.56)"
    on_a_date = Phrase(NumberRefusal.TOO_LARGE, {"limit": date(2026, 3, 1)})
    assert on_a_date.text("nl") == "Te groot: ten hoogste 1 maart 2026."
    assert on_a_date.text("en") == "too large (at most 1 March 2026)"
    decimal = Phrase(NumberRefusal.TOO_LARGE, {"limit": Decimal("1234.5")})
    assert decimal.text("nl") == "Te groot: ten hoogste 1.234,5."
    size = Phrase(NumberRefusal.TOO_LARGE, {"limit": FileSize(1_500_000)})
    assert size.text("nl") == "Te groot: ten hoogste 1,5 MB."
    assert size.text("en") == "too large (at most 1.5 MB)"


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (2_000_000, "2 MB"),
        (16_000_000, "16 MB"),
        (10 * 1024 * 1024, "10,4 MB"),  # rounded down: a file of the size shown fits
        (250_000, "250 kB"),
        (262_144, "262 kB"),
        (999_999, "999 kB"),
    ],
)
def test_a_size_limit_is_shown_in_kb_or_mb_never_above_the_limit(size: int, shown: str) -> None:
    assert file_size(size, "nl") == shown


def test_a_refusal_can_carry_another_as_its_reason() -> None:
    inner = Phrase(NumberRefusal.TOO_MANY_DECIMALS, {"decimals": 2})
    error = field_error("amount", Common.VALIDATION_FAILED)
    assert isinstance(error, FieldError)
    nested = Phrase(NumberRefusal.TOO_LARGE, {"limit": inner})
    assert nested.text("nl") == "Te groot: ten hoogste Gebruik ten hoogste 2 decimalen.."
    assert nested.text("en") == "too large (at most at most 2 decimals)"


def test_validation_failed_lists_every_field_in_the_readers_language() -> None:
    failed = ValidationFailed(
        [field_error("name", Common.REQUIRED), field_error("code", Common.TOO_LONG, limit=20)]
    )
    assert failed.code == "validation_failed"
    assert failed.text("nl") == "name: Vul dit in.; code: Gebruik ten hoogste 20 tekens."
    assert failed.message == "name: This is required.; code: at most 20 characters"
    assert str(failed) == failed.message


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("nl", "nl"),
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("fr-FR,nl;q=0.5,en;q=0.4", "nl"),
        ("de, en;q=0.5", "en"),
        ("nl;q=0, en", "en"),
        ("nl;q=zero", "en"),
        ("en;q=0.5, nl;q=0.5", "en"),
    ],
)
def test_the_api_language_follows_accept_language(header: str | None, language: str) -> None:
    assert accepted_language(header, "en") == language


def test_an_enum_in_a_refusal_is_named_by_its_label_inside_the_sentence() -> None:
    refused = Phrase(
        UsageRefusal.STAGE_BACKWARDS,
        {"current": AdoptionStage.IN_PRODUCTION, "target": AdoptionStage.PLANNED},
    )
    assert refused.text("nl") == (
        "U kunt niet van in productie naar gepland: de fasen van het gebruik gaan alleen vooruit."
    )
    assert refused.text("en") == (
        "cannot move from in production to planned: the lifecycle only goes forward"
    )
    role = Phrase(AuthRefusal.ASSIGN_FORBIDDEN, {"role": Role.MEMBER_ADMIN})
    assert role.text("nl") == "U mag de rol lidbeheerder niet toekennen."
