"""The tool's key pair: made once, published, rotated, and sealed at rest."""

from __future__ import annotations

import json

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jws import extract_compact
from pydantic import SecretStr
from sqlmodel import Session, select

from app.lti import keys
from app.lti.models import LtiToolKey

SECRET = SecretStr("a-test-secret-key-that-is-long-enough-0123456789")


def test_first_use_makes_one_key_and_reuses_it(session: Session):
    first = keys.public_jwks(session, secret_key=SECRET)
    second = keys.public_jwks(session, secret_key=SECRET)
    assert len(first["keys"]) == 1
    assert first == second
    jwk = first["keys"][0]
    assert jwk["kty"] == "RSA"
    assert jwk["alg"] == "RS256"
    assert jwk["use"] == "sig"
    assert "d" not in jwk
    assert "p" not in jwk
    row = session.exec(select(LtiToolKey)).one()
    assert "PRIVATE KEY" not in row.private_key_encrypted


def test_signed_jwt_checks_against_the_published_set_only(session: Session):
    token = keys.sign_jwt(session, secret_key=SECRET, claims={"iss": "tool", "aud": "lms"})
    published = KeySet.import_key_set(keys.public_jwks(session, secret_key=SECRET))  # type: ignore[arg-type]
    decoded = jwt.decode(token, published, algorithms=["RS256"])
    assert decoded.claims["aud"] == "lms"
    assert decoded.claims["exp"] > decoded.claims["iat"]
    assert decoded.header["kid"] == published.keys[0].kid
    # Another key under the same kid: the signature, not the kid, is what is checked.
    impostor = RSAKey.generate_key(2048, parameters={"kid": decoded.header["kid"]})
    with pytest.raises(BadSignatureError):
        jwt.decode(token, KeySet([impostor]), algorithms=["RS256"])


def test_rotation_signs_with_the_new_key_and_still_publishes_the_old(session: Session):
    old_kid, _ = keys.active_key(session, secret_key=SECRET)
    new_kid = keys.rotate(session, secret_key=SECRET)
    assert new_kid != old_kid
    token = keys.sign_jwt(session, secret_key=SECRET, claims={"sub": "x"})
    assert extract_compact(token.encode()).headers()["kid"] == new_kid
    kids = [k["kid"] for k in keys.public_jwks(session, secret_key=SECRET)["keys"]]
    assert kids == [new_kid, old_kid]


def test_a_changed_secret_key_retires_the_unreadable_key(session: Session):
    old_kid, _ = keys.active_key(session, secret_key=SECRET)
    kid, _ = keys.active_key(session, secret_key=SecretStr(SECRET.get_secret_value() + "-changed"))
    assert kid != old_kid
    rows = {r.kid: r for r in session.exec(select(LtiToolKey)).all()}
    assert rows[old_kid].active is False
    assert rows[old_kid].retired_at is not None


def test_jwks_route_serves_public_keys(client):
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    body = response.json()
    assert [set(k) >= {"kty", "n", "e", "kid"} for k in body["keys"]] == [True]
    assert json.dumps(body).find('"d"') == -1
    assert client.get("/lti/jwks.json").json() == body
