"""Admin pages: Learning Record Stores (add, pause, resume) and the statements sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import admin_service
from app.db import RowId, SessionDep
from app.deps import AdminUser, SettingsDep
from app.templating import flash, render
from app.xapi import service
from app.xapi.models import DeliveryStatus

router = APIRouter()
EMPTY_FORM = {
    "name": "",
    "endpoint": "",
    "key": "",
    "organization": "",
    "identify": "account",
    "mastery_score": "0.8",
}


def _lrs_page(
    request: Request,
    session: SessionDep,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "xapi/lrs.html",
        {
            "configurations": service.configurations(session),
            "counts": service.statement_counts(session),
            "organizations": admin_service.organizations(session),
            "errors": errors or {},
            "form": form or EMPTY_FORM,
        },
        status_code=status_code,
    )


@router.get("/admin/xapi", name="admin_xapi")
def admin_xapi(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Configured Learning Record Stores and a form to add one."""
    return _lrs_page(request, session)


@router.post("/admin/xapi", name="admin_xapi_add")
def admin_xapi_add(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    settings: SettingsDep,
    name: Annotated[str, Form()] = "",
    endpoint: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
    organization: Annotated[str, Form()] = "",
    identify: Annotated[str, Form()] = "account",
    mastery_score: Annotated[str, Form()] = "0.8",
) -> Response:
    """Configure an LRS for one organization's learners, or everyone's."""
    raw = organization.strip()
    org_id = (int(raw) if raw.isdecimal() and len(raw) < 10 else 0) if raw else None
    form = {
        "name": name[:200],
        "endpoint": endpoint[:2000],
        "key": key[:200],
        "organization": raw[:10],
        "identify": "email" if identify == "email" else "account",
        "mastery_score": mastery_score[:10],
    }
    try:
        mastery = float(mastery_score.strip().rstrip("%"))
        mastery = mastery / 100 if mastery_score.strip().endswith("%") else mastery
    except ValueError:
        mastery = -1.0
    try:
        lrs = service.add_lrs(
            session,
            name=name,
            endpoint=endpoint,
            key=key,
            secret=secret,
            organization_id=org_id,
            send_email=identify == "email",
            mastery_score=mastery,
            created_by=user,
            settings=settings,
        )
    except service.LrsError as exc:
        return _lrs_page(request, session, errors=exc.errors, form=form, status_code=400)
    flash(request, f"The LRS “{lrs.name}” is configured; new learning events go to it.", "success")
    return RedirectResponse(request.url_for("admin_xapi").path, 303)


@router.post("/admin/xapi/{lrs_id}/active", name="admin_xapi_active")
def admin_xapi_active(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    lrs_id: RowId,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Pause (statements wait) or resume an LRS."""
    lrs = service.set_active(session, lrs_id=lrs_id, active=active == "1")
    if lrs is None:
        raise HTTPException(status_code=404)
    state = "resumed" if lrs.active else "paused"
    flash(request, f"The LRS “{lrs.name}” is {state}.", "success")
    return RedirectResponse(request.url_for("admin_xapi").path, 303)


@router.get("/admin/xapi/statements", name="admin_xapi_statements")
def admin_xapi_statements(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """The latest statements: verb, status, attempts and the LRS's answer."""
    status = request.query_params.get("status", "")
    status = status if status in {s.value for s in DeliveryStatus} else ""
    return render(
        request,
        "xapi/statements.html",
        {
            "rows": service.statement_log(session, status=status),
            "status": status,
            "statuses": [s.value for s in DeliveryStatus],
        },
    )


@router.post("/admin/xapi/statements/{statement_pk}/retry", name="admin_xapi_retry")
def admin_xapi_retry(
    request: Request, session: SessionDep, user: AdminUser, statement_pk: RowId
) -> Response:
    """Send a failed statement again (the worker picks it up)."""
    row = service.retry(session, statement_pk=statement_pk)
    if row is None:
        raise HTTPException(status_code=404)
    flash(request, f"Statement {row.id} will be sent again.", "success")
    return RedirectResponse(request.url_for("admin_xapi_statements").path, 303)
