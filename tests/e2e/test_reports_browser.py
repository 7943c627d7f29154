"""Staff reports in a real browser: the filter form works without JavaScript and keeps its
values, the CSV links carry the filters, axe finds no serious problems; screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.browser_session import log_in
from tests.e2e.conftest import screenshot
from tests.factories import make_user
from tests.reports.support import TITLE, add_recent_organization, seed

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def _serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.evaluate(AXE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_reports_filter_export_and_screens(browser, live_server, session: Session) -> None:
    # Without JavaScript: the filter form is a plain GET form.
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    seed(session)
    # Ten more learners enrolled with Riverside's: without them, Riverside narrowed to 2026
    # would give away Lakeview's three by differencing, and is rightly hidden.
    add_recent_organization(session, "Eastgate", 10)
    staff = make_user(session, role="staff", display_name="Sam Staff")
    log_in(page, staff.email)

    page.goto("/staff")
    page.get_by_role("link", name="Enrollment and completion").click()
    expect(page.get_by_role("heading", name="Enrollment and completion", level=1)).to_be_visible()
    expect(page.get_by_text("35 enrollments match.")).to_be_visible()
    screenshot(page, "reports-overview")

    page.locator("#f-course").select_option("data-for-liberation")
    page.locator("#f-organization").select_option(label="Riverside")
    page.get_by_label("Enrolled from").fill("2026-01-01")
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_text("12 enrollments match.")).to_be_visible()
    expect(page.locator("#f-organization").locator("option:checked")).to_have_text("Riverside")
    expect(page.get_by_label("Enrolled from")).to_have_value("2026-01-01")
    row = page.locator("table[data-report=overview] tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("25.0%")
    href = page.get_by_role("link", name="Download CSV of enrollment and completion by course")
    expect(href).to_have_attribute("href", re.compile(r"enrolled_from=2026-01-01"))
    screenshot(page, "reports-overview-filtered")

    page.get_by_role("link", name="Exercises", exact=True).click()
    expect(page.get_by_label("Enrolled from")).to_have_value("2026-01-01")
    expect(page.locator("table[data-report=exercises]")).to_contain_text("absence-iep-rate")
    screenshot(page, "reports-exercises")

    page.get_by_role("link", name="Feedback", exact=True).click()
    expect(page.locator("table[data-report=feedback]")).to_contain_text("60.0%")
    screenshot(page, "reports-feedback")

    page.goto("/staff/reports?enrolled_from=2030-01-01")
    expect(page.get_by_text("No enrollments match these filters.")).to_be_visible()
    screenshot(page, "reports-empty")
    page.goto("/staff/reports?enrolled_from=tomorrow&cohort=no%20spaces")
    expect(page.get_by_role("alert")).to_contain_text("Some filters were ignored")
    screenshot(page, "reports-bad-filter")
    assert errors == []
    context.close()

    # axe on each report page (CSP bypassed only to inject axe).
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    log_in(page, staff.email)
    for url in ("/staff/reports", "/staff/reports/exercises", "/staff/reports/feedback"):
        page.goto(url)
        assert _serious_violations(page) == [], url
    # A phone-sized screen: wide tables scroll inside their region, not the page.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/staff/reports")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "reports-phone")
    context.close()
