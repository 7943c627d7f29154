"""The one Jinja environment: globals for CSRF, flash messages and the current user."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup, escape
from pydantic import SecretStr
from starlette.datastructures import URL
from starlette.responses import Response

from app.config import ROOT
from app.signing import Signer

templates = Jinja2Templates(directory=str(ROOT / "templates"))
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True

log = logging.getLogger("groundwork")

FLASH_COOKIE = "gw_flash"
FLASH_CATEGORIES = ("success", "error", "info")


def flash(request: Request, message: str, category: str = "info") -> None:
    """Show ``message`` on the next page this browser renders."""
    request.state.flash_out = [*getattr(request.state, "flash_out", []), [category, message]]


def pending_flash_cookie_of(state: dict[str, Any], *, secret: SecretStr) -> str | None:
    """The signed cookie value carrying a request's new flash messages (from its ASGI state)."""
    messages = state.get("flash_out")
    return Signer(secret, "flash").sign(json.dumps(messages).encode()) if messages else None


def flashes_in_cookie(raw: str, *, secret: SecretStr) -> list[tuple[str, str]]:
    """The messages a flash cookie carries; none when it was tampered with or is malformed."""
    payload = Signer(secret, "flash").unsign(raw)
    if payload is None:
        return []
    try:
        items = json.loads(payload)
        return [(str(c), str(m)) for c, m in items if c in FLASH_CATEGORIES]
    except (ValueError, TypeError):
        return []


def read_flashes(request: Request) -> list[tuple[str, str]]:
    """Messages flashed by the previous request (the middleware read them); marks them consumed."""
    if not request.cookies.get(FLASH_COOKIE):
        return []
    request.state.flash_consumed = True
    found: list[tuple[str, str]] = getattr(request.state, "flash_in", [])
    return found


@pass_context
def csrf_input(context: dict[str, Any]) -> Markup:
    """The hidden CSRF field every form carries."""
    token = context["request"].state.csrf_token
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(token)


@pass_context
def csrf_token(context: dict[str, Any]) -> str:
    return str(context["request"].state.csrf_token)


@pass_context
def current_user(context: dict[str, Any]) -> Any:
    return getattr(context["request"].state, "user", None)


@pass_context
def unread_notifications(context: dict[str, Any]) -> int | None:
    """The signed-in member's unread community notices, counted once when the request's
    session opened (``app.community.notify_routes``); None where nothing was counted."""
    value = getattr(context["request"].state, "unread_notifications", None)
    return int(value) if value is not None else None


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """The root-relative URL of a route, with the lookup cached (routes never change).

    Starlette walks every route on each call, and a module page links dozens of times;
    absolute URLs cost as much again and say nothing a browser does not know.
    """
    request: Request = context["request"]
    router = request.scope.get("router") or request.scope["app"]
    cache: dict[tuple[str, str, tuple[tuple[str, str], ...]], URL]
    cache = router.__dict__.setdefault("_groundwork_urls", {})
    root = request.scope.get("root_path", "")
    key = (name, root, tuple(sorted((k, str(v)) for k, v in path_params.items())))
    url = cache.get(key)
    if url is None:
        if len(cache) > 8192:
            cache.clear()
        url = cache[key] = URL(root + router.url_path_for(name, **path_params))
    return url


def format_date(value: date | datetime | None) -> str:
    """``2 December 2026``: the one date format on pages."""
    return value.strftime("%-d %B %Y") if value is not None else ""


def format_datetime(value: datetime | None) -> str:
    """``2 Dec 2026, 14:05`` (UTC): when something happened, on pages."""
    return value.strftime("%-d %b %Y, %H:%M") if value is not None else ""


def format_number(value: int | float | None) -> str:
    """``12,345``: thousands separated."""
    return f"{value:,}" if value is not None else ""


env.filters.update(date=format_date, datetime=format_datetime, number=format_number)
env.globals.update(
    csrf_input=csrf_input,
    csrf_token=csrf_token,
    current_user=current_user,
    unread_notifications=unread_notifications,
    url_for=url_for,
)


def compile_templates(cache_dir: Path | None) -> int:
    """Load every template now, so no learner waits for one to compile; returns how many.

    With ``cache_dir`` the compiled code is kept there (Jinja's bytecode cache, keyed by each
    template's source) and the next start loads it instead of compiling again. A directory
    that cannot be made leaves the cache off; the templates still compile.
    """
    if cache_dir is not None and env.bytecode_cache is None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(cache_dir))
        except OSError as exc:
            log.warning("Template cache off: cannot use %s (%s)", cache_dir, exc)
    names = env.list_templates(extensions=["html"])
    for name in names:
        env.get_template(name)
    return len(names)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render ``templates/<name>`` with ``request`` in the context.

    A whole page (any template not named ``_*.html``) shows the flash messages of the
    previous request: they are read here, before rendering, so a template never changes
    request state; fragments for htmx leave them for the next whole page.
    """
    context = dict(context or {})
    if not name.rsplit("/", 1)[-1].startswith("_"):
        context["flashes"] = read_flashes(request)
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers
    )


def render_fragment(request: Request, name: str, context: dict[str, Any]) -> Markup:
    """Render ``templates/<name>`` to HTML for embedding in a page (not a response)."""
    # The environment autoescapes: the result is HTML built from escaped values.
    html = templates.get_template(name).render({**context, "request": request})
    return Markup(html)  # noqa: S704


def join_html(parts: list[str]) -> Markup:
    """Join fragments that are already safe HTML (rendered templates, sanitised Markdown)."""
    return Markup("".join(parts))  # noqa: S704
