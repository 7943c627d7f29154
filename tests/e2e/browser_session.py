"""Logging in and out in a browser test: the one copy every browser test uses."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD


def log_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign ``email`` in through the login form, as whoever was signed in before leaves."""
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
