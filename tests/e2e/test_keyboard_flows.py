"""The core journeys by keyboard alone, asserting where focus lands after each step and that
what changed is announced: an in-page update puts its result inside a live region that was
already on the page before the update (a region added with the content is often not read);
a form that posts and redirects opens the next page on its message or its error summary.

Each flow uses a fresh account on the shared audit server (tests/e2e/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session

from app.db import open_session
from tests.e2e.audit import in_surviving_live_region, mark_live_regions
from tests.e2e.audit_data import COURSE, OTHER_COURSE, REFLECTION_TEXT, AuditSite
from tests.factories import DEFAULT_PASSWORD, make_user

MODULE_1 = f"/courses/{COURSE}/modules/why-data-for-liberation"
MODULE_2 = f"/courses/{COURSE}/modules/what-gets-in-the-way"


@pytest.fixture
def page(browser: Browser, audit_site: AuditSite) -> Iterator[Page]:
    """A fresh, logged-out browser context on the audit server."""
    context = browser.new_context(base_url=audit_site.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []
    context.close()


def _new_learner(site: AuditSite) -> str:
    with open_session(engine=site.engine) as session:
        assert isinstance(session, Session)
        return make_user(session).email


def _log_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")


def _tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab, when the target comes earlier in the page) until ``target``
    has focus; fails if it never does."""
    backwards = target.evaluate(
        """el => { const a = document.activeElement;
          return !!a && a !== document.body && a !== el
            && !!(a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING); }"""
    )
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {target}")


def _enroll(page: Page, slug: str) -> None:
    page.goto(f"/courses/{slug}")
    _tab_to(page, page.get_by_role("button", name=re.compile("^Enroll")))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_failed_login_focuses_the_error_summary(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site), password="not the password")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert summary.get_attribute("role") == "alert"


