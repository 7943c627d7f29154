"""Secrets the app must read back (an identity provider's client secret), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from GROUNDWORK_SECRET_KEY by HKDF
and a purpose string, so each use has its own key and a database copy alone reveals nothing.
Changing the secret key makes stored secrets unreadable: they must be entered again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr


class SecretUnreadable(Exception):
    """The stored secret was encrypted under another key (the secret key changed)."""


@lru_cache(maxsize=8)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"groundwork secret box",
        info=purpose.encode(),
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plaintext: str, *, secret_key: SecretStr, purpose: str) -> str:
    """``plaintext`` encrypted for storage (a Fernet token, ASCII)."""
    return (
        _fernet(secret_key.get_secret_value(), purpose).encrypt(plaintext.encode()).decode("ascii")
    )


def decrypt(token: str, *, secret_key: SecretStr, purpose: str) -> str:
    """The plaintext of ``encrypt``'s token; raises SecretUnreadable."""
    try:
        return (
            _fernet(secret_key.get_secret_value(), purpose).decrypt(token.encode("ascii")).decode()
        )
    except (InvalidToken, ValueError):
        raise SecretUnreadable() from None
