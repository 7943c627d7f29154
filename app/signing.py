"""The one home of HMAC signing with the application's secret key (CSRF tokens, flash
cookies, post-login enrollment links). Callers pass the secret from the app's settings."""

from __future__ import annotations

import base64
import hashlib
import hmac


def mac(secret: str, message: bytes) -> str:
    """The hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def matches(sent: str, expected: str) -> bool:
    """Constant-time comparison; bytes, since ``compare_digest`` refuses non-ASCII ``str``."""
    return hmac.compare_digest(sent.encode(), expected.encode())


def sign(secret: str, payload: bytes) -> str:
    """``payload`` as URL-safe base64 with a truncated MAC: ``data.mac``."""
    return base64.urlsafe_b64encode(payload).decode() + "." + mac(secret, payload)[:32]


def unsign(secret: str, value: str) -> bytes | None:
    """The payload of a ``sign`` value, or None when it was tampered with or is malformed."""
    data, _, sent = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(data.encode())
    except (ValueError, TypeError):
        return None
    return payload if matches(sent, mac(secret, payload)[:32]) else None
