"""CSRF protection: a random nonce in an HttpOnly cookie, and an HMAC of it in each form.

Every unsafe request must carry the token, as the ``csrf_token`` form field or the
``X-CSRF-Token`` header (htmx sends it from ``<body hx-headers>``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import SecretStr

from app import tokens
from app.db import SAFE_METHODS
from app.signing import Signer, matches

CSRF_COOKIE = "gw_csrf"
CSRF_HEADER = "x-csrf-token"
F = TypeVar("F", bound=Callable[..., Any])
_EXEMPT: set[Callable[..., Any]] = set()


class CsrfError(Exception):
    """The request had no valid CSRF token."""


def valid_nonce(nonce: str) -> bool:
    """Whether a cookie's nonce is used as sent (else the middleware issues a new one)."""
    return 0 < len(nonce) <= 100


def new_nonce() -> str:
    return tokens.random_token()


def token_for(nonce: str, *, secret: SecretStr) -> str:
    """The form token that goes with a cookie nonce."""
    return Signer(secret, "csrf").mac(nonce.encode())


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
    # BrowserStateMiddleware signed the cookie's nonce for this request (it holds the key);
    # a missing or oversized nonce was replaced there, so it cannot match.
    expected: str = request.state.csrf_token
    if not valid_nonce(nonce) or not sent or not matches(sent, expected):
        raise CsrfError()
