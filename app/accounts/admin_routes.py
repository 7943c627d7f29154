"""Admin pages: /admin/users lists and searches users and sets their role and staff scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import admin_service as admin
from app.accounts.models import Role
from app.db import RowId, SessionDep
from app.deps import AdminUser
from app.templating import flash, render

router = APIRouter()


@router.get("/admin/users", name="admin_users")
def admin_users(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every account, searchable by name or email, with role and staff scope forms."""
    q = request.query_params
    page_raw = q.get("page", "1")
    page = admin.list_users(
        session,
        search=q.get("q", ""),
        role=q.get("role", ""),
        page=int(page_raw) if page_raw.isdecimal() and len(page_raw) < 7 else 1,
    )
    return render(
        request,
        "accounts/admin_users.html",
        {
            "page": page,
            "q": q.get("q", ""),
            "role": q.get("role", ""),
            "roles": list(Role),
            "organizations": admin.organizations(session),
        },
    )


@router.post("/admin/users/{user_id}", name="admin_user_update")
def admin_user_update(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    user_id: RowId,
    role: Annotated[str, Form()] = "",
    staff_organization: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    role_filter: Annotated[str, Form()] = "",
) -> Response:
    """Set one user's role and staff scope."""
    raw = staff_organization.strip()
    # Unreadable is not "all organizations" (the widest scope): 0 names no organization.
    scope = (int(raw) if raw.isdecimal() and len(raw) < 10 else 0) if raw else None
    try:
        changed = admin.set_role_and_scope(
            session, admin=user, user_id=user_id, role=role, staff_organization_id=scope
        )
    except admin.AdminError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, f"{changed.display_name} is now {changed.role}.", "success")
    keep = {k: v for k, v in {"q": q[:200], "role": role_filter[:20]}.items() if v}
    return RedirectResponse(request.url_for("admin_users").include_query_params(**keep), 303)
