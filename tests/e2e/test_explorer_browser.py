"""The explorer and an exercise in a real browser under the app's CSP (no eval, no inline)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.e2e
CSP_WATCH = """() => {
  window._csp = [];
  document.addEventListener("securitypolicyviolation",
    e => window._csp.push([e.target.id, e.target.tagName, e.violatedDirective]));
}"""
COURSES = Path(__file__).parents[1] / "exercises" / "fixtures" / "courses"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Serve the data fixture course."""
    return {"content_dir": COURSES}


def test_chart_draws_updates_in_place_and_exercise_grades(page, session) -> None:
    """Vega draws under CSP, htmx swaps the result, the exercise answers in place."""
    user = make_user(session)
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/courses/data-course")
    page.get_by_role("button", name="Enroll").first.click()
    page.goto("/courses/data-course/modules/gaps")
    page.evaluate(CSP_WATCH)
    chart = page.locator("#explore-absence-explorer .explore-chart")
    expect(chart).to_have_attribute("data-chart-ready", "true", timeout=15000)
    expect(chart.locator("svg")).to_have_count(1)
    screenshot(page, "explorer-chart")
    page.get_by_label("Group by").select_option("school")
    expect(page.locator(".explore-table tbody th").first).to_have_text("Cedar High")
    expect(page.locator("#explore-absence-explorer .explore-chart")).to_have_attribute(
        "data-chart-ready", "true", timeout=15000
    )
    assert page.url.endswith("/modules/gaps")  # updated in place
    box = page.locator("#el-gap").get_by_label("Your answer (pp)")
    box.fill("twelve")
    page.locator("#el-gap").get_by_role("button", name="Check my answer").click()
    expect(page.locator("#el-gap [role=status]")).to_contain_text("not a number")
    expect(page.locator("#el-gap").get_by_label("Your answer (pp)")).to_have_value("twelve")
    screenshot(page, "exercise-format-error")
    assert page.evaluate("() => window._csp") == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e], (
        page.console_errors
    )
    assert page.console_errors == []


def test_explorer_layout_at_desktop_and_phone_widths(page, session) -> None:
    """Filters get readable columns at 1280 px; at 390 px nothing widens the page (the table
    scrolls inside its own focusable box)."""
    user = make_user(session, role="author")
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    url = (
        "/courses/data-course/explore/absence-explorer?measure=students&group_by=school"
        "&group_by2=race_ethnicity&compare=overall"
    )
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.locator("details.explore-filters summary").click()
        chart = page.locator(".explore-chart")
        expect(chart).to_have_attribute("data-chart-ready", "true", timeout=15000)
        label_widths = page.eval_on_selector_all(
            ".explore-filters label", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert label_widths, width
        assert min(label_widths) >= min(240, width - 80), label_widths
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (width, overflow)
        wrap = page.locator(".explore-table-wrap")
        assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        assert wrap.get_attribute("tabindex") == "0"
        screenshot(page, f"explorer-{width}")
    assert page.console_errors == []
