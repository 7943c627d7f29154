"""The token and webhook pages in Chromium: no serious axe violations, a token made and
shown once, screenshots at laptop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.security.outbound_urls import OutboundPolicy
from app.webhooks import service as webhooks
from tests.e2e.audit import axe_violations
from tests.e2e.conftest import screenshot
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.settings_support import TEST_SECRET_KEY

PAGES = ["/account/tokens", "/admin/webhooks", "/admin/webhooks/deliveries"]


@pytest.fixture
def admin_state(browser, live_server, session):  # type: ignore[no-untyped-def]
    admin = make_user(session, role="admin", email="admin@example.org")
    webhooks.add_endpoint(
        session,
        url="http://127.0.0.1:9/hooks",
        events=webhooks.EVENT_KINDS,
        organization_id=None,
        created_by=admin,
        policy=OutboundPolicy(allow_private=True, require_https=False),
        secret_key=TEST_SECRET_KEY,
    )
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_every_axe_rule_in_both_schemes(browser, live_server, admin_state, path) -> None:  # type: ignore[no-untyped-def]
    for scheme in ("light", "dark"):
        context = browser.new_context(storage_state=admin_state, color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server + path)
        found = axe_violations(page)
        context.close()
        assert found == [], (scheme, found)


@pytest.mark.parametrize(("label", "width"), [("laptop", 1280), ("phone", 390)])
def test_make_a_token_in_the_browser(browser, live_server, admin_state, label, width) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server, storage_state=admin_state, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto("/account")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("District warehouse")
    page.get_by_label("read:enrollments").check()
    page.get_by_role("button", name="Make token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("gw_")
    screenshot(page, f"api-token-made-{label}")
    response = page.request.get("/api/v1/enrollments", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    page.goto("/account/tokens")  # shown once: a later visit lists it by name only
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="District warehouse", exact=True)).to_be_visible()
    page.goto("/admin/webhooks")
    screenshot(page, f"admin-webhooks-{label}")
    context.close()
