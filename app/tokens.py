"""The one home of random tokens and the digests stored in their place.

A secret handed to a browser or a person (login session, reset and verification links,
API tokens, parked-text keys, sign-in state) is made by ``new_token``; the database keeps
only ``digest(token)``, so a copy of the database does not let anyone in. Values that need
no digest (invitation codes, CSRF nonces, throwaway passwords) come from ``random_token``.

It sits in the lowest layer, beside ``app/signing.py``, because ``app/config.py`` makes the
development secret key with it. ``tests/test_one_home.py`` fails when ``token_urlsafe`` or
``hashlib.sha256`` appears anywhere else in ``app/`` without a listed reason.
"""

from __future__ import annotations

import hashlib
import secrets

# 32 random bytes: 43 URL-safe characters, 256 bits (OWASP asks for at least 64).
TOKEN_BYTES = 32


def random_token(nbytes: int = TOKEN_BYTES) -> str:
    """``nbytes`` random bytes as URL-safe base64 (about 1.3 characters a byte)."""
    return secrets.token_urlsafe(nbytes)


def random_bytes(nbytes: int = TOKEN_BYTES) -> bytes:
    """``nbytes`` random bytes, for secrets with a format of their own (webhook keys)."""
    return secrets.token_bytes(nbytes)


def random_code(alphabet: str, length: int) -> str:
    """``length`` characters drawn uniformly from ``alphabet`` (codes people type)."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def digest(token: str) -> str:
    """The hex SHA-256 of ``token``: what the database stores and looks tokens up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(*, prefix: str = "", nbytes: int = TOKEN_BYTES) -> tuple[str, str]:
    """A fresh secret and its digest: (token to hand out once, digest to store)."""
    token = prefix + random_token(nbytes)
    return token, digest(token)
