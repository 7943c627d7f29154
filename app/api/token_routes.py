"""Pages to make and revoke personal access tokens: staff and admins make them for
themselves, admins for any account; every logged-in user sees and revokes their own (a
learner or a demoted account may still hold some). A new token is shown once, on the page
that made it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.api import tokens
from app.db import RowId, SessionDep
from app.deps import AdminUser, CurrentUser, TokenIssuerUser
from app.templating import flash, render

router = APIRouter()


def _page(
    request: Request,
    session: SessionDep,
    *,
    owner: User,
    action: str,
    errors: dict[str, str] | None = None,
    new_token: str | None = None,
    form: Mapping[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    assert owner.id is not None
    return render(
        request,
        "api/tokens.html",
        {
            "owner": owner,
            "own": owner.id == request.state.user.id,
            "may_create": can(request.state.user, Permission.issue_api_tokens),
            "action": action,
            "tokens": tokens.tokens_of(session, user_id=owner.id),
            "scopes": [(s, tokens.SCOPES[s][0]) for s in tokens.allowed_scopes(owner.role)],
            "errors": errors or {},
            "new_token": new_token,
            "form": form or {"name": "", "scopes": [], "expires_days": "90"},
        },
        status_code=status_code,
    )


def _create(
    request: Request,
    session: SessionDep,
    *,
    owner: User,
    actor: User,
    action: str,
    name: str,
    scopes: list[str],
    expires_days: str,
) -> Response:
    raw_days = expires_days.strip()
    # Unreadable is not "never expires": 0 is refused with the expiry's own message.
    days = (
        (int(raw_days) if raw_days.isdecimal() and len(raw_days) < 6 else 0) if raw_days else None
    )
    form = {"name": name[:200], "scopes": scopes[:10], "expires_days": raw_days[:10]}
    try:
        _, new = tokens.create_token(
            session, owner=owner, name=name, scopes=scopes, expires_days=days, created_by=actor
        )
    except tokens.TokenError as exc:
        return _page(
            request,
            session,
            owner=owner,
            action=action,
            errors=exc.errors,
            form=form,
            status_code=400,
        )
    return _page(request, session, owner=owner, action=action, new_token=new)


@router.get("/account/tokens", name="my_tokens")
def my_tokens(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Your tokens for the JSON API, and (staff and admins) a form to make one."""
    return _page(request, session, owner=user, action=str(request.url_for("create_my_token")))


@router.post("/account/tokens", name="create_my_token")
def create_my_token(
    request: Request,
    session: SessionDep,
    user: TokenIssuerUser,
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    expires_days: Annotated[str, Form()] = "",
) -> Response:
    """Make a token for yourself; it is shown once."""
    return _create(
        request,
        session,
        owner=user,
        actor=user,
        action=str(request.url_for("create_my_token")),
        name=name,
        scopes=scopes or [],
        expires_days=expires_days,
    )


@router.get("/admin/users/{user_id}/tokens", name="user_tokens")
def user_tokens(request: Request, session: SessionDep, user: AdminUser, user_id: RowId) -> Response:
    """Another account's tokens (admins)."""
    owner = session.get(User, user_id)
    if owner is None:
        raise HTTPException(status_code=404)
    action = str(request.url_for("create_user_token", user_id=user_id))
    return _page(request, session, owner=owner, action=action)


@router.post("/admin/users/{user_id}/tokens", name="create_user_token")
def create_user_token(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    user_id: RowId,
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    expires_days: Annotated[str, Form()] = "",
) -> Response:
    """Make a token for another account (admins); it is shown once."""
    owner = session.get(User, user_id)
    if owner is None:
        raise HTTPException(status_code=404)
    return _create(
        request,
        session,
        owner=owner,
        actor=user,
        action=str(request.url_for("create_user_token", user_id=user_id)),
        name=name,
        scopes=scopes or [],
        expires_days=expires_days,
    )


@router.post("/account/tokens/{token_id}/revoke", name="revoke_token")
def revoke_token(
    request: Request, session: SessionDep, user: CurrentUser, token_id: RowId
) -> Response:
    """Revoke one of your tokens (admins: anyone's). Another user's token is a 404."""
    token = tokens.revoke_token(session, token_id=token_id, actor=user)
    if token is None:
        raise HTTPException(status_code=404)
    flash(request, f"The token “{token.name}” is revoked.", "success")
    if token.user_id == user.id:
        return RedirectResponse(request.url_for("my_tokens").path, 303)
    return RedirectResponse(request.url_for("user_tokens", user_id=token.user_id).path, 303)
