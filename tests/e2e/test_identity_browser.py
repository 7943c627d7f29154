"""Email verification in a real browser: sign up, follow the emailed link, confirm; change
the email with a mistake first; the account page at desktop and phone widths."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.audit import problems_in_both_schemes
from tests.e2e.conftest import screenshot
from tests.identity.support import latest_link


def _sign_up(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/signup")
    page.get_by_label("Your name").fill("Zoë O'Brien")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a good long password")
    page.get_by_label("Your role").select_option("teacher")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text(f"We sent a link to {email}")


def test_verify_by_the_emailed_link_then_change_the_email(page, session):
    _sign_up(page, "zoe@example.org")
    page.goto("/account")
    expect(page.get_by_text("Not verified yet.")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "account-unverified-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "account-unverified-1280")
    page.get_by_role("button", name="Resend the link").click()
    expect(page.get_by_role("status")).to_contain_text("wait")

    link = latest_link(session, "zoe@example.org")
    assert problems_in_both_schemes(page, link) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(link)
    screenshot(page, "verify-email-confirm")
    page.get_by_role("button", name="Confirm zoe@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("zoe@example.org is verified")
    expect(page.get_by_text("Email verified.")).to_be_visible()
    expect(page.get_by_role("button", name="Resend the link")).to_have_count(0)

    page.get_by_label("New email address").fill("zoe.obrien@example.org")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Change email").click()
    expect(page.get_by_role("alert")).to_contain_text("current password is not correct")
    expect(page.get_by_label("New email address")).to_have_value("zoe.obrien@example.org")
    assert problems_in_both_schemes(page) == []  # the form with its errors
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Your password").fill("a good long password")
    page.get_by_role("button", name="Change email").click()
    expect(page.get_by_role("status")).to_contain_text("Your email stays zoe@example.org")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "account-change-pending-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "account-change-pending-1280")

    page.goto(latest_link(session, "zoe.obrien@example.org"))
    page.get_by_role("button", name="Confirm zoe.obrien@example.org").click()
    expect(page.get_by_role("status")).to_contain_text("now zoe.obrien@example.org")
    expect(page.locator(".facts")).to_contain_text("zoe.obrien@example.org")
    screenshot(page, "account-verified-1280")
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_used_link_gets_a_clear_page(page, session):
    _sign_up(page, "once@example.org")
    link = latest_link(session, "once@example.org")
    page.goto(link)
    page.get_by_role("button", name="Confirm once@example.org").click()
    page.goto(link)
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    expect(page.get_by_text("already been used")).to_be_visible()
    screenshot(page, "verify-email-used")
    assert problems_in_both_schemes(page, link) == []
