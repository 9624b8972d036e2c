from __future__ import annotations

import pytest

from registry.catalogue.licences import spdx_expression
from registry.catalogue.lifecycle import allowed_next, check_transition
from registry.catalogue.models import ApplicationStatus as S
from registry.kit.errors import ValidationFailed


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("EUPL-1.2", "EUPL-1.2"),
        ("eupl-1.2 or mit", "EUPL-1.2 OR MIT"),
        ("MIT AND (EUPL-1.2 OR GPL-3.0-or-later)", "MIT AND (EUPL-1.2 OR GPL-3.0-or-later)"),
        ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
    ],
)
def test_valid_spdx_expressions_are_normalised(raw: str, normalised: str) -> None:
    assert spdx_expression(raw) == normalised


@pytest.mark.parametrize("raw", ["EUPL", "Foo-1.0", "MIT OR", "(MIT", "MIT WITH Foo", "  "])
def test_invalid_spdx_expressions_are_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        spdx_expression(raw)
    assert caught.value.errors[0].field == "licence"
    assert caught.value.errors[0].code in {"invalid_spdx", "required"}


def test_lifecycle_moves_one_step_forward_or_to_retired() -> None:
    assert allowed_next(S.IDEA) == (S.EXPLORATION, S.RETIRED)
    assert allowed_next(S.ACCEPTANCE) == (S.PRODUCTION, S.RETIRED)
    assert allowed_next(S.PRODUCTION) == (S.RETIRED,)
    assert allowed_next(S.RETIRED) == ()
    order = list(S)
    for current in S:
        for target in S:
            allowed = target in allowed_next(current)
            forward_one = order.index(target) == order.index(current) + 1
            assert allowed == (forward_one or (target is S.RETIRED and current is not S.RETIRED))


def test_refused_transition_names_the_allowed_ones() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_transition(S.PRODUCTION, S.BUILD)
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("status", "invalid_transition")
    assert "retired" in error.message
    assert error.text("nl") == (
        "Een applicatie in de fase productie kan niet naar de fase bouw, alleen naar uitgefaseerd."
    )


@pytest.mark.parametrize(
    ("current", "target", "english", "dutch"),
    [
        (
            S.IDEA,
            S.BUILD,
            "cannot move from idea to build; allowed: exploration, retired",
            "Een applicatie in de fase idee kan niet naar de fase bouw, wel naar verkenning of"
            " uitgefaseerd.",
        ),
        (
            S.RETIRED,
            S.PRODUCTION,
            "cannot move from retired to production; allowed: none",
            "Een applicatie in de fase uitgefaseerd blijft daar; naar de fase productie kan niet"
            " meer.",
        ),
    ],
)
def test_refused_transition_reads_the_same_in_dutch_and_english(
    current: S, target: S, english: str, dutch: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_transition(current, target)
    error = caught.value.errors[0]
    assert (error.message, error.text("nl")) == (english, dutch)


def test_an_invalid_licence_is_named_in_both_languages() -> None:
    with pytest.raises(ValidationFailed) as caught:
        spdx_expression("Foo-1.0")
    error = caught.value.errors[0]
    assert error.message == "'Foo-1.0' is not a valid SPDX licence expression"
    assert error.text("nl").startswith("'Foo-1.0' is geen geldige licentie")
