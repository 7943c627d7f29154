"""District sign-in pages: start, the provider's callback, and the staff settings page."""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import tokens
from app.accounts.models import Organization, User
from app.accounts.routes import login_context
from app.accounts.sessions import set_login_cookie
from app.config import Settings
from app.db import RowId, SessionDep
from app.deps import OrgManagerUser, SettingsDep
from app.orgs import service as orgs
from app.security.cookies import delete_cookie, set_cookie
from app.sso import oidc, providers, service
from app.sso.models import KIND_LABELS, SsoProvider
from app.templating import flash, render

router = APIRouter()
log = logging.getLogger("groundwork.sso")
FormStr = Annotated[str, Form()]
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


# --- Signing in -------------------------------------------------------------------------


def _failed(request: Request, exc: service.SignInFailed) -> Response:
    log.warning("District sign-in refused: %s", exc.reason)
    return render(
        request,
        "sso/failed.html",
        {"message": exc.message, "status": exc.status},
        status_code=exc.status,
    )


def _login_page(request: Request, session: Session, **values: object) -> Response:
    """The login page again, with a district sign-in error."""
    context = login_context(session, **values)
    return render(request, "accounts/login.html", context, status_code=400)


def _redirect_to_provider(
    request: Request,
    session: Session,
    settings: Settings,
    provider: SsoProvider,
    *,
    next_path: str,
    login_hint: str = "",
) -> Response:
    sent = request.cookies.get(service.BROWSER_COOKIE, "")
    browser_token = sent if _TOKEN_RE.match(sent) else tokens.random_token()
    try:
        url = service.start(
            session,
            settings=settings,
            provider=provider,
            browser_token=browser_token,
            next_path=next_path,
            login_hint=login_hint,
        )
    except service.SignInFailed as exc:
        return _failed(request, exc)
    # A page that moves on by itself, not a redirect: the Content-Security-Policy's
    # form-action 'self' stops a form's redirect chain at another site (the provider).
    org = providers.organization_of(session, provider)
    response = render(request, "sso/continue.html", {"url": url, "organization": org.name})
    set_cookie(
        response,
        service.BROWSER_COOKIE,
        browser_token,
        max_age=int(service.ATTEMPT_LIFETIME.total_seconds()),
        secure=settings.secure_cookies,
    )
    return response


@router.get("/sso/start", name="sso_start_link")
def sso_start_link(
    request: Request, session: SessionDep, settings: SettingsDep, organization: str = ""
) -> Response:
    """Start a district's sign-in (the district list on the login page, or a bookmark)."""
    raw = organization.strip()
    provider = (
        providers.provider_for(session, organization_id=int(raw))
        if raw.isdecimal() and len(raw) < 10
        else None
    )
    if provider is None:
        return _login_page(
            request,
            session,
            sso_errors={"organization": "Choose your district from the list."},
        )
    next_path = request.query_params.get("next", "")
    return _redirect_to_provider(request, session, settings, provider, next_path=next_path)


@router.post("/sso/start", name="sso_start")
def sso_start(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    sso_email: FormStr = "",
    next: FormStr = "",
) -> Response:
    """Start district sign-in for the district that allows this email's domain."""
    email = sso_email.strip()[:320]
    provider = providers.provider_for_email(session, email=email) if "@" in email else None
    if provider is None:
        message = (
            "Enter your district email address, like name@district.org."
            if "@" not in email
            else f"No district sign-in is set up for addresses at {orgs.email_domain(email)}. "
            "Log in with your password, or choose your district from the list."
        )
        return _login_page(
            request, session, next=next, sso_email=email, sso_errors={"sso_email": message}
        )
    return _redirect_to_provider(
        request, session, settings, provider, next_path=next, login_hint=email
    )


