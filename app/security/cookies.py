"""The one place cookie flags are decided: HttpOnly, SameSite=Lax, Path=/, Secure on https."""

from __future__ import annotations

from http.cookies import SimpleCookie


def cookie_header(
    name: str, value: str, *, secure: bool, max_age: int | None = None, delete: bool = False
) -> tuple[bytes, bytes]:
    """A ``Set-Cookie`` header as raw ASGI bytes; ``delete`` expires the cookie now."""
    jar: SimpleCookie = SimpleCookie()
    jar[name] = value
    morsel = jar[name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "lax"
    if secure:
        morsel["secure"] = True
    if delete:
        morsel["max-age"] = 0
        morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    elif max_age is not None:
        morsel["max-age"] = max_age
    return b"set-cookie", morsel.OutputString().encode("latin-1")


def set_cookie(
    response: object, name: str, value: str, *, secure: bool, max_age: int | None = None
) -> None:
    """Add the cookie to a Starlette response with the project's flags."""
    key, header = cookie_header(name, value, secure=secure, max_age=max_age)
    response.raw_headers.append((key, header))  # type: ignore[attr-defined]


def delete_cookie(response: object, name: str, *, secure: bool) -> None:
    """Expire the cookie on a Starlette response."""
    key, header = cookie_header(name, "", secure=secure, delete=True)
    response.raw_headers.append((key, header))  # type: ignore[attr-defined]
