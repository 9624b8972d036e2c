"""Every refusal of the costs domain reads well in Dutch and in English."""

from __future__ import annotations

import pytest

from registry.costs.errors import CostsRefusal


def test_no_refusal_is_an_alias_of_another() -> None:
    assert len(CostsRefusal.__members__) == len(list(CostsRefusal))


@pytest.mark.parametrize("refusal", list(CostsRefusal), ids=lambda r: r.name)
def test_dutch_and_english_texts(refusal: CostsRefusal) -> None:
    assert refusal.code
    assert refusal.template("nl").strip()
    assert refusal.template("en").strip()
    assert refusal.template("nl") != refusal.template("en")
    assert refusal.placeholders("nl") == refusal.placeholders("en")
