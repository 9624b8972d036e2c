"""Every refusal of roles, sessions and tokens has a Dutch and an English text alike."""

from __future__ import annotations

from registry.auth.errors import RoleName
from registry.auth.roles import Role


def test_every_role_has_a_name_in_both_languages() -> None:
    for role in Role:
        name = RoleName.of(role)
        assert name.code == role.value
        assert name.template("en") == role.value
        assert name.template("nl")
        assert not name.placeholders("nl")
