"""Every refusal of roles, sessions and tokens has a Dutch and an English text alike."""

from __future__ import annotations

import pytest

from registry.auth.errors import AuthRefusal, RoleName
from registry.auth.roles import Role


@pytest.mark.parametrize("refusal", list(AuthRefusal), ids=lambda r: r.name)
def test_refusal_is_written_in_both_languages(refusal: AuthRefusal) -> None:
    assert refusal.template("nl").strip()
    assert refusal.template("en").strip()
    assert refusal.placeholders("nl") == refusal.placeholders("en")
    assert refusal.template("nl") != refusal.template("en")


def test_every_role_has_a_name_in_both_languages() -> None:
    for role in Role:
        name = RoleName.of(role)
        assert name.code == role.value
        assert name.template("en") == role.value
        assert name.template("nl")
        assert not name.placeholders("nl")
