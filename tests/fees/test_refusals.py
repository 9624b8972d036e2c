"""Every refusal of the fees domain has a Dutch and an English text that fit together."""

from __future__ import annotations

import pytest

from registry.fees.errors import FeesRefusal


@pytest.mark.parametrize("refusal", list(FeesRefusal), ids=lambda r: r.name)
def test_both_texts_are_written_with_the_same_placeholders(refusal: FeesRefusal) -> None:
    assert refusal.value.nl.strip()
    assert refusal.value.en.strip()
    assert refusal.placeholders("nl") == refusal.placeholders("en")
    assert refusal.value.nl != refusal.value.en
