"""The notification settings page, and one-click unsubscribe (RFC 8058) from an email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.config import Settings
from app.db import SessionDep
from app.deps import CurrentUser, SettingsDep
from app.notifications import service
from app.security.csrf import csrf_exempt
from app.templating import flash, render

router = APIRouter()


@router.get("/account/notifications", name="notification_settings")
def notification_settings(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Every kind of email Groundwork sends, each with a checkbox."""
    return render(
        request,
        "notifications/settings.html",
        {"choices": service.choices(session, user=user)},
    )


@router.post("/account/notifications", name="notification_settings_save")
def notification_settings_save(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    enabled: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save which kinds of email the user wants (an unticked box turns a kind off)."""
    service.save_choices(session, user=user, enabled=set(enabled or []))
    flash(request, "Your email choices are saved.", "success")
    return RedirectResponse(request.url_for("notification_settings").path, 303)


def _token(settings: Settings, token: str) -> tuple[int, service.EmailKind]:
    found = service.read_unsubscribe_token(settings.secret_key, token)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@router.get("/unsubscribe/{token}", name="unsubscribe_page")
def unsubscribe_page(request: Request, settings: SettingsDep, token: str) -> Response:
    """The link in an email opens a page with a button: mail scanners fetch links, so a GET
    never unsubscribes."""
    _, kind = _token(settings, token)
    return render(
        request, "notifications/unsubscribe.html", {"kind": kind, "token": token, "done": False}
    )


@router.post("/unsubscribe/{token}", name="unsubscribe")
@csrf_exempt
def unsubscribe(
    request: Request, session: SessionDep, settings: SettingsDep, token: str
) -> Response:
    """One click, without signing in: the mail program's POST (``List-Unsubscribe=One-Click``)
    or the button on the page. The signed token names the user and the kind."""
    user_id, kind = _token(settings, token)
    if not service.unsubscribe(session, user_id=user_id, kind=kind.key):
        raise HTTPException(status_code=404)
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": True})