def test_enroll_then_start_with_the_keyboard(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site))
    _enroll(page, OTHER_COURSE)
    message = page.locator(".flashes")
    expect(message).to_be_focused()
    expect(message).to_contain_text("You are enrolled")
    assert message.get_attribute("role") == "status"
    # The call to action is a link (Enter follows it), not a link dressed as a button.
    start = page.get_by_role("link", name=re.compile("^Start the course"))
    assert start.get_attribute("role") is None
    _tab_to(page, start)
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/**")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_exercise_wrong_then_right_and_a_hint(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(MODULE_1)
    box = page.locator("#mirror-not-verdict")

    # Wrong: choose a with the keyboard, Enter on the button.
    mark_live_regions(page)
    box.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    _tab_to(page, box.get_by_role("button", name="Check my answer"))
    page.keyboard.press("Enter")
    result = box.locator(".exercise-result")
    expect(result).to_be_focused()
    expect(result).to_contain_text("Not quite")
    assert in_surviving_live_region(page, "#mirror-not-verdict .exercise-result")
    expect(box).to_contain_text("1 of 2 attempts left")

    # A hint: the new hint takes focus, inside the hints region that was already there.
    mark_live_regions(page)
    _tab_to(page, box.get_by_role("button", name=re.compile("Show a hint")))
    page.keyboard.press("Enter")
    hint = box.locator("#ex-mirror-not-verdict-hint-1")
    expect(hint).to_be_focused()
    assert in_surviving_live_region(page, "#ex-mirror-not-verdict-hint-1")
    expect(box.get_by_role("button", name=re.compile("Show a hint"))).to_have_count(0)

    # Right: the second choice, then the feedback takes focus and the form is gone.
    mark_live_regions(page)
    box.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    expect(box.get_by_role("radio").nth(1)).to_be_checked()
    _tab_to(page, box.get_by_role("button", name="Check my answer"))
    page.keyboard.press("Enter")
    expect(result).to_be_focused()
    expect(result).to_contain_text("Correct")
    assert in_surviving_live_region(page, "#mirror-not-verdict .exercise-result")
    expect(box.get_by_role("button", name="Check my answer")).to_have_count(0)
    expect(box).to_contain_text("Done: answered correctly")
    # The exercise box itself stayed: the same element holds the new content.
    assert box.evaluate("el => el.isConnected && el.id === 'mirror-not-verdict'")


def test_reflection_autosave_draft_refusal_and_submit(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(MODULE_1)
    box = page.locator("#reflection-norms-reflection-text")

    # Autosave: the status line that was on the page says so.
    mark_live_regions(page)
    _tab_to(page, box)
    page.keyboard.type("Too short to submit.")
    status = page.locator("#reflection-norms-reflection-status")
    expect(status).to_contain_text("saved automatically", timeout=10_000)
    assert in_surviving_live_region(page, "#reflection-norms-reflection-status")

    # Save draft (a form post): the module reopens on the reflection, focus on the message.
    _tab_to(page, page.get_by_role("button", name="Save draft"))
    page.keyboard.press("Enter")
    message = page.locator("#reflection-norms-reflection .flashes")
    expect(message).to_be_focused()
    expect(message).to_contain_text("Draft saved")

    # Submit too short: refused, the error summary has focus, the text is kept.
    _tab_to(page, page.get_by_role("button", name="Submit reflection"))
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("at least")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reflection")
    expect(box).to_have_value("Too short to submit.")

    box.fill(REFLECTION_TEXT)
    _tab_to(page, page.get_by_role("button", name="Submit reflection"))
    page.keyboard.press("Enter")
    message = page.locator("#reflection-norms-reflection .flashes")
    expect(message).to_be_focused()
    expect(message).to_contain_text("Reflection submitted")


def test_explorer_view_change_by_keyboard(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(f"/courses/{COURSE}/explore/absence-by-group")
    expect(page.locator(".explore-chart")).to_have_attribute("data-chart-ready", "true")
    requests: list[str] = []
    page.on(
        "request",
        lambda r: requests.append(r.url) if r.headers.get("hx-request") == "true" else None,
    )
    mark_live_regions(page)
    group_by = page.get_by_label("Group by")
    _tab_to(page, group_by)
    before = group_by.input_value()
    for _ in range(3):  # arrowing through the options: one request, after the pause
        page.keyboard.press("ArrowDown")
    after = group_by.input_value()
    assert after != before
    status = page.locator("#explore-absence-by-group-result-status")
    expect(status).to_contain_text("Showing")
    label = group_by.locator("option:checked").inner_text()
    expect(status).to_contain_text(label)
    assert len(requests) == 1, requests
    assert in_surviving_live_region(page, "#explore-absence-by-group-result-status")
    assert len(status.inner_text()) < 200  # a sentence, not the table
    expect(group_by).to_be_focused()  # focus stays on the control
    chart = page.locator(".explore-chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute("aria-label", re.compile(re.escape(label)))
    expect(page.locator(".explore-caption")).to_contain_text(label)


def test_survey_by_keyboard(page: Page, audit_site: AuditSite) -> None:
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(f"/courses/{COURSE}/survey")
    # Submit with nothing chosen: the error summary has focus.
    _tab_to(page, page.get_by_role("button", name="Submit feedback"))
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    # Each item: Tab into its radio group, arrow to an answer.
    for item in ("was_engaging", "thought_provoking", "affect_work", "share", "use_now"):
        _tab_to(page, page.locator(f"#item-{item}-1"))
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(page.locator(f"#item-{item}-4")).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Submit feedback"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/courses/{COURSE}")
    message = page.locator(".flashes")
    expect(message).to_be_focused()
    expect(message).to_contain_text("Thank you")


def test_exercise_and_hint_work_without_javascript(browser: Browser, audit_site: AuditSite) -> None:
    """The forms post and the server redirects back to the exercise: the hint button (which
    belongs to its own form) and the answer both work with scripts off."""
    context = browser.new_context(base_url=audit_site.url, java_script_enabled=False)
    page = context.new_page()
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(MODULE_1)
    box = page.locator("#mirror-not-verdict")
    with page.expect_navigation():
        box.get_by_role("button", name=re.compile("Show a hint")).click()
    expect(box.locator("#ex-mirror-not-verdict-hint-1")).to_contain_text("adults or structures")
    box.get_by_role("radio").nth(1).check()
    with page.expect_navigation():
        box.get_by_role("button", name="Check my answer").click()
    assert page.url.endswith("#mirror-not-verdict")
    expect(page.locator(".flashes")).to_contain_text("Correct")
    expect(box).to_contain_text("Done: answered correctly")
    context.close()


def test_start_a_discussion_thread_by_keyboard(page: Page, audit_site: AuditSite) -> None:
    """The new-thread form by keyboard: a refusal (guidelines not agreed) opens on its error
    summary with the typed words kept; agreeing with Space and Enter posts the thread."""
    _log_in(page, _new_learner(audit_site))
    _enroll(page, COURSE)
    page.goto(f"{MODULE_1}/discussion")
    _tab_to(page, page.get_by_role("button", name="Start a thread"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Keyboard-only thread")
    _tab_to(page, page.get_by_label("Your post"))
    page.keyboard.type("Written without a mouse.")
    _tab_to(page, page.get_by_role("button", name="Post thread"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_value("Keyboard-only thread")
    expect(page.get_by_label("Your post")).to_have_value("Written without a mouse.")
    agree = page.get_by_label("I have read the community guidelines and will follow them")
    _tab_to(page, agree)
    page.keyboard.press("Space")
    expect(agree).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Post thread"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard-only thread")
