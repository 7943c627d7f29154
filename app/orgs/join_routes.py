"""A learner's side of organizations: invitation links, joining by verified domain,
asking to join, leaving, and the "Your organization" page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.models import User
from app.content.runtime import RegistryDep
from app.db import SessionDep
from app.deps import CurrentUser, OptionalUser
from app.identity.service import is_verified
from app.orgs import cohorts, invites
from app.orgs import service as orgs
from app.orgs.link_outcome import after_link
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _invite_or_404(session: SessionDep, code: str) -> invites.InviteView:
    found = invites.view(session, code=code)
    if found is None:
        raise HTTPException(status_code=404)
    return found


@router.get("/join/{code}", name="join_invite")
def join_invite(request: Request, session: SessionDep, user: OptionalUser, code: str) -> Response:
    """What the link joins, and a button (or sign-up) to join; a clear page when it can't."""
    found = _invite_or_404(session, code)
    usable = found.state is invites.InviteState.usable
    return render(
        request,
        "orgs/join.html",
        {
            "found": found,
            "usable": usable,
            "refusal": None if usable else invites.REFUSALS[found.state],
            "membership": orgs.membership(session, user=user) if user else None,
        },
        status_code=200 if usable else 410,
    )


@router.post("/join/{code}", name="join_invite_accept")
def join_invite_accept(
    request: Request, session: SessionDep, registry: RegistryDep, user: CurrentUser, code: str
) -> Response:
    """Join through the link (a signed-in user confirms with this button)."""
    found = _invite_or_404(session, code)
    outcome = invites.use_link(session, user=user, code=code, registry=registry)
    response = after_link(request, outcome)
    if response is None:
        return RedirectResponse(request.url_for("join_invite", code=found.invite.code).path, 303)
    return response


def _organization_page(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    titles = {c.slug: c.title for c in registry.courses.values()}
    return render(
        request,
        "orgs/my_organization.html",
        {
            "membership": orgs.membership(session, user=user),
            "my_cohorts": cohorts.learner_cohorts(session, user=user),
            "titles": titles,
            "domain_org": orgs.organization_for_domain(session, email=user.email),
            "verified": is_verified(user),
            "organizations": orgs.organizations(session),
            "errors": errors or {},
            "form": form or {"organization": "", "message": ""},
        },
        status_code=status_code,
    )


@router.get("/account/organization", name="my_organization")
def my_organization(
    request: Request, session: SessionDep, registry: RegistryDep, user: CurrentUser
) -> Response:
    """Your organization and cohorts, how you joined, and the ways to join one."""
    return _organization_page(request, session, registry, user)


@router.post("/account/organization/domain", name="join_by_domain")
def join_by_domain(
    request: Request, session: SessionDep, registry: RegistryDep, user: CurrentUser
) -> Response:
    """Join the organization that attached your verified email's domain."""
    try:
        org = orgs.join_by_domain(session, user=user)
    except orgs.OrgError as exc:
        return _organization_page(
            request, session, registry, user, errors=exc.errors, status_code=400
        )
    flash(request, f"You joined {org.name} through your verified email address.", "success")
    return RedirectResponse(request.url_for("my_organization").path, 303)


@router.post("/account/organization/request", name="request_to_join")
def request_to_join(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    user: CurrentUser,
    organization: FormStr = "",
    message: FormStr = "",
) -> Response:
    """Ask an organization's staff to confirm you as a member."""
    form = {"organization": organization[:10], "message": message[:2000]}
    raw = organization.strip()
    try:
        if not (raw.isdecimal() and len(raw) < 10):
            raise orgs.OrgError({"organization": "Choose an organization from the list."})
        orgs.request_to_join(session, user=user, organization_id=int(raw), message=message)
    except orgs.OrgError as exc:
        return _organization_page(
            request, session, registry, user, errors=exc.errors, form=form, status_code=400
        )
    flash(request, "Your request is sent. The organization's staff will confirm it.", "success")
    return RedirectResponse(request.url_for("my_organization").path, 303)


@router.post("/account/organization/request/withdraw", name="withdraw_request")
def withdraw_request(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Withdraw your waiting request."""
    if orgs.withdraw_request(session, user=user):
        flash(request, "Your request is withdrawn.", "success")
    return RedirectResponse(request.url_for("my_organization").path, 303)


@router.post("/account/organization/leave", name="leave_organization")
def leave_organization(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Leave your organization (and its cohorts); your own work stays yours."""
    if user.organization_id is not None:
        orgs.leave(session, user=user)
        session.commit()
        flash(request, "You left the organization. Your work stays in your account.", "success")
    return RedirectResponse(request.url_for("my_organization").path, 303)
