"""The organization's LMS platforms page (LTI 1.3): list, register, remove. Admins and the
staff who manage the organization; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import Organization, User
from app.config import Settings
from app.db import RowId, SessionDep
from app.deps import SettingsDep, StaffUser
from app.lti import platforms, tool_config
from app.orgs import service as orgs
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _managed(session: Session, user: User, organization_id: int) -> Organization:
    org = orgs.managed_organization(session, user=user, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    return org


def _page(
    request: Request,
    session: Session,
    settings: Settings,
    org: Organization,
    form: platforms.PlatformForm | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "lti/platforms.html",
        {
            "org": org,
            "rows": platforms.platform_rows(session, organization_id=org.id),
            "form": form or platforms.PlatformForm(),
            "addresses": tool_config.addresses(settings),
        },
        status_code=status_code,
    )


@router.get("/staff/orgs/{organization_id}/lms", name="lti_platforms")
def platforms_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffUser,
    organization_id: RowId,
) -> Response:
    """The organization's registered LMS platforms and what to enter in the LMS."""
    return _page(request, session, settings, _managed(session, user, organization_id))


@router.post("/staff/orgs/{organization_id}/lms", name="lti_platform_add")
def platform_add(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: StaffUser,
    organization_id: RowId,
    issuer: FormStr = "",
    client_id: FormStr = "",
    deployment_id: FormStr = "",
    auth_url: FormStr = "",
    token_url: FormStr = "",
    jwks_url: FormStr = "",
) -> Response:
    """Register a platform (or a further deployment of one)."""
    org = _managed(session, user, organization_id)
    form = platforms.PlatformForm(
        issuer[:2000],
        client_id[:2000],
        deployment_id[:2000],
        auth_url[:4000],
        token_url[:4000],
        jwks_url[:4000],
    )
    try:
        platforms.add_platform(
            session,
            organization=org,
            form=form,
            allow_loopback_http=settings.lti_allow_loopback_http,
        )
    except platforms.PlatformError as exc:
        form.errors = exc.errors
        return _page(request, session, settings, org, form=form, status_code=400)
    flash(request, f"The platform {form.issuer.strip()} is registered for {org.name}.", "success")
    return RedirectResponse(
        request.url_for("lti_platforms", organization_id=organization_id).path, 303
    )


@router.post("/staff/orgs/{organization_id}/lms/{platform_id}/remove", name="lti_platform_remove")
def platform_remove(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    organization_id: RowId,
    platform_id: RowId,
    confirm: FormStr = "",
) -> Response:
    """Remove a platform once the box confirming it is ticked: its launches stop; accounts
    and progress stay."""
    org = _managed(session, user, organization_id)
    found = platforms.managed_platform(
        session, platform_id=platform_id, organization_id=organization_id
    )
    if found is None:
        raise HTTPException(status_code=404)
    if confirm != "yes":
        flash(request, "Nothing was removed: tick the box to confirm the removal.", "error")
        return RedirectResponse(
            request.url_for("lti_platforms", organization_id=organization_id).path, 303
        )
    if not platforms.remove_platform(
        session, platform_id=platform_id, organization_id=organization_id
    ):
        raise HTTPException(status_code=404)
    flash(request, f"The platform is removed from {org.name}.", "success")
    return RedirectResponse(
        request.url_for("lti_platforms", organization_id=organization_id).path, 303
    )
