"""Every refusal of the members domain has a Dutch and an English text that fit together."""

from __future__ import annotations

import pytest

from registry.members.errors import MembersRefusal


@pytest.mark.parametrize("refusal", list(MembersRefusal), ids=lambda r: r.name)
def test_both_texts_are_written_with_the_same_placeholders(refusal: MembersRefusal) -> None:
    assert refusal.value.nl.strip()
    assert refusal.value.en.strip()
    assert refusal.placeholders("nl") == refusal.placeholders("en")
    assert refusal.value.nl != refusal.value.en
