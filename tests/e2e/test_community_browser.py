"""Learning together in a real browser (issue 22): two learners of one cohort start and
answer a thread from the module page, the first sees the reply in the header's unread count,
a learner of another district cannot reach the thread by its address, and a facilitator hides
the reply and restores it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.community.support import make_cohort, make_learner, make_org
from tests.e2e.browser_session import log_in
from tests.e2e.conftest import screenshot
from tests.factories import make_user

COURSE = "data-for-liberation"
MODULE = "why-data-for-liberation"


def test_a_cohort_talks_and_a_facilitator_steers(browser, live_server, session):  # type: ignore[no-untyped-def]
    riverside = make_org(session, "Riverside Unified")
    hill = make_org(session, "Hill Country ISD")
    cohort = make_cohort(session, organization=riverside, slug=COURSE)
    ana = make_learner(session, cohort=cohort, slug=COURSE, display_name="Ana Rivera")
    ben = make_learner(session, cohort=cohort, slug=COURSE, display_name="Ben Okafor")
    other = make_learner(session, organization=hill, slug=COURSE, display_name="Cy Outsider")
    facilitator = make_user(
        session, role="staff", staff_organization_id=riverside.id, display_name="Fay Facilitator"
    )
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # Ana opens the module's discussion from the module page and starts a thread.
    log_in(page, ana.email)
    page.goto(f"/courses/{COURSE}/modules/{MODULE}")
    page.get_by_role("link", name=re.compile("^Discussion")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discussion")
    page.get_by_role("button", name="Start a thread").click()
    page.get_by_label("Title").fill("Who reads our attendance data first?")
    page.get_by_label("Your post").fill("In our team the principal sees it before teachers do.")
    page.get_by_label("I have read the community guidelines and will follow them").check()
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who reads our attendance data first?"
    )
    thread_url = page.url

    # Ben, in the same cohort, finds it and replies.
    log_in(page, ben.email)
    page.goto(f"/courses/{COURSE}/modules/{MODULE}/discussion")
    page.get_by_role("link", name="Who reads our attendance data first?").click()
    page.get_by_label("Your reply").fill("Ours goes to counselors first, which changed a lot.")
    page.get_by_label("I have read the community guidelines and will follow them").check()
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Ours goes to counselors first")).to_be_visible()

    # Ana sees one unread notification in the header, without any script.
    log_in(page, ana.email)
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.get_by_role("link", name="Notifications, 1 unread").click()
    expect(page.get_by_text("replied to your thread")).to_be_visible()
    screenshot(page, "community-notifications")

    # A learner of another district cannot reach the thread by its address.
    log_in(page, other.email)
    response = page.goto(thread_url)
    assert response is not None
    assert response.status == 404
    page.goto(f"/courses/{COURSE}/modules/{MODULE}/discussion")
    expect(page.get_by_text("Who reads our attendance data first?")).to_have_count(0)

    # The facilitator hides Ben's reply with a reason, then restores it.
    log_in(page, facilitator.email)
    page.goto(thread_url)
    page.get_by_role("link", name="Moderate this thread").click()
    reply = page.locator("article.community-post", has_text="Ours goes to counselors first")
    reply.get_by_text("with a reason").click()
    reply.get_by_label("Reason the author will see").fill(
        "Please name the school's role, not a person."
    )
    reply.get_by_role("button", name="Hide from other learners").click()
    expect(
        page.locator("article.community-post", has_text="Ours goes to counselors")
    ).to_contain_text("Hidden")
    log_in(page, ana.email)
    page.goto(thread_url)
    expect(page.get_by_text("Ours goes to counselors first")).to_have_count(0)
    log_in(page, facilitator.email)
    page.goto(thread_url)
    page.get_by_role("link", name="Moderate this thread").click()
    page.locator("article.community-post", has_text="Ours goes to counselors").get_by_role(
        "button", name=re.compile("^Restore")
    ).click()
    log_in(page, ana.email)
    page.goto(thread_url)
    expect(page.get_by_text("Ours goes to counselors first")).to_be_visible()
    screenshot(page, "community-thread")
    context.close()
