"""Every catalogue refusal has a Dutch and an English text with the same placeholders."""

from __future__ import annotations

import pytest

from registry.catalogue.errors import CatalogueRefusal, Phase
from registry.catalogue.models import ApplicationStatus


@pytest.mark.parametrize("refusal", list(CatalogueRefusal), ids=lambda r: r.name)
def test_refusal_is_written_in_both_languages(refusal: CatalogueRefusal) -> None:
    assert refusal.template("nl").strip()
    assert refusal.template("en").strip()
    assert refusal.placeholders("nl") == refusal.placeholders("en")
    assert refusal.template("nl") != refusal.template("en")


def test_every_phase_has_a_name_in_both_languages() -> None:
    for status in ApplicationStatus:
        phase = Phase.of(status)
        assert phase.code == status.value
        assert phase.template("en") == status.value
        assert phase.template("nl")
        assert not phase.placeholders("nl")
