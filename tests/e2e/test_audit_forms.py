"""The pages a refused or finished form shows (error summaries, the no-JavaScript exercise
page, "check your email"): the same checks as tests/e2e/test_audit.py, on the answer itself,
switched to the dark scheme and a phone's width in place (a POST answer cannot be reloaded).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.audit import problems_in_both_schemes
from tests.e2e.audit_data import COURSE, AuditSite

C = f"/courses/{COURSE}"


def _no_browser_validation(page: Page, selector: str) -> None:
    """Let an incomplete form reach the server, as it would from an older browser."""
    page.locator(selector).evaluate("form => { form.noValidate = true; }")


def _login_refused(page: Page, site: AuditSite) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".error-summary")).to_be_focused()


def _signup_refused(page: Page, site: AuditSite) -> None:
    page.goto("/signup")
    page.get_by_label("Your name").fill("Pat Short")
    page.get_by_label("Email").fill("pat-short@example.org")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_focused()


def _reset_link_sent(page: Page, site: AuditSite) -> None:
    page.goto("/password/forgot")
    page.get_by_label("Email").fill(site.data.emails["learner"])
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _inquiry_refused(page: Page, site: AuditSite) -> None:
    page.goto("/bring-groundwork")
    page.get_by_label("Your name").fill("Rosa Alvarez")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send your message").click()
    expect(page.locator(".error-summary")).to_be_focused()


def _inquiry_sent(page: Page, site: AuditSite) -> None:
    page.goto("/bring-groundwork")
    page.get_by_label("Your name").fill("Rosa Alvarez")
    page.get_by_label("Your role").fill("Director of assessment")
    page.get_by_label("District or organization").fill("Lakeview Unified")
    page.get_by_label("District size").select_option("over_50000")
    page.get_by_label("Email").fill("rosa.sent@example.org")
    page.get_by_label("Message").fill("We would like to bring the course to our coaches.")
    page.get_by_role("button", name="Send your message").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("on its way")


def _reflection_refused(page: Page, site: AuditSite) -> None:
    page.goto(f"{C}/modules/look-beneath-the-average")
    page.locator("#reflection-disaggregation-reflection-text").fill("Too short.")
    page.locator("#reflection-disaggregation-reflection").get_by_role(
        "button", name="Submit reflection"
    ).click()
    expect(page.locator(".error-summary")).to_be_focused()


def _survey_refused(page: Page, site: AuditSite) -> None:
    page.goto(f"{C}/survey")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.locator(".error-summary")).to_be_focused()


def _exercise_without_javascript(page: Page, site: AuditSite) -> None:
    """A format error sent by a plain form post (form.submit() skips htmx) answers with the
    exercise on its own page."""
    page.goto(f"{C}/modules/look-beneath-the-average")
    box = page.locator("#absence-iep-rate")
    box.get_by_label("Your answer").fill("twelve")
    with page.expect_navigation():
        box.locator("form.exercise-form").evaluate("form => form.submit()")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exercise")
    expect(page.locator("#absence-iep-rate .exercise-result")).to_contain_text("number")


def _certificate_refused(page: Page, site: AuditSite) -> None:
    """The name box emptied and the confirmation left unticked."""
    page.goto(f"{C}/certificate")
    page.get_by_label("Your name on the certificate").fill("")
    _no_browser_validation(page, "form:has(#name)")
    page.get_by_role("button", name=re.compile("certificate", re.I)).click()
    expect(page.locator(".error-summary")).to_be_focused()


def _feedback_refused(page: Page, site: AuditSite) -> None:
    page.goto(f"/staff/reflections/{site.data.reflection_id}")
    _no_browser_validation(page, "form:has(#feedback-body)")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".error-summary")).to_be_focused()


def _revoke_refused(page: Page, site: AuditSite) -> None:
    page.goto("/admin/certificates")
    card = page.locator(f"article:has([id='reason-{site.data.certificate_code}'])")
    card.locator("summary").click()
    card.locator("form").evaluate("form => { form.noValidate = true; }")
    card.get_by_role("button", name="Revoke").click()
    expect(page.locator(".error-summary")).to_be_focused()


CASES: list[tuple[str, Callable[[Page, AuditSite], None]]] = [
    ("visitor", _login_refused),
    ("visitor", _signup_refused),
    ("visitor", _reset_link_sent),
    ("visitor", _inquiry_refused),
    ("visitor", _inquiry_sent),
    ("learner", _reflection_refused),
    ("learner", _survey_refused),
    ("learner", _exercise_without_javascript),
    ("completer", _certificate_refused),
    ("staff", _feedback_refused),
    ("admin", _revoke_refused),
]


@pytest.mark.parametrize(("who", "action"), CASES, ids=[a.__name__.strip("_") for _, a in CASES])
def test_form_answer_passes_every_axe_rule_in_both_schemes_and_fits_a_phone(
    pages: dict[str, Page],
    audit_site: AuditSite,
    who: str,
    action: Callable[[Page, AuditSite], None],
) -> None:
    page = pages[who]
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})
    action(page, audit_site)
    problems = problems_in_both_schemes(page)
    assert not problems, "\n".join(problems)
