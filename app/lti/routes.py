"""LTI 1.3 tool pages: the tool's JWKS and configuration, login initiation, launch, the
page that finishes a launch, and the deep-linking picker.

Platforms post to the launch without our CSRF cookie (it is a cross-site form post by
design); the id_token, checked against the platform's keys, and the single-use state are
its credentials. The pages after it carry one-time tokens in their URLs, so they work in
an LMS iframe whose browser keeps no third-party cookie.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app import tokens
from app.accounts.models import User
from app.accounts.sessions import set_login_cookie
from app.config import Settings
from app.content.runtime import RegistryDep
from app.db import SessionDep
from app.deps import SettingsDep
from app.lti import deep_linking, keys, launch, service, tool_config
from app.lti.models import SCORE_MODE_LABELS, LtiLaunchTicket, LtiPlatform, ScoreMode
from app.security.cookies import delete_cookie, set_cookie
from app.security.csrf import csrf_exempt
from app.security.middleware import csp_allowing
from app.templating import render

router = APIRouter()
log = logging.getLogger("groundwork.lti")
PROBE_COOKIE = "gw_lti_probe"
FormStr = Annotated[str, Form()]


def _probe(token: str) -> str:
    return tokens.digest("probe:" + token)[:32]


def _frame_headers(
    platform: LtiPlatform | None, *, form_action: list[str] | None = None
) -> dict[str, str]:
    origins = service.frame_origins(platform) if platform else []
    return {
        "Content-Security-Policy": csp_allowing(frame_ancestors=origins, form_action=form_action)
    }


def _refused(
    request: Request, exc: launch.LaunchRefused, platform: LtiPlatform | None = None
) -> Response:
    log.warning("LTI launch refused: %s", exc.reason)
    return render(
        request,
        "lti/failed.html",
        {"message": exc.message, "status": exc.status},
        status_code=exc.status,
        headers=_frame_headers(platform),
    )


def _spent(what: str) -> launch.LaunchRefused:
    return launch.LaunchRefused(
        f"{what} spent or expired",
        "This link from your learning platform has been used already or has expired. Go "
        "back to your course in the platform and open the Groundwork link again.",
        410,
    )


@router.get("/lti/jwks.json", name="lti_jwks")
def jwks(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """The tool's public keys (active and recently retired), for platforms to check us."""
    found = keys.public_jwks(session, secret_key=settings.secret_key)
    session.commit()  # the first request makes the key pair
    return JSONResponse(found, headers={"Cache-Control": "public, max-age=300"})


@router.get("/lti/config.json", name="lti_config")
def config(settings: SettingsDep) -> JSONResponse:
    """The tool configuration document, for platforms that import one."""
    return JSONResponse(tool_config.document(settings))


# --- Login and launch -------------------------------------------------------------------------


def _login(
    request: Request, session: Session, settings: Settings, params: dict[str, str]
) -> Response:
    try:
        found = launch.start_login(
            session,
            params=params,
            launch_url=tool_config.launch_url(settings),
            allow_loopback_http=settings.lti_allow_loopback_http,
        )
    except launch.LaunchRefused as exc:
        return _refused(request, exc)
    return RedirectResponse(found.url, status_code=303)


