"""Admin pages: create organizations and attach the email domains they verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import RowId, SessionDep
from app.deps import AdminUser
from app.orgs import service as orgs
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _page(
    request: Request,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "orgs/admin_organizations.html",
        {
            "rows": orgs.overview(session),
            "errors": errors or {},
            "form": form or {"name": "", "domains": ""},
        },
        status_code=status_code,
    )


@router.get("/admin/organizations", name="admin_organizations")
def admin_organizations(request: Request, session: SessionDep, admin: AdminUser) -> Response:
    """Every organization with its domains and members, and a form to create one."""
    return _page(request, session)


@router.post("/admin/organizations", name="admin_organization_create")
def admin_organization_create(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    name: FormStr = "",
    domains: FormStr = "",
) -> Response:
    """Create an organization with the email domains it verifies."""
    form = {"name": name[:300], "domains": domains[:2000]}
    try:
        org = orgs.create_organization(
            session, name=name, domain_names=domains.replace(",", " ").split()
        )
    except orgs.OrgError as exc:
        return _page(request, session, errors=exc.errors, form=form, status_code=400)
    flash(request, f"{org.name} is created. Invite its staff and members next.", "success")
    return RedirectResponse(request.url_for("admin_organizations").path, 303)


@router.post("/admin/organizations/{organization_id}/domains", name="admin_domain_add")
def admin_domain_add(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    organization_id: RowId,
    domain: FormStr = "",
) -> Response:
    """Attach an email domain: its verified addresses may join."""
    org = orgs.organization(session, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    try:
        row = orgs.add_domain(session, organization_id=organization_id, domain=domain)
    except orgs.OrgError as exc:
        field = f"domain-{organization_id}"
        return _page(
            request,
            session,
            errors={field: f"{org.name}: {exc.errors['domain']}"},
            form={"name": "", "domains": "", field: domain[:300]},
            status_code=400,
        )
    flash(request, f"{row.domain} is attached to {org.name}.", "success")
    return RedirectResponse(request.url_for("admin_organizations").path, 303)


@router.post(
    "/admin/organizations/{organization_id}/domains/{domain_id}/delete",
    name="admin_domain_remove",
)
def admin_domain_remove(
    request: Request,
    session: SessionDep,
    admin: AdminUser,
    organization_id: RowId,
    domain_id: RowId,
) -> Response:
    """Detach a domain; members who joined by it stay."""
    if not orgs.remove_domain(session, organization_id=organization_id, domain_id=domain_id):
        raise HTTPException(status_code=404)
    flash(request, "The domain is detached. Members who joined by it stay.", "success")
    return RedirectResponse(request.url_for("admin_organizations").path, 303)
