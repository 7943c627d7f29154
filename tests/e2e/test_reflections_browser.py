"""Reflections in a real browser: htmx autosave survives a reload, a refused submission keeps
the text, sharing reaches staff, feedback comes back; screenshots of every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import Session

from app.accounts.models import Organization
from app.learning import service as learning
from tests.e2e.browser_session import log_in, log_out
from tests.e2e.conftest import screenshot
from tests.factories import make_user

SLUG = "data-for-liberation"
MODULE = f"/courses/{SLUG}/modules/why-data-for-liberation"
BOX = "#reflection-norms-reflection-text"


def test_write_autosave_submit_share_review_and_feedback(app, page, session: Session):
    org = Organization(name="Riverside Unified", name_key="riverside unified")
    session.add(org)
    session.commit()
    learner = make_user(session, display_name="Zoë O'Brien", organization_id=org.id)
    staff = make_user(session, role="staff", display_name="Fran Facilitator")
    admin = make_user(session, role="admin", display_name="Ada Admin")
    learning.enroll(session, user=learner, course=app.state.registry.get(SLUG))
    session.commit()

    log_in(page, learner.email)
    page.goto(MODULE)
    box = page.locator(BOX)
    box.scroll_into_view_if_needed()
    box.fill("Our group kept the norm of curiosity without naming it. مرحبا 🌱")
    status = page.locator("#reflection-norms-reflection-status")
    expect(status).to_contain_text("Draft saved automatically", timeout=10_000)
    expect(page.locator("#reflection-norms-reflection-count")).to_contain_text("at least 40 needed")
    page.locator("#reflection-norms-reflection").screenshot(
        path=str(screenshot(page, "reflection-module").with_name("reflection-block.png"))
    )
    page.reload()
    expect(page.locator(BOX)).to_have_value(
        "Our group kept the norm of curiosity without naming it. مرحبا 🌱"
    )

    # Too short: refused, text kept, reason given.
    page.get_by_role("button", name="Submit reflection").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 40 words")
    expect(page.locator(BOX)).to_have_value(
        "Our group kept the norm of curiosity without naming it. مرحبا 🌱"
    )
    screenshot(page, "reflection-refused")

    long_text = (
        "Our group kept the norm of curiosity without naming it. "
        + "We asked what the numbers could not tell us and who was missing from them. " * 4
        + "Next time I will ask us to describe before we interpret."
    )
    page.locator(BOX).fill(long_text)
    page.get_by_label("Share with facilitators").check()
    page.get_by_role("button", name="Submit reflection").click()
    expect(page.locator(".flashes")).to_contain_text("Reflection submitted")
    expect(page.locator("#reflection-norms-reflection")).to_contain_text("shared with facilitators")
    screenshot(page, "reflection-submitted")
    log_out(page)

    log_in(page, staff.email)
    page.goto("/staff")
    expect(page.get_by_text("you have not read yet")).to_be_visible()
    screenshot(page, "staff-home")
    page.goto("/staff/reflections?unread=1")
    expect(page.get_by_text("Zoë O'Brien").first).to_be_visible()
    screenshot(page, "staff-queue")
    page.get_by_role("link", name=re.compile("Read Zoë O'Brien's reflection")).click()
    page.get_by_label("Feedback for Zoë O'Brien").fill("Describe before interpret: a strong norm.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".feedback-item")).to_contain_text("a strong norm")
    screenshot(page, "staff-reflection")
    log_out(page)

    log_in(page, learner.email)
    page.goto("/me/journal")
    expect(page.locator(".journal-entry")).to_contain_text("describe before we interpret")
    screenshot(page, "journal")
    page.get_by_role("link", name=re.compile("Open")).first.click()
    expect(page.locator(".feedback-item")).to_contain_text("a strong norm")
    screenshot(page, "journal-entry")
    log_out(page)

    log_in(page, admin.email)
    page.goto("/admin/users")
    expect(page.get_by_role("row", name=re.compile("Fran Facilitator"))).to_be_visible()
    scope = page.get_by_label("Staff scope of Fran Facilitator")
    scope.select_option(label="Only Riverside Unified")
    page.get_by_role("row", name=re.compile("Fran Facilitator")).get_by_role(
        "button", name="Save"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("Fran Facilitator is now staff")
    screenshot(page, "admin-users")
    # The refused submission answers 400 on purpose; nothing else may log an error (CSP too).
    assert [e for e in page.console_errors if "status of 400" not in e] == []
