"""Sign-up, login, logout, password reset and change, the home page and /healthz."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import JOB_ROLE_LABELS, User
from app.accounts.sessions import SESSION_COOKIE, set_login_cookie
from app.content.runtime import RegistryDep
from app.db import SessionDep
from app.deps import CurrentUser, OptionalUser, SettingsDep
from app.identity import service as identity
from app.orgs import cohorts, invites
from app.orgs import service as orgs
from app.orgs.link_outcome import after_link
from app.security.client_address import client_ip
from app.security.cookies import delete_cookie
from app.security.redirects import safe_next
from app.sso import providers as sso_providers
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


@router.get("/", name="home")
def home(request: Request, user: OptionalUser) -> Response:
    """The public front page."""
    return render(request, "home.html", {})


def _signup_page(
    request: Request,
    session: SessionDep,
    form: accounts.SignUp,
    status: int,
    *,
    invite: str = "",
    next_path: str = "",
) -> Response:
    return render(
        request,
        "accounts/signup.html",
        {
            "form": form,
            "job_roles": JOB_ROLE_LABELS,
            "next": next_path,
            "invite": invite,
        },
        status_code=status,
    )


@router.get("/signup", name="signup_form")
def signup_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The free sign-up form."""
    if user is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), 303)
    return _signup_page(
        request,
        session,
        accounts.SignUp(),
        200,
        invite=request.query_params.get("invite", "")[:64],
        next_path=request.query_params.get("next", "")[:2000],
    )


@router.post("/signup", name="signup")
def signup(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    email: FormStr = "",
    password: FormStr = "",
    display_name: FormStr = "",
    job_role: FormStr = "",
    next: FormStr = "",
    invite: FormStr = "",
) -> Response:
    """Create the account, log in, and go on to ``next`` (or join the invitation's
    organization and cohort at once)."""
    form = accounts.SignUp(email, password, display_name, job_role)
    try:
        user = accounts.sign_up(session, settings=settings, form=form)
    except accounts.AccountError as exc:
        form.errors = exc.errors
        form.password = ""
        return _signup_page(request, session, form, 400, invite=invite[:64], next_path=next[:2000])
    identity.start_verification(session, settings=settings, user=user)
    _, token = accounts.log_in(
        session,
        settings=settings,
        email=user.email,
        password=password,
        client_ip=client_ip(request),
    )
    flash(
        request,
        f"Welcome to Groundwork, {user.display_name}. We sent a link to {user.email}: "
        "open it to confirm your email address.",
        "success",
    )
    response = RedirectResponse(safe_next(next), 303)
    if invite:
        outcome = invites.use_link(session, user=user, code=invite, registry=registry)
        response = after_link(request, outcome) or response
    set_login_cookie(response, token, settings=settings)
    return response


def login_context(session: SessionDep, **values: object) -> dict[str, object]:
    """The login page's context: the password form, and district sign-in where set up."""
    empty = {"email": "", "errors": {}, "next": "", "sso_email": "", "sso_errors": {}}
    return {**empty, "districts": sso_providers.districts(session), **values}