@router.get("/lti/login", name="lti_login")
def login_get(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """OIDC third-party login initiation (GET)."""
    params = {k: v for k, v in request.query_params.items() if len(v) <= 2000}
    return _login(request, session, settings, params)


@csrf_exempt
@router.post("/lti/login", name="lti_login_post")
def login_post(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    iss: FormStr = "",
    login_hint: FormStr = "",
    target_link_uri: FormStr = "",
    lti_message_hint: FormStr = "",
    lti_deployment_id: FormStr = "",
    client_id: FormStr = "",
) -> Response:
    """OIDC third-party login initiation (POST)."""
    params = {
        "iss": iss,
        "login_hint": login_hint,
        "target_link_uri": target_link_uri,
        "lti_message_hint": lti_message_hint,
        "lti_deployment_id": lti_deployment_id,
        "client_id": client_id,
    }
    kept = {k: v for k, v in params.items() if v and len(v) <= 2000}
    return _login(request, session, settings, kept)


@csrf_exempt
@router.post("/lti/launch", name="lti_launch")
def launch_post(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    id_token: FormStr = "",
    state: FormStr = "",
) -> Response:
    """The platform posts the id_token here: check it, then sign in (or pick content)."""
    try:
        found = launch.verify_launch(
            session,
            id_token=id_token,
            state=state,
            allow_loopback_http=settings.lti_allow_loopback_http,
        )
    except launch.LaunchRefused as exc:
        session.commit()  # a fetched key set is kept
        return _refused(request, exc)
    session.commit()  # the nonce is spent whatever happens next
    try:
        if found.message_type == launch.DEEP_LINKING:
            token = deep_linking.start(session, settings=settings, launch=found)
            return RedirectResponse(f"/lti/deep-link/{token}", status_code=303)
        try:
            landed = service.land(session, settings=settings, launch=found, registry=registry)
        except IntegrityError:
            # A class launching at once races to make the same LMS course, link, cohort or
            # account; the loser finds the winner's rows the second time.
            session.rollback()
            landed = service.land(session, settings=settings, launch=found, registry=registry)
    except launch.LaunchRefused as exc:
        session.rollback()
        return _refused(request, exc, found.platform)
    response = RedirectResponse(f"/lti/enter/{landed.ticket}", status_code=303)
    # If this browser keeps our cookie here (a new window, or a first-party frame), the next
    # page signs in at once; in a third-party iframe it is dropped and a button opens one.
    set_cookie(
        response, PROBE_COOKIE, _probe(landed.ticket), secure=settings.secure_cookies, max_age=300
    )
    return response


@router.get("/lti/enter/{token}", name="lti_enter")
def enter(
    request: Request, session: SessionDep, settings: SettingsDep, token: str, window: str = ""
) -> Response:
    """Finish a launch: sign in where cookies work, else offer a new window."""
    ticket = service.ticket(session, token=token)
    if ticket is None:
        return _refused(request, _spent("ticket"))
    platform = session.get(LtiPlatform, ticket.platform_id)
    if window == "new":
        # A link alone never signs anybody in: whoever opens it sees whose account this is
        # and continues with a button (so a launcher cannot send a victim their own ticket
        # and have the victim's work land in the launcher's account).
        user = session.get(User, ticket.user_id)
        return render(
            request,
            "lti/continue.html",
            {
                "token": token,
                "name": user.display_name if user else "",
                "platform_name": service.origin_of(platform.issuer)
                if platform
                else "your learning platform",
            },
        )
    if request.cookies.get(PROBE_COOKIE) != _probe(token):
        return render(
            request,
            "lti/new_window.html",
            {"token": token},
            headers=_frame_headers(platform),
        )
    return _sign_in(session, settings, ticket)


@router.post("/lti/enter/{token}", name="lti_enter_continue")
def enter_continue(
    request: Request, session: SessionDep, settings: SettingsDep, token: str
) -> Response:
    """The new window's "Continue" button: spend the ticket and sign in."""
    ticket = service.ticket(session, token=token)
    if ticket is None:
        return _refused(request, _spent("ticket"))
    return _sign_in(session, settings, ticket)


def _sign_in(session: Session, settings: Settings, ticket: LtiLaunchTicket) -> Response:
    cookie_token, target = service.redeem_ticket(session, settings=settings, found=ticket)
    response = RedirectResponse(target, status_code=303)
    set_login_cookie(response, cookie_token, settings=settings)
    delete_cookie(response, PROBE_COOKIE, secure=settings.secure_cookies)
    return response


# --- Deep linking ------------------------------------------------------------------------------


def _picker(
    request: Request,
    registry: RegistryDep,
    platform: LtiPlatform | None,
    token: str,
    pick: deep_linking.Pick,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "lti/pick.html",
        {
            "token": token,
            "courses": registry.published(),
            "pick": pick,
            "score_modes": SCORE_MODE_LABELS,
        },
        status_code=status_code,
        headers=_frame_headers(platform),
    )


@router.get("/lti/deep-link/{token}", name="lti_deep_link")
def deep_link_form(
    request: Request, session: SessionDep, registry: RegistryDep, token: str
) -> Response:
    """The catalog, for an instructor to pick a course or a module to link."""
    found = deep_linking.request_for(session, token=token)
    if found is None:
        return _refused(request, _spent("deep link"))
    platform = session.get(LtiPlatform, found.platform_id)
    return _picker(request, registry, platform, token, deep_linking.Pick())


@csrf_exempt
@router.post("/lti/deep-link/{token}", name="lti_deep_link_post")
def deep_link_pick(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    token: str,
    item: FormStr = "",
    graded: FormStr = "",
    score_mode: FormStr = ScoreMode.progress.value,
) -> Response:
    """Send the chosen course or module back to the platform (the token is the credential:
    an iframe in the LMS may keep no cookie, so no CSRF cookie either)."""
    found = deep_linking.request_for(session, token=token)
    if found is None:
        return _refused(request, _spent("deep link"))
    platform = session.get(LtiPlatform, found.platform_id)
    course_slug, _, module_id = item.partition("/")
    pick = deep_linking.Pick(
        course=course_slug, module=module_id, graded=graded == "yes", score_mode=score_mode
    )
    course = registry.get(course_slug)
    errors: dict[str, str] = {}
    if (
        course is None
        or not course.is_published
        or (module_id and course.module(module_id) is None)
    ):
        errors["item"] = "Choose a course or a module from the list."
    if score_mode not in ScoreMode.__members__:
        errors["score_mode"] = "Choose what the grade counts."
    if errors or course is None:
        pick.errors = errors
        return _picker(request, registry, platform, token, pick, status_code=400)
    return_url, jwt = deep_linking.respond(
        session, settings=settings, request=found, course=course, pick=pick
    )
    origin = [service.origin_of(return_url)]
    return render(
        request,
        "lti/deep_link_return.html",
        {"return_url": return_url, "jwt": jwt},
        headers=_frame_headers(platform, form_action=origin),
    )