@router.get("/sso/callback", name="sso_callback")
def sso_callback(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Where the provider sends the browser back: check everything, then log in."""
    params = request.query_params
    try:
        signed = service.finish(
            session,
            settings=settings,
            state=params.get("state", ""),
            code=params.get("code", ""),
            error=params.get("error", ""),
            browser_token=request.cookies.get(service.BROWSER_COOKIE, ""),
        )
    except service.SignInFailed as exc:
        return _failed(request, exc)
    org = signed.organization.name
    if signed.created:
        flash(
            request,
            f"Welcome to Groundwork, {signed.user.display_name}. Your account is a member of "
            f"{org}. To log in without district sign-in too, choose a password with "
            "“Forgot your password?”.",
            "success",
        )
    response = RedirectResponse(signed.next_path, 303)
    set_login_cookie(response, signed.token, settings=settings)
    delete_cookie(response, service.BROWSER_COOKIE, secure=settings.secure_cookies)
    return response


# --- Staff settings ---------------------------------------------------------------------


def _managed(session: Session, user: User, organization_id: int) -> Organization:
    """The organization if this staff member manages it; 404 otherwise (no hint it exists)."""
    org = orgs.managed_organization(session, user=user, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    return org


def _settings_page(
    request: Request,
    session: Session,
    settings: Settings,
    org: Organization,
    *,
    organization_id: int,
    form: providers.ProviderForm | None = None,
    status_code: int = 200,
) -> Response:
    provider = providers.provider_for(session, organization_id=organization_id)
    return render(
        request,
        "sso/settings.html",
        {
            "org": org,
            "provider": provider,
            "form": form or providers.ProviderForm.of(provider),
            "kinds": KIND_LABELS,
            "redirect_uri": providers.redirect_uri(settings),
            "login_url": providers.login_url(settings, organization_id=organization_id),
        },
        status_code=status_code,
    )


@router.get("/staff/orgs/{organization_id}/sign-in", name="sso_settings")
def sso_settings(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OrgManagerUser,
    organization_id: RowId,
) -> Response:
    """The organization's district sign-in settings."""
    org = _managed(session, user, organization_id)
    return _settings_page(request, session, settings, org, organization_id=organization_id)


@router.post("/staff/orgs/{organization_id}/sign-in", name="sso_settings_save")
def sso_settings_save(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OrgManagerUser,
    organization_id: RowId,
    kind: FormStr = "",
    issuer: FormStr = "",
    client_id: FormStr = "",
    client_secret: FormStr = "",
    domains: FormStr = "",
    tenant_ids: FormStr = "",
) -> Response:
    """Save the settings; the secret is kept when the field is left empty."""
    org = _managed(session, user, organization_id)
    form = providers.ProviderForm(
        kind[:20], issuer[:2000], client_id[:2000], client_secret, domains[:4000], tenant_ids[:4000]
    )
    try:
        providers.save_provider(
            session, settings=settings, organization_id=organization_id, form=form
        )
    except providers.ProviderError as exc:
        form.errors = exc.errors
        form.client_secret = ""  # never sent back to the browser
        return _settings_page(
            request,
            session,
            settings,
            org,
            organization_id=organization_id,
            form=form,
            status_code=400,
        )
    flash(
        request, f"District sign-in for {org.name} is saved. Test the connection below.", "success"
    )
    return RedirectResponse(
        request.url_for("sso_settings", organization_id=organization_id).path, 303
    )


@router.post("/staff/orgs/{organization_id}/sign-in/test", name="sso_settings_test")
def sso_settings_test(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: OrgManagerUser,
    organization_id: RowId,
) -> Response:
    """Fetch the provider's discovery document and say whether it worked."""
    org = _managed(session, user, organization_id)
    provider = providers.provider_for(session, organization_id=organization_id)
    if provider is None:
        raise HTTPException(status_code=404)
    session.commit()  # no lock held while the provider answers
    try:
        found = providers.check_connection(provider, settings=settings)
    except oidc.ProviderUnreachable as exc:
        log.warning("District sign-in test for organization %s failed: %s", org.id, exc)
        flash(
            request,
            f"The connection test failed: {exc}. Check the issuer address and that the "
            "provider is reachable from this server.",
            "error",
        )
    else:
        flash(
            request,
            f"The provider answered: issuer {found.issuer}, sign-in page "
            f"{found.authorization_endpoint}.",
            "success",
        )
    return RedirectResponse(
        request.url_for("sso_settings", organization_id=organization_id).path, 303
    )
