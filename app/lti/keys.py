"""The tool's own signing keys: made on first use, rotated on demand, published as a JWKS.

The active key signs what the tool sends (deep-linking responses, the client-credentials
assertion for Assignment and Grade Services). Retired keys stay in the published JWKS for
``RETIRED_KEYS_PUBLISHED_FOR`` so a platform that cached the set can still check a message
signed just before a rotation. Private keys are stored sealed by ``app/security/secret_box``
(a purpose of their own); changing GROUNDWORK_SECRET_KEY makes them unreadable, and the next
signature then makes a fresh key.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlmodel import Session, col, select

from app.db import utcnow
from app.lti.models import LtiToolKey
from app.security import secret_box

KEY_PURPOSE = "lti tool signing key"
ALGORITHM = "RS256"
KEY_BITS = 2048
RETIRED_KEYS_PUBLISHED_FOR = timedelta(days=7)


def _new_key(session: Session, *, secret_key: SecretStr) -> LtiToolKey:
    kid = uuid.uuid4().hex
    key = RSAKey.generate_key(KEY_BITS, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    pem = key.as_pem(private=True).decode("ascii")
    row = LtiToolKey(
        kid=kid,
        private_key_encrypted=secret_box.encrypt(pem, secret_key=secret_key, purpose=KEY_PURPOSE),
        public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
    )
    session.add(row)
    session.flush()
    return row


def _active_row(session: Session) -> LtiToolKey | None:
    return session.exec(
        select(LtiToolKey)
        .where(col(LtiToolKey.active).is_(True))
        .order_by(col(LtiToolKey.created_at).desc(), col(LtiToolKey.id).desc())
    ).first()


def _private_key(row: LtiToolKey, *, secret_key: SecretStr) -> RSAKey:
    pem = secret_box.decrypt(row.private_key_encrypted, secret_key=secret_key, purpose=KEY_PURPOSE)
    return RSAKey.import_key(pem, parameters={"kid": row.kid, "use": "sig", "alg": ALGORITHM})


def active_key(session: Session, *, secret_key: SecretStr) -> tuple[str, RSAKey]:
    """The kid and private key that sign now; made (and flushed) on first use.

    A key sealed under an older secret key cannot be read: it is retired and replaced.
    """
    row = _active_row(session)
    if row is not None:
        try:
            return row.kid, _private_key(row, secret_key=secret_key)
        except secret_box.SecretUnreadable:
            _retire(row)
            session.add(row)
    row = _new_key(session, secret_key=secret_key)
    return row.kid, _private_key(row, secret_key=secret_key)


def _retire(row: LtiToolKey) -> None:
    row.active = False
    row.retired_at = utcnow()


def rotate(session: Session, *, secret_key: SecretStr) -> str:
    """Retire the active key (it stays published for a while) and make a new one; its kid."""
    for row in session.exec(select(LtiToolKey).where(col(LtiToolKey.active).is_(True))).all():
        _retire(row)
        session.add(row)
    session.flush()
    return _new_key(session, secret_key=secret_key).kid


def public_jwks(session: Session, *, secret_key: SecretStr) -> dict[str, list[dict[str, Any]]]:
    """The JWKS the tool publishes: the active key and keys retired recently."""
    active_key(session, secret_key=secret_key)
    since = utcnow() - RETIRED_KEYS_PUBLISHED_FOR
    rows = session.exec(
        select(LtiToolKey)
        .where(col(LtiToolKey.active).is_(True) | (col(LtiToolKey.retired_at) >= since))
        .order_by(col(LtiToolKey.created_at).desc(), col(LtiToolKey.id).desc())
    ).all()
    return {"keys": [json.loads(row.public_jwk) for row in rows]}


def active_public_jwk(session: Session, *, secret_key: SecretStr) -> dict[str, Any]:
    """The active key's public JWK (what `groundwork lti show` prints)."""
    kid, _key = active_key(session, secret_key=secret_key)
    row = session.exec(select(LtiToolKey).where(LtiToolKey.kid == kid)).one()
    found: dict[str, Any] = json.loads(row.public_jwk)
    return found


def sign_jwt(
    session: Session, *, secret_key: SecretStr, claims: dict[str, Any], lifetime_seconds: int = 300
) -> str:
    """``claims`` signed with the active key (RS256, ``kid`` in the header).

    ``iat`` and ``exp`` are added when absent, and ``jti`` too (platforms refuse a replayed
    client assertion).
    """
    kid, key = active_key(session, secret_key=secret_key)
    now = int(time.time())
    full = {"iat": now, "exp": now + lifetime_seconds, "jti": uuid.uuid4().hex, **claims}
    return jwt.encode({"alg": ALGORITHM, "kid": kid, "typ": "JWT"}, full, key)
