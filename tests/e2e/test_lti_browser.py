"""A launch inside an LMS iframe, in Chromium with third-party cookies blocked.

The LMS (the independent platform, ``lti1p3platform``) serves its course page on
``http://localhost:<port>``; Groundwork serves on ``http://127.0.0.1:<port>``: another site,
so Groundwork inside the LMS's iframe is a third-party frame. Third-party cookies are
blocked explicitly (DevTools ``Network.setCookieControls``), and a control cookie proves it
before the launch: set first-party, it is withheld from the same host framed by the LMS.

The launch must still pass every check (its state and nonce live on the server, not in a
cookie), then offer "Open Groundwork in a new window", which signs the learner in and opens
the linked module (docs/lti.md, step 5).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, select

from app.accounts.models import User
from app.learning.models import Enrollment
from app.orgs import service as orgs
from tests.e2e.conftest import screenshot
from tests.lti.conftest import COURSE, MODULE, ORG_DOMAIN, course_spec, register
from tests.lti.platform import Platform, running_platform, serving

CONTROL_COOKIE = "gw_control"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"lti_allow_loopback_http": True}


@pytest.fixture
def lms(app, live_server: str, session: Session) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    """The platform on localhost, registered for Riverside Unified; the live server knows
    its own address (the launch URL it sends the platform)."""
    app.state.settings = app.state.settings.model_copy(update={"base_url": live_server})
    district = orgs.create_organization(
        session, name="Riverside Unified", domain_names=[ORG_DOMAIN]
    )
    with running_platform() as running:
        jwks = httpx.get(f"{live_server}/lti/jwks.json").json()
        running.connect(live_server, jwks)
        register(session, running, district)
        yield running


def _control_app() -> FastAPI:
    """A page on Groundwork's host (another port: the same site) that sets a cookie a
    browser allowing third-party cookies would keep and send in a frame, and one that
    shows the cookies it received."""
    app = FastAPI()

    @app.get("/set")
    def set_cookie() -> RedirectResponse:
        response = RedirectResponse("/check", status_code=303)
        response.headers.append(
            "set-cookie", f"{CONTROL_COOKIE}=1; Path=/; SameSite=None; Secure; Max-Age=600"
        )
        return response

    @app.get("/check")
    def check(request: Request) -> HTMLResponse:
        return HTMLResponse(f'<p id="cookies">{json.dumps(sorted(request.cookies))}</p>')

    return app


@pytest.fixture
def control() -> Iterator[str]:
    with serving(_control_app(), "127.0.0.1") as url:
        yield url


def test_a_launch_in_a_third_party_iframe_reaches_the_module(  # type: ignore[no-untyped-def]
    browser, live_server, lms: Platform, control: str, session: Session
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send(
            "Network.setCookieControls",
            {
                "enableThirdPartyCookieRestriction": True,
                "disableThirdPartyCookieMetadata": True,
                "disableThirdPartyCookieHeuristics": True,
            },
        )
        assert lms.url.startswith("http://localhost:")
        assert live_server.startswith("http://127.0.0.1:")

        # The control: first-party, the cookie is kept and sent ...
        page.goto(f"{control}/set")
        assert json.loads(page.locator("#cookies").text_content() or "") == [CONTROL_COOKIE]
        # ... framed by the LMS's page, the same host does not get it.
        hint = lms.add_launch(course_spec(sub="iframe-learner", email=f"ana@{ORG_DOMAIN}"))
        page.goto(f"{lms.url}/course/{hint}")
        page.evaluate(
            "src => document.body.insertAdjacentHTML('beforeend', "
            '`<iframe id="control" title="control" src="${src}"></iframe>`)',
            f"{control}/check",
        )
        framed = page.frame_locator("#control").locator("#cookies")
        assert json.loads(framed.text_content() or "") == []

        # The launch inside the LMS's iframe: login, the platform's auto-post, the checks.
        tool = page.frame_locator("#tool")
        button = tool.get_by_role("button", name="Open Groundwork in a new window")
        button.wait_for()
        frame = next(f for f in page.frames if "/lti/enter/" in f.url)
        assert frame.url.startswith(f"{live_server}/lti/enter/")
        assert lms.redirect_uris == [f"{live_server}/lti/launch"]
        # Nothing the frame was sent stuck: no probe cookie, no session.
        assert [c["name"] for c in context.cookies(live_server)] == [CONTROL_COOKIE]
        screenshot(page, "lti-iframe-new-window")

        with context.expect_page() as opened:
            button.click()
        window = opened.value
        window.get_by_role("button", name="Continue as").click()
        window.wait_for_url(f"{live_server}/courses/{COURSE}/modules/{MODULE}")
        assert window.get_by_role("button", name="Log out").count() >= 1
        assert window.locator("h1").first.text_content()
        screenshot(window, "lti-module-in-new-window")
    finally:
        context.close()
    session.expire_all()
    user = session.exec(select(User).where(User.email == f"ana@{ORG_DOMAIN}")).one()
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    assert enrollment.active
    assert user.organization_proof == "lti"
