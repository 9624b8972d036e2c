"""Every report refusal has a Dutch and an English text with the same placeholders."""

from __future__ import annotations

import pytest

from registry.reports.errors import ReportsRefusal


@pytest.mark.parametrize("refusal", list(ReportsRefusal), ids=lambda r: r.name)
def test_refusal_is_written_in_both_languages(refusal: ReportsRefusal) -> None:
    assert refusal.template("nl").strip()
    assert refusal.template("en").strip()
    assert refusal.placeholders("nl") == refusal.placeholders("en")
    assert refusal.template("nl") != refusal.template("en")
