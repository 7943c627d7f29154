"""Middleware: request body limit, CSRF cookie, flash cookie and security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.security.csrf import CSRF_COOKIE, new_nonce, token_for
from app.templating import FLASH_COOKIE, pending_flash_cookie

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


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes, by declared length or by counting the stream.

    The 413 is raised when the app reads the body, so the app's error handler renders the
    friendly page (Starlette's own limiter answers in plain text before any handler runs).
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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


async def browser_state_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Give every request a CSRF token, carry flash messages, add security headers."""
    settings = get_settings()
    nonce = request.cookies.get(CSRF_COOKIE)
    new_cookie = not nonce or len(nonce) > 100
    if new_cookie:
        nonce = new_nonce()
    request.state.csrf_token = token_for(nonce or "")
    response = await call_next(request)
    secure = settings.secure_cookies
    if new_cookie:
        response.set_cookie(
            CSRF_COOKIE, nonce or "", httponly=True, samesite="lax", secure=secure, path="/"
        )
    pending = pending_flash_cookie(request)
    if pending:
        response.set_cookie(
            FLASH_COOKIE, pending, httponly=True, samesite="lax", secure=secure, path="/"
        )
    elif getattr(request.state, "flash_consumed", False):
        response.delete_cookie(FLASH_COOKIE, path="/")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if secure:  # served over https: browsers should never try plain http again
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.url.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=3600")
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
