"""A district user signs in through the OpenID Connect provider on loopback, in a real
browser, and lands signed in as a confirmed member; screenshots of the pages involved."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.accounts.models import User
from app.db import id_of
from app.orgs import service as orgs
from tests.e2e.audit import problems_in_both_schemes
from tests.e2e.conftest import screenshot
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.sso.conftest import ORG_DOMAIN, configure

WIDTHS = (1280, 390)


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"oidc_allow_loopback_http": True}


@pytest.fixture
def district_site(app, live_server, session, oidc_provider):  # type: ignore[no-untyped-def]
    """The live server knows its own address (the redirect URI), and Riverside Unified
    has district sign-in with the provider on loopback."""
    app.state.settings = app.state.settings.model_copy(update={"base_url": live_server})
    org = orgs.create_organization(session, name="Riverside Unified")
    configure(session, oidc_provider, org)
    return org


def _offline(page) -> None:  # type: ignore[no-untyped-def]
    # The provider's pages link a stylesheet on a CDN; this machine has no internet.
    page.route(
        re.compile(r"^https://"),
        lambda route: route.fulfill(status=200, content_type="text/css", body=""),
    )


def test_a_district_user_signs_in_and_lands_as_a_confirmed_member(
    page,
    session,
    oidc_provider,
    district_site,
):
    email = f"rosa@{ORG_DOMAIN}"
    oidc_provider.set_user("rosa", email=email, email_verified=True, name="Rosa Parks")
    _offline(page)
    page.goto("/login")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sso-login-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("District email").fill(email)
    page.get_by_role("button", name="Sign in with your district account").click()
    page.wait_for_url(f"{oidc_provider.url}/**")
    page.get_by_placeholder("sub").fill("rosa")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: url.endswith("/me"))
    assert "Your account is a member of Riverside Unified" in page.content()
    assert page.get_by_role("button", name="Log out").count() >= 1
    session.expire_all()
    user = session.exec(select(User).where(User.email == email)).one()
    assert (user.organization_id, user.organization_proof) == (id_of(district_site), "sso")
    assert page.console_errors == []


def test_the_settings_page_in_a_browser(page, session, district_site):  # type: ignore[no-untyped-def]
    admin = make_user(session, role="admin")
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/staff/orgs/{id_of(district_site)}/sign-in")
    assert page.get_by_role("heading", name="District sign-in for Riverside Unified").count() == 1
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"sso-settings-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Test the connection").click()
    assert "The provider answered" in page.content()
    assert page.console_errors == []


def test_district_sign_in_pages_pass_axe_and_fit_a_phone(page, session, district_site):  # type: ignore[no-untyped-def]
    problems = problems_in_both_schemes(page, "/login")
    problems += problems_in_both_schemes(page, "/sso/callback?state=forged")
    admin = make_user(session, role="admin")
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    problems += problems_in_both_schemes(page, f"/staff/orgs/{id_of(district_site)}/sign-in")
    assert not problems, "\n".join(problems)
