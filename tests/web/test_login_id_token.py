"""ID token checks (joserfc): each broken rule on its own refuses the token."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError
from joserfc.jwk import KeySet, OctKey, RSAKey

from registry.web.login import InvalidIdToken, validate_id_token

ISSUER = "https://login.woerden.example"
CLIENT_ID = "registry"
NONCE = "nonce-of-this-attempt"

SIGNING_KEY = RSAKey.generate_key(2048, private=True, auto_kid=True)
OTHER_KEY = RSAKey.generate_key(2048, private=True, auto_kid=True)
PUBLISHED = KeySet.import_key_set({"keys": [SIGNING_KEY.as_dict(private=False)]})


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "248289761001",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "name": "Wendy Woerden",
        "email": "wendy@woerden.example",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: RSAKey = SIGNING_KEY, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": key.kid}, payload, key)


def check(token: str, keys: KeySet = PUBLISHED, nonce: str = NONCE) -> Any:
    return validate_id_token(token, keys, issuer=ISSUER, client_id=CLIENT_ID, nonce=nonce)


def test_a_valid_token_gives_the_identity() -> None:
    identity = check(sign(claims()))
    assert identity.issuer == ISSUER
    assert identity.subject == "248289761001"
    assert identity.name == "Wendy Woerden"
    assert identity.email == "wendy@woerden.example"


def test_audience_may_be_a_list_with_azp() -> None:
    assert check(sign(claims(aud=[CLIENT_ID, "other"], azp=CLIENT_ID))).subject


def test_the_name_falls_back_to_given_and_family_name_then_email() -> None:
    token = sign(claims(name=None, given_name="Wendy", family_name="de Vries"))
    assert check(token).name == "Wendy de Vries"
    assert check(sign(claims(name=None))).name == "wendy@woerden.example"
    assert check(sign(claims(name=None, email=None))).name == "248289761001"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(claims(iss="https://evil.example"), id="other issuer"),
        pytest.param(claims(iss=None), id="no issuer"),
        pytest.param(claims(aud="another-client"), id="other audience"),
        pytest.param(claims(aud=["another-client", "third"]), id="not in audience list"),
        pytest.param(claims(aud=[CLIENT_ID, "other"]), id="several audiences, no azp"),
        pytest.param(claims(azp="another-client"), id="azp of another client"),
        pytest.param(claims(aud=None), id="no audience"),
        pytest.param(claims(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(claims(exp=None), id="no expiry"),
        pytest.param(claims(iat=int(time.time()) + 3600), id="issued in the future"),
        pytest.param(claims(iat=None), id="no issued-at"),
        pytest.param(claims(nonce="replayed-nonce"), id="other nonce"),
        pytest.param(claims(nonce=None), id="no nonce"),
        pytest.param(claims(sub=None), id="no subject"),
    ],
)
def test_broken_claims_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(InvalidIdToken):
        check(sign(payload))


def test_a_signature_by_another_key_is_refused() -> None:
    forged = jwt.encode({"alg": "RS256", "kid": SIGNING_KEY.kid}, claims(), OTHER_KEY)
    with pytest.raises(InvalidIdToken):
        check(forged)


def test_a_key_the_provider_does_not_publish_asks_for_fresh_keys() -> None:
    with pytest.raises(InvalidKeyIdError):
        check(sign(claims(), key=OTHER_KEY))


def test_symmetric_and_unsigned_tokens_are_refused() -> None:
    secret = OctKey.generate_key(256)
    with pytest.raises(InvalidIdToken):
        check(jwt.encode({"alg": "HS256"}, claims(), secret))

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    unsigned = f"{part({'alg': 'none'})}.{part(claims())}."
    with pytest.raises(InvalidIdToken):
        check(unsigned)


def test_a_tampered_payload_is_refused() -> None:
    header, _, signature = sign(claims()).split(".")
    other = base64.urlsafe_b64encode(json.dumps(claims(sub="admin")).encode()).rstrip(b"=")
    with pytest.raises(InvalidIdToken):
        check(f"{header}.{other.decode()}.{signature}")


def test_garbage_is_refused() -> None:
    with pytest.raises(InvalidIdToken):
        check("not-a-token")
