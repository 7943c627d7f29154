"""Admin pages: webhook endpoints (register, pause, resume) and deliveries (with replay)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import admin_service
from app.db import RowId, SessionDep
from app.deps import AdminUser, SettingsDep
from app.templating import flash, render
from app.webhooks import service
from app.webhooks.models import DeliveryStatus

router = APIRouter()


def _endpoints_page(
    request: Request,
    session: SessionDep,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, object] | None = None,
    new_secret: tuple[int | None, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "endpoints": service.endpoints(session),
            "organizations": admin_service.organizations(session),
            "kinds": service.EVENT_KINDS,
            "errors": errors or {},
            "new_secret": new_secret,
            "form": form or {"url": "", "events": list(service.EVENT_KINDS), "organization": ""},
        },
        status_code=status_code,
    )


@router.get("/admin/webhooks", name="admin_webhooks")
def admin_webhooks(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Registered webhook endpoints and a form to add one."""
    return _endpoints_page(request, session)


@router.post("/admin/webhooks", name="admin_webhook_add")
def admin_webhook_add(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AdminUser,
    url: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
    organization: Annotated[str, Form()] = "",
) -> Response:
    """Register an endpoint for the chosen events (and organization, or all)."""
    raw = organization.strip()
    org_id = (int(raw) if raw.isdecimal() and len(raw) < 10 else 0) if raw else None
    form = {"url": url[:2000], "events": (events or [])[:10], "organization": raw[:10]}
    try:
        endpoint, secret = service.add_endpoint(
            session,
            url=url,
            events=events or [],
            organization_id=org_id,
            created_by=user,
            policy=service.url_policy(settings),
            secret_key=settings.secret_key,
        )
    except service.WebhookError as exc:
        return _endpoints_page(request, session, errors=exc.errors, form=form, status_code=400)
    # Shown on this page once (never in a redirect's cookie, never again): like API tokens.
    return _endpoints_page(request, session, new_secret=(endpoint.id, secret), status_code=201)


@router.post("/admin/webhooks/{endpoint_id}/active", name="admin_webhook_active")
def admin_webhook_active(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    endpoint_id: RowId,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Pause (deliveries wait) or resume an endpoint."""
    endpoint = service.set_active(session, endpoint_id=endpoint_id, active=active == "1")
    if endpoint is None:
        raise HTTPException(status_code=404)
    state = "resumed" if endpoint.active else "paused"
    flash(request, f"Endpoint {endpoint.id} is {state}.", "success")
    return RedirectResponse(request.url_for("admin_webhooks").path, 303)


@router.get("/admin/webhooks/deliveries", name="admin_webhook_deliveries")
def admin_webhook_deliveries(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """The latest deliveries: status, attempts, response code, and replay."""
    status = request.query_params.get("status", "")
    status = status if status in {s.value for s in DeliveryStatus} else ""
    return render(
        request,
        "webhooks/deliveries.html",
        {
            "rows": service.deliveries(session, status=status),
            "status": status,
            "statuses": [s.value for s in DeliveryStatus],
        },
    )


@router.post("/admin/webhooks/deliveries/{delivery_id}/replay", name="admin_webhook_replay")
def admin_webhook_replay(
    request: Request, session: SessionDep, user: AdminUser, delivery_id: RowId
) -> Response:
    """Send a delivery's event again (the worker picks it up)."""
    again = service.replay(session, delivery_id=delivery_id)
    if again is None:
        raise HTTPException(status_code=404)
    flash(request, f"Delivery {delivery_id} will be sent again as delivery {again.id}.", "success")
    return RedirectResponse(request.url_for("admin_webhook_deliveries").path, 303)
