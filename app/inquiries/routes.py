"""The public district inquiry form (/bring-groundwork) and the admins' list of inquiries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import RowId, SessionDep
from app.deps import AdminUser, OptionalUser, SettingsDep
from app.inquiries import service as inquiries
from app.inquiries.models import DISTRICT_SIZE_LABELS
from app.security.client_address import client_ip
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _form_page(request: Request, form: inquiries.InquiryForm, status: int) -> Response:
    return render(
        request,
        "inquiries/form.html",
        {"form": form, "sizes": DISTRICT_SIZE_LABELS, "message_max": inquiries.MESSAGE_MAX},
        status_code=status,
    )


@router.get("/bring-groundwork", name="inquiry_form")
def inquiry_form(request: Request, user: OptionalUser) -> Response:
    """The "Bring Groundwork to your district" form; a logged-in user's name and email filled in."""
    form = inquiries.InquiryForm()
    if user is not None:
        form.name, form.email = user.display_name, user.email
    return _form_page(request, form, 200)


@router.post("/bring-groundwork", name="inquiry_submit")
def inquiry_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    name: FormStr = "",
    job_title: FormStr = "",
    district: FormStr = "",
    district_size: FormStr = "",
    email: FormStr = "",
    message: FormStr = "",
    website: FormStr = "",
) -> Response:
    """Store the inquiry and send the emails; ``website`` is the honeypot people never see."""
    form = inquiries.InquiryForm(name, job_title, district, district_size, email, message)
    try:
        inquiries.submit_inquiry(
            session,
            settings=settings,
            form=form,
            client_ip=client_ip(request),
            honeypot=website,
        )
    except inquiries.InquiryError as exc:
        form.errors = exc.errors
        return _form_page(request, form, 400)
    except inquiries.InquiryThrottled:
        form.errors = {
            "form": (
                "We have received several messages from you in the last hour, so this one "
                "was not sent. Please wait an hour and try again; what you typed is below."
            )
        }
        return _form_page(request, form, 429)
    return RedirectResponse(request.url_for("inquiry_thanks"), 303)


@router.get("/bring-groundwork/thanks", name="inquiry_thanks")
def inquiry_thanks(request: Request) -> Response:
    """What the inquirer sees once the message is sent."""
    return render(request, "inquiries/thanks.html", {})


@router.get("/admin/inquiries", name="admin_inquiries")
def admin_inquiries(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Every inquiry, newest first, with a button to mark each answered."""
    listing = inquiries.list_inquiries(session)
    return render(
        request,
        "inquiries/admin.html",
        {"listing": listing, "sizes": DISTRICT_SIZE_LABELS, "limit": inquiries.LIST_LIMIT},
    )


@router.post("/admin/inquiries/{inquiry_id}/answered", name="admin_inquiry_answered")
def admin_inquiry_answered(
    request: Request, session: SessionDep, user: AdminUser, inquiry_id: RowId
) -> Response:
    """Mark one inquiry answered."""
    try:
        inquiry = inquiries.mark_answered(session, admin=user, inquiry_id=inquiry_id)
    except inquiries.InquiryNotFound:
        raise HTTPException(status_code=404) from None
    flash(request, f"The inquiry from {inquiry.name} ({inquiry.district}) is marked answered.")
    url = request.url_for("admin_inquiries")
    return RedirectResponse(f"{url.path}#inquiry-{inquiry.id}", 303)
