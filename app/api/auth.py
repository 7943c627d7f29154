"""API request dependencies: the bearer token's principal, and scope checks (403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api import tokens
from app.api.problems import ApiProblem
from app.app_settings import settings_of
from app.db import open_session
from app.security.client_address import client_ip

_bearer = HTTPBearer(auto_error=False, description="A personal access token (gw_…).")


def _principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> tokens.ApiPrincipal:
    """The token's principal, checked and counted in a short transaction of its own."""
    raw = credentials.credentials if credentials else ""
    address = client_ip(request)
    with open_session(write=True, engine=request.app.state.engine) as session:
        try:
            return tokens.authenticate(
                session, raw=raw, client_ip=address, settings=settings_of(request.app)
            )
        except tokens.ApiAuthError as exc:
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
            if exc.retry_after is not None:
                headers["Retry-After"] = str(exc.retry_after)
            raise ApiProblem(exc.status, exc.detail, headers=headers) from None


Principal = Annotated[tokens.ApiPrincipal, Depends(_principal)]


def require_scope(scope: str):  # type: ignore[no-untyped-def]
    """A dependency letting through tokens that may use ``scope`` now (403 otherwise)."""

    def check(principal: Principal) -> tokens.ApiPrincipal:
        if scope not in principal.scopes:
            raise ApiProblem(
                403,
                f"This token does not carry the {scope!r} scope, or its owner's role no "
                "longer allows it.",
            )
        return principal

    return check


MeReader = Annotated[tokens.ApiPrincipal, Depends(require_scope("read:me"))]
EnrollmentReader = Annotated[tokens.ApiPrincipal, Depends(require_scope("read:enrollments"))]
ReportReader = Annotated[tokens.ApiPrincipal, Depends(require_scope("read:reports"))]
DiscussionReader = Annotated[tokens.ApiPrincipal, Depends(require_scope("read:discussions"))]
WebhookAdmin = Annotated[tokens.ApiPrincipal, Depends(require_scope("admin:webhooks"))]
