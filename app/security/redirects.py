"""Where a ``next=`` parameter may send the user: only a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

DEFAULT_AFTER_LOGIN = "/me"


def safe_next(value: str | None, default: str = DEFAULT_AFTER_LOGIN) -> str:
    """``value`` when it is a local path, else ``default``.

    Rejects scheme-relative (``//x``), backslash (``/\\x``), encoded (``%2F%2F``) and
    control-character (``/%09/x``) tricks by checking the fully-decoded form too.
    """
    if not value or len(value) > 2000:
        return default
    decoded = value
    for _ in range(3):  # decode repeatedly so double-encoding cannot hide "//"
        decoded = unquote(decoded)
    for candidate in (value, decoded):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return default
        if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in candidate):
            return default
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return default
        stripped = "".join(candidate.split())
        if stripped.startswith(("//", "/\\")):
            return default
    return value
