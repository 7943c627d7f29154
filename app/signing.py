"""The one home of HMAC signing with the application's secret key.

Every signed value names its purpose, and the purpose is part of what the MAC covers
(``purpose:message``), so a value signed for one use (a flash cookie) is never accepted for
another (an unsubscribe link). Each purpose is listed in ``PURPOSES`` with who uses it; a
new use adds its line there. Callers pass the secret from the app's settings::

    Signer(settings.secret_key, "unsubscribe").sign(b"42:due_reminder")
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from pydantic import SecretStr

PURPOSES: dict[str, str] = {
    "csrf": "form tokens tied to the browser's CSRF cookie (app/security/csrf.py)",
    "flash": "the flash-message cookie (app/templating.py)",
    "enroll": "post-login enrollment links tied to a browser and course (app/learning)",
    "unsubscribe": "one-click unsubscribe links in emails (app/notifications)",
    "api-cursor": "the API's pagination cursors (app/api)",
}


class Signer:
    """HMAC-SHA256 under the secret key, framed by one purpose from ``PURPOSES``."""

    def __init__(self, secret: SecretStr, purpose: str):
        if purpose not in PURPOSES:
            raise ValueError(f"Unknown signing purpose {purpose!r}: add it to PURPOSES.")
        self._key = secret.get_secret_value().encode()
        self._prefix = purpose.encode() + b":"

    def mac(self, message: bytes) -> str:
        """The hex MAC of ``message`` for this purpose (64 characters)."""
        return hmac.new(self._key, self._prefix + message, hashlib.sha256).hexdigest()

    def verify(self, message: bytes, sent: str) -> bool:
        """Whether ``sent`` is this purpose's MAC of ``message`` (constant time)."""
        return matches(sent, self.mac(message))

    def sign(self, payload: bytes) -> str:
        """``payload`` with its purpose as URL-safe base64 and a truncated MAC: ``data.mac``.

        The purpose travels inside the data, as it did before the Signer existed, so
        unsubscribe links mailed earlier stay valid.
        """
        framed = self._prefix + payload
        return base64.urlsafe_b64encode(framed).decode() + "." + self.mac(payload)[:32]

    def unsign(self, value: str) -> bytes | None:
        """The payload of a ``sign`` value of this purpose; None if tampered or malformed."""
        data, _, sent = value.partition(".")
        try:
            framed = base64.urlsafe_b64decode(data.encode())
        except (ValueError, TypeError):
            return None
        if not framed.startswith(self._prefix):
            return None
        payload = framed[len(self._prefix) :]
        return payload if matches(sent, self.mac(payload)[:32]) else None


def matches(sent: str, expected: str) -> bool:
    """Constant-time comparison; bytes, since ``compare_digest`` refuses non-ASCII ``str``."""
    return hmac.compare_digest(sent.encode(), expected.encode())
