"""Email verification links, resending them, and changing the account's email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts import service as accounts
from app.accounts.routes import account_page
from app.db import SessionDep
from app.deps import CurrentUser, OptionalUser, SettingsDep
from app.identity import service as identity
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _refused(request: Request, exc: identity.VerificationRefused) -> Response:
    return render(
        request,
        "identity/verify_email_refused.html",
        {"message": str(exc)},
        status_code=exc.status_code,
    )


@router.get("/verify-email/{token}", name="verify_email_form")
def verify_email_form(request: Request, session: SessionDep, token: str) -> Response:
    """A page with one button: mail scanners open links, so only the POST verifies."""
    try:
        email = identity.address_of_link(session, token=token)
    except identity.VerificationRefused as exc:
        return _refused(request, exc)
    return render(request, "identity/verify_email.html", {"token": token, "email": email})


@router.post("/verify-email/{token}", name="verify_email")
def verify_email(
    request: Request, session: SessionDep, settings: SettingsDep, user: OptionalUser, token: str
) -> Response:
    """Verify the address the link was sent to (the token is the credential)."""
    try:
        done = identity.verify(session, settings=settings, token=token)
    except identity.VerificationRefused as exc:
        return _refused(request, exc)
    if done.old_email is None:
        flash(request, f"Thank you: your email address {done.email} is verified.", "success")
    else:
        flash(request, f"Your email address is now {done.email}. Use it to log in.", "success")
    target = "account" if user is not None and user.id == done.user_id else "login_form"
    return RedirectResponse(request.url_for(target), 303)


@router.post("/account/verify-email/resend", name="resend_verification")
def resend_verification(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    """Send a new link to the account's address (throttled)."""
    try:
        identity.start_verification(session, settings=settings, user=user)
    except identity.VerificationRefused as exc:
        flash(request, str(exc), "error")
    else:
        flash(
            request,
            f"We sent a new link to {user.email}. It works for {identity.LINK_HOURS} hours.",
            "success",
        )
    return RedirectResponse(request.url_for("account"), 303)


@router.post("/account/email", name="change_email")
def change_email(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    new_email: FormStr = "",
    password: FormStr = "",
) -> Response:
    """Send a link to the new address; the email changes once it is followed."""
    try:
        identity.request_email_change(
            session, settings=settings, user=user, new_email=new_email, password=password
        )
    except accounts.AccountError as exc:
        return account_page(request, session, user, email_errors=exc.errors, new_email=new_email)
    except identity.VerificationThrottled as exc:
        return account_page(
            request,
            session,
            user,
            email_errors={"form": str(exc)},
            new_email=new_email,
            status_code=exc.status_code,
        )
    flash(
        request,
        f"We sent a link to {accounts.normalize_email(new_email)}. Your email stays {user.email} "
        "until you open it.",
        "success",
    )
    return RedirectResponse(request.url_for("account"), 303)
