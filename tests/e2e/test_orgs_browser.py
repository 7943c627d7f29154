"""A district in a real browser: an admin creates the organization, its staff make a cohort,
a new educator joins through the cohort's link, and the link stops after its last use."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.browser_session import log_in
from tests.e2e.conftest import screenshot
from tests.factories import make_user


def test_a_district_from_creation_to_a_used_up_cohort_link(browser, live_server, session):  # type: ignore[no-untyped-def]
    admin = make_user(session, role="admin", display_name="Ada Admin")
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, admin.email)

    # The admin creates the organization; a bad domain is refused and the name is kept.
    page.goto("/admin/organizations")
    page.get_by_label("Name").fill("Riverside Unified")
    page.get_by_label("Verified email domains").fill("riverside.org nope")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("alert")).to_contain_text("Not an email domain: nope")
    expect(page.get_by_label("Name")).to_have_value("Riverside Unified")
    page.get_by_label("Verified email domains").fill("riverside.org")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("status")).to_contain_text("Riverside Unified is created")
    screenshot(page, "orgs-admin")

    # Its cohort, with a join link limited to one person (made on the invitations page).
    page.get_by_role("link", name="Riverside Unified").click()
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_label("Name").fill("Spring 2027, Lincoln Middle")
    page.get_by_label("Course").select_option(
        label="Data for Liberation: Moving Beyond the Numbers"
    )
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 2027, Lincoln Middle")
    screenshot(page, "orgs-cohort")
    page.get_by_role("link", name=re.compile("Cohorts of Riverside")).click()
    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Cohort").select_option(label="Spring 2027, Lincoln Middle")
    page.get_by_label("How many people may use it").fill("1")
    page.get_by_role("button", name="Make link").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Invitation link \d+ is ready"))
    link = page.locator("input.copy-link").first.input_value()
    assert link.startswith("http")
    assert "/join/" in link
    screenshot(page, "orgs-invites")

    # A new educator follows the link, signs up, and lands in the course as a member.
    newcomer = browser.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, color_scheme="dark"
    )
    visitor = newcomer.new_page()
    visitor.goto(link.replace("http://127.0.0.1:8000", live_server))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Join Riverside Unified")
    screenshot(visitor, "orgs-join-390-dark")
    visitor.get_by_role("link", name="Create a free account and join").click()
    visitor.get_by_label("Your name").fill("Rosa Educator")
    visitor.get_by_label("Email").fill("rosa@riverside.org")
    visitor.get_by_label("Password").fill("a good long password")
    visitor.get_by_label("Your role").select_option("teacher")
    visitor.get_by_role("button", name="Create account").click()
    expect(visitor.get_by_role("status")).to_contain_text(
        "You joined Riverside Unified, cohort “Spring 2027, Lincoln Middle”"
    )
    expect(visitor).to_have_url(re.compile("/courses/data-for-liberation$"))
    visitor.goto("/account/organization")
    expect(visitor.locator(".facts")).to_contain_text("Invitation link")
    screenshot(visitor, "orgs-my-organization-390-dark")
    newcomer.close()

    # Staff see her, and how she joined; the link is now used up for the next person.
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("table").last).to_contain_text("Rosa Educator")
    expect(page.get_by_role("table").last).to_contain_text("Invitation link")
    screenshot(page, "orgs-members")
    late = browser.new_context(base_url=live_server).new_page()
    response = late.goto(link.replace("http://127.0.0.1:8000", live_server))
    assert response is not None
    assert response.status == 410
    expect(late.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    screenshot(late, "orgs-link-used-up")
    context.close()
