"""A new user signs up, logs out, logs in and changes the password in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_sign_up_log_out_log_in_change_password(page):
    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("link", name="Sign up free").click()
    # The form rejects a short password and keeps what was typed.
    page.get_by_label("Your name").fill("Zoë O'Brien")
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Your role").select_option("teacher")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 8 characters")
    expect(page.get_by_label("Your name")).to_have_value("Zoë O'Brien")
    screenshot(page, "signup-error")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name=re.compile("Your account"))).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("logged out")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("zoe@example.org")
    page.get_by_label("Password").fill("a good long password")
    page.get_by_role("button", name="Log in").click()
    page.goto("/account")
    page.get_by_label("Current password").fill("a good long password")
    page.get_by_label("New password", exact=True).fill("an even better one")
    page.get_by_label("Type the new password again").fill("an even better one")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("password is changed")
    screenshot(page, "account")
    # The rejected sign-up answers 400 on purpose; anything else logged is a fault.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_keyboard_skip_link_reaches_main(page):
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
