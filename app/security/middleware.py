"""Pure ASGI middleware: request body limit, CSRF cookie, flash cookie and security headers.

No ``BaseHTTPMiddleware``: each wraps ``send`` and edits the response start message, so a
request costs one extra coroutine frame here, not a task and a memory stream per layer.
"""

from __future__ import annotations

from fastapi import HTTPException
from pydantic import SecretStr
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.cookies import cookie_header
from app.security.csrf import CSRF_COOKIE, new_nonce, token_for, valid_nonce
from app.templating import FLASH_COOKIE, flashes_in_cookie, pending_flash_cookie_of

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_ENCODED_HEADERS = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
_HSTS = (b"strict-transport-security", b"max-age=31536000")
_XFO = b"x-frame-options"


def csp_allowing(*, frame_ancestors: list[str], form_action: list[str] | None = None) -> str:
    """The site's CSP with framing allowed for ``frame_ancestors`` (an LMS embedding a
    launch page) and, optionally, forms posted to ``form_action`` origins too."""
    policy = CSP.replace(
        "frame-ancestors 'none'", "frame-ancestors " + (" ".join(frame_ancestors) or "'none'")
    )
    if form_action:
        policy = policy.replace("form-action 'self'", "form-action 'self' " + " ".join(form_action))
    return policy


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes, by declared length or by counting the stream.

    The 413 is raised when the app reads the body, so the app's error handler renders the
    friendly page (Starlette's own limiter answers in plain text before any handler runs).
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        too_big = declared.isdigit() and int(declared) > self.limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if too_big:
                raise HTTPException(status_code=413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, limited_receive, send)


def request_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, parsed once and kept on the scope (Starlette reads them there)."""
    found: dict[str, str] | None = scope.get("groundwork.cookies")
    if found is None:
        found = {}
        for name, value in scope["headers"]:
            if name == b"cookie":
                found.update(cookie_parser(value.decode("latin-1")))
        scope["groundwork.cookies"] = found
    return found


class BrowserStateMiddleware:
    """Give every request a CSRF token, carry flash messages, add security headers."""

    def __init__(self, app: ASGIApp, *, secure: bool, secret: SecretStr):
        self.app = app
        self.secure = secure
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = _cookie(scope, CSRF_COOKIE)
        new_cookie = not valid_nonce(nonce)
        if new_cookie:
            nonce = new_nonce()
        state = scope.setdefault("state", {})
        state["csrf_token"] = token_for(nonce, secret=self.secret)
        flash_cookie = _cookie(scope, FLASH_COOKIE)
        if flash_cookie:
            state["flash_in"] = flashes_in_cookie(flash_cookie, secret=self.secret)
        static = scope["path"].startswith("/static/")

        async def send_with_state(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if new_cookie:
                    headers.append(cookie_header(CSRF_COOKIE, nonce, secure=self.secure))
                pending = pending_flash_cookie_of(state, secret=self.secret)
                if pending:
                    headers.append(cookie_header(FLASH_COOKIE, pending, secure=self.secure))
                elif state.get("flash_consumed"):
                    headers.append(cookie_header(FLASH_COOKIE, "", secure=self.secure, delete=True))
                # A route that sets its own CSP names who may frame it (frame-ancestors);
                # X-Frame-Options cannot name an origin, so it is left out there.
                skip = present | ({_XFO} if b"content-security-policy" in present else set())
                headers.extend(h for h in _ENCODED_HEADERS if h[0] not in skip)
                if self.secure and _HSTS[0] not in present:
                    headers.append(_HSTS)
                if b"cache-control" not in present:
                    cache = b"public, max-age=3600" if static else b"no-store"
                    headers.append((b"cache-control", cache))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_state)


def _cookie(scope: Scope, name: str) -> str:
    # Fast path: most requests carry a handful of simple cookies; parse them once.
    return request_cookies(scope).get(name, "")