@router.get("/login", name="login_form")
def login_form(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The login form, with district sign-in where an organization has set it up."""
    next_path = request.query_params.get("next", "")
    if user is not None:
        return RedirectResponse(safe_next(next_path), 303)
    return render(request, "accounts/login.html", login_context(session, next=next_path))


@router.post("/login", name="login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: FormStr = "",
    password: FormStr = "",
    next: FormStr = "",
) -> Response:
    """Check the credentials; the same answer for an unknown email and a wrong password."""
    context = login_context(session, email=email, next=next)
    try:
        _, token = accounts.log_in(
            session,
            settings=settings,
            email=email,
            password=password,
            client_ip=client_ip(request),
        )
    except accounts.LoginThrottled as exc:
        message = (
            "Too many failed attempts to log in. For your account's safety, please wait "
            f"{exc.minutes} minutes, or reset your password."
        )
        return render(
            request,
            "accounts/login.html",
            {**context, "errors": {"form": message}},
            status_code=429,
        )
    except accounts.AccountError as exc:
        return render(
            request, "accounts/login.html", {**context, "errors": exc.errors}, status_code=400
        )
    response = RedirectResponse(safe_next(next), 303)
    set_login_cookie(response, token, settings=settings)
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """End this login."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.log_out(session, token=token)
    flash(request, "You are logged out.", "info")
    response = RedirectResponse(request.url_for("home"), 303)
    delete_cookie(response, SESSION_COOKIE, secure=settings.secure_cookies)
    return response


@router.get("/password/forgot", name="forgot_form")
def forgot_form(request: Request) -> Response:
    """Ask for a reset link."""
    return render(request, "accounts/forgot.html", {"email": "", "errors": {}})


@router.post("/password/forgot", name="forgot")
def forgot(
    request: Request, session: SessionDep, settings: SettingsDep, email: FormStr = ""
) -> Response:
    """Send a reset link when the account exists; the same page either way."""
    if not accounts.EMAIL_RE.match(accounts.normalize_email(email)):
        errors = {"email": "Enter the email address you signed up with."}
        return render(
            request, "accounts/forgot.html", {"email": email, "errors": errors}, status_code=400
        )
    accounts.request_password_reset(session, settings=settings, email=email)
    return render(request, "accounts/forgot_sent.html", {"email": email})


@router.get("/password/reset/{token}", name="reset_form")
def reset_form(request: Request, session: SessionDep, token: str) -> Response:
    """Choose a new password from an emailed link."""
    if not accounts.reset_token_is_valid(session, token=token):
        return render(request, "accounts/reset_invalid.html", {}, status_code=400)
    return render(request, "accounts/reset.html", {"token": token, "errors": {}})


@router.post("/password/reset/{token}", name="reset")
def reset(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: str,
    password: FormStr = "",
    confirm: FormStr = "",
) -> Response:
    """Set the new password; every session of the account ends."""
    if password != confirm:
        errors = {"confirm": "The two passwords are not the same."}
        return render(
            request, "accounts/reset.html", {"token": token, "errors": errors}, status_code=400
        )
    try:
        accounts.reset_password(session, settings=settings, token=token, password=password)
    except accounts.AccountError as exc:
        if "form" in exc.errors:
            return render(request, "accounts/reset_invalid.html", {}, status_code=400)
        return render(
            request,
            "accounts/reset.html",
            {"token": token, "errors": exc.errors},
            status_code=400,
        )
    flash(request, "Your password is changed. Log in with the new one.", "success")
    return RedirectResponse(request.url_for("login_form"), 303)


def account_page(
    request: Request,
    session: Session,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    email_errors: dict[str, str] | None = None,
    new_email: str = "",
    status_code: int | None = None,
) -> Response:
    """The account page; a form that failed shows its errors and what was typed (400)."""
    failed = bool(errors or email_errors)
    return render(
        request,
        "accounts/account.html",
        {
            "errors": errors or {},
            "email_errors": email_errors or {},
            "new_email": new_email,
            "verification": identity.verification_status(session, user=user),
            "membership": orgs.membership(session, user=user),
            "my_cohorts": cohorts.learner_cohorts(session, user=user),
        },
        status_code=status_code or (400 if failed else 200),
    )


@router.get("/account", name="account")
def account(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The account page: organization, email verification, change email, change password."""
    return account_page(request, session, user)


@router.post("/account/password", name="change_password")
def change_password(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    current_password: FormStr = "",
    new_password: FormStr = "",
    confirm: FormStr = "",
) -> Response:
    """Change the password; other devices are logged out."""
    errors: dict[str, str] = {}
    if new_password != confirm:
        errors["confirm"] = "The two new passwords are not the same."
    else:
        try:
            accounts.change_password(
                session,
                settings=settings,
                user=user,
                current=current_password,
                new=new_password,
                keep_token=request.cookies.get(SESSION_COOKIE, ""),
            )
        except accounts.AccountError as exc:
            errors = exc.errors
    if errors:
        return account_page(request, session, user, errors=errors)
    flash(request, "Your password is changed. Your other devices are logged out.", "success")
    return RedirectResponse(request.url_for("account"), 303)
