"""Every catalogue refusal has a Dutch and an English text with the same placeholders."""

from __future__ import annotations

from registry.catalogue.errors import Phase
from registry.catalogue.models import ApplicationStatus


def test_every_phase_has_a_name_in_both_languages() -> None:
    for status in ApplicationStatus:
        phase = Phase.of(status)
        assert phase.code == status.value
        assert phase.template("en") == status.value
        assert phase.template("nl")
        assert not phase.placeholders("nl")
