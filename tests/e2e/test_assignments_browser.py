"""Staff assign modules to a cohort in a real browser (checkboxes, a date), and the learner's
dashboard says what is due, in words; screenshots at 1280 px light and 390 px dark go to
var/screenshots/ for a person to look at (docs/organizations.md shows them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from app.db import utcnow
from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.e2e.browser_session import log_in
from tests.e2e.conftest import screenshot
from tests.factories import make_user

COURSE = "data-for-liberation"


def _both_schemes(page: Page, name: str) -> None:
    for scheme, width in (("light", 1280), ("dark", 390)):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        screenshot(page, f"{name}-{width}-{scheme}")


def test_staff_assign_in_the_browser_and_the_learner_sees_it_due(page: Page, session) -> None:  # type: ignore[no-untyped-def]
    org = make_org(session, "Riverside Unified")
    cohort = make_cohort(session, organization=org, slug=COURSE, name="Spring data team")
    staff = make_user(session, role="staff", staff_organization_id=org.id, display_name="Sam")
    learner = make_user(session, organization_id=org.id, display_name="Lee Learner")
    join_cohort(session, user=learner, cohort=cohort, enrolled_at=utcnow() - timedelta(days=3))
    assign(
        session,
        cohort=cohort,
        modules=["what-gets-in-the-way"],
        due_on=(datetime.now(UTC) - timedelta(days=2)).date(),
    )
    due = (utcnow() + timedelta(days=4)).date()

    log_in(page, staff.email)
    page.goto(f"/staff/cohorts/{cohort.id}/assignments")
    form = page.locator("form.assign-form")
    form.get_by_label("These modules:").check()
    form.get_by_label("Why data for liberation?").check()
    form.get_by_label("Look beneath the average").check()
    form.get_by_label("On a date").check()
    form.get_by_label("Due date").fill(due.isoformat())
    form.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("The work is assigned to Spring data team.")).to_be_visible()
    form.get_by_label("The whole course").check()
    form.get_by_label("A number of days after each learner joined").check()
    form.get_by_label("Days after joining").fill("30")
    form.get_by_role("button", name="Assign").click()
    rows = page.locator(".assignment h3")
    expect(rows).to_have_count(3)
    _both_schemes(page, "assignments-staff")
    page.goto(f"/staff/cohorts/{cohort.id}/assignments/report")
    _both_schemes(page, "assignments-report")

    log_in(page, learner.email)
    page.goto("/me")
    items = page.locator(".due-list li")
    expect(items.first).to_contain_text("Overdue:")
    expect(items.first).to_contain_text("overdue by 2 days")
    expect(page.locator(".due-list")).to_contain_text("in 4 days")
    expect(page.locator(".due-list")).to_contain_text("in 27 days")
    _both_schemes(page, "assignments-dashboard")
