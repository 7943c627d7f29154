"""CSRF protection: a random nonce in an HttpOnly cookie, and an HMAC of it in each form.

Every unsafe request must carry the token, as the ``csrf_token`` form field or the
``X-CSRF-Token`` header (htmx sends it from ``<body hx-headers>``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from app.db import SAFE_METHODS
from app.signing import mac, matches

CSRF_COOKIE = "gw_csrf"
CSRF_HEADER = "x-csrf-token"
F = TypeVar("F", bound=Callable[..., Any])
_EXEMPT: set[Callable[..., Any]] = set()


class CsrfError(Exception):
    """The request had no valid CSRF token."""


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_for(nonce: str, *, secret: str) -> str:
    """The form token that goes with a cookie nonce."""
    return mac(secret, b"csrf:" + nonce.encode())


def csrf_exempt(endpoint: F) -> F:
    """Mark a route that others post to without the browser's cookie: RFC 8058 one-click
    unsubscribe, which the reader's mail provider sends. Its URL carries a signed token,
    the only credential it needs, and it can do nothing but turn an email off."""
    _EXEMPT.add(endpoint)
    return endpoint


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: reject unsafe requests without a matching token."""
    if request.method in SAFE_METHODS:
        return
    if getattr(request.scope.get("route"), "endpoint", None) in _EXEMPT:
        return
    nonce = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    expected = token_for(nonce, secret=request.app.state.settings.secret_key)
    if not nonce or not sent or not matches(sent, expected):
        raise CsrfError()
