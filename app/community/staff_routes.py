"""Staff's discussion settings: whether each organization's members may post anonymously
to peers (issue 22). Staff see the organizations they manage (``orgs.managed_organization``);
another organization answers 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.community import service as community
from app.db import RowId, SessionDep, id_of
from app.deps import StaffUser
from app.orgs import service as orgs
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


@router.get("/staff/community/settings", name="community_settings")
def settings_page(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """Staff choose, per organization they manage, whether members may post anonymously."""
    rows = [
        (org, community.anonymous_allowed_for(session, organization_id=id_of(org)))
        for org in orgs.managed_organizations(session, user=user)
    ]
    return render(request, "community/settings.html", {"rows": rows})


@router.post("/staff/community/settings/{organization_id}", name="community_save_settings")
def save_settings(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    organization_id: RowId,
    allow_anonymous: FormStr = "",
) -> Response:
    """Turn "anonymous to peers" on or off for one organization's members."""
    org = orgs.managed_organization(session, user=user, organization_id=organization_id)
    if org is None:
        raise HTTPException(status_code=404)
    allow = allow_anonymous == "1"
    community.set_allow_anonymous(session, organization_id=organization_id, allow=allow, actor=user)
    flash(
        request,
        f"Members of {org.name} {'may' if allow else 'may no longer'} post anonymously to peers.",
        "success",
    )
    return RedirectResponse(request.url_for("community_settings").path, 303)
