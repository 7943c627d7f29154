"""The staff reports' charts in Chromium: drawn (an SVG appears) on the overview and exercises
pages in the light and dark schemes at 1280 and 390 px, with no console error, no CSP
violation, no axe violation (every rule) and no sideways scroll; without JavaScript the tables
are the report. Screenshots go to var/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from tests.e2e.audit import axe_violations, settle, sideways_overflow
from tests.e2e.browser_session import log_in
from tests.e2e.conftest import screenshot
from tests.factories import make_user
from tests.reports.activity import make_activity

# Records every CSP violation the page reports (the console message alone can be missed).
_WATCH_CSP = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));"""

PAGES = {
    "overview": ("/staff/reports", 2),  # the course with learners: funnel and trend
    "exercises": ("/staff/reports/exercises", 1),
}


@pytest.fixture
def staff_email(app, live_server, session: Session) -> str:  # type: ignore[no-untyped-def]
    make_activity(session, app.state.registry.courses)
    return make_user(session, role="admin", display_name="Ada Admin").email


def test_charts_draw_under_the_csp_in_both_schemes(browser, live_server, staff_email) -> None:
    context = browser.new_context(base_url=live_server)
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, staff_email)
    problems: list[str] = []
    for name, (url, expected) in PAGES.items():
        for scheme in ("light", "dark"):
            for width in (1280, 390):
                where = f"{name} {scheme} {width}px"
                page.emulate_media(color_scheme=scheme)
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(url + "?course=data-for-liberation")
                settle(page)
                charts = page.locator("[data-report-chart]")
                assert charts.count() == expected, where
                for i in range(charts.count()):
                    chart = charts.nth(i)
                    assert chart.get_attribute("data-chart-ready") == "true", where
                    expect(chart.locator("svg")).to_have_count(1)
                    expect(chart).to_have_attribute("role", "img")
                    box = chart.bounding_box()
                    assert box is not None, where
                    assert box["width"] <= width, where
                problems += [f"{where}: {line}" for line in axe_violations(page)]
                if overflow := sideways_overflow(page):
                    problems.append(f"{where}: sideways scroll {overflow}")
                problems += [f"{where}: CSP {v}" for v in page.evaluate("window.__csp")]
                screenshot(page, f"report-charts-{name}-{scheme}-{width}")
    assert problems == []
    assert errors == []
    context.close()


def test_without_javascript_the_tables_are_the_report(browser, live_server, staff_email) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, staff_email)
    page.goto("/staff/reports?course=data-for-liberation")
    expect(page.locator("table[data-report=funnel]")).to_be_visible()
    expect(page.locator("table[data-report=trend]")).to_be_visible()
    expect(page.locator("[data-report-chart]").first).to_be_hidden()
    context.close()
