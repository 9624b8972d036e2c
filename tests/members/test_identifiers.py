from __future__ import annotations

import pytest

from registry.kit.errors import ValidationFailed
from registry.members import identifiers
from registry.members.errors import member_type
from registry.members.models import MemberType


@pytest.mark.parametrize(("raw", "expected"), [("GM0632", "GM0632"), (" gm0772 ", "GM0772")])
def test_cbs_code_accepts_and_normalises(raw: str, expected: str) -> None:
    assert identifiers.cbs_code(raw) == expected


@pytest.mark.parametrize("raw", ["GM632", "GM06321", "PV0026", "0632", "GMabcd", ""])
def test_cbs_code_refuses(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        identifiers.cbs_code(raw)
    assert caught.value.errors[0].field == "cbs_code"
    assert caught.value.errors[0].code == "invalid_cbs_code"
    assert caught.value.errors[0].text("nl") == (
        f"'{raw}' is geen CBS-gemeentecode (GM en vier cijfers, bijvoorbeeld GM0632)."
    )


def test_oin_is_twenty_digits() -> None:
    assert identifiers.oin("00000001001902763000") == "00000001001902763000"
    for bad in ("0000000100190276300", "000000010019027630001", "0000000100190276300x"):
        with pytest.raises(ValidationFailed) as caught:
            identifiers.oin(bad)
        assert caught.value.errors[0].code == "invalid_oin"


def test_kvk_is_eight_digits() -> None:
    assert identifiers.kvk("30278887") == "30278887"
    for bad in ("3027888", "302788871", "3027888a"):
        with pytest.raises(ValidationFailed) as caught:
            identifiers.kvk(bad, field="kvk")
        assert caught.value.errors[0].field == "kvk"


@pytest.mark.parametrize("value", [t.value for t in MemberType])
def test_government_member_types_are_accepted(value: str) -> None:
    assert member_type(value.upper()) is MemberType(value)


@pytest.mark.parametrize("value", ["stichting", "bv", "vereniging", ""])
def test_non_government_member_types_are_refused(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        member_type(value)
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("type", "not_government_body")
    assert "gemeente" in error.message
    assert error.text("nl").startswith(f"'{value}' is geen overheidsorgaan; een lid is een van")
    assert "gemeenschappelijke_regeling" in error.text("nl")
